//! Key files mounted where deployments read them (#13 item 6, the mount half), against moto: a
//! repository holds a real RSA key (`certs/server.key`, text) and a PKCS#12 keystore
//! (`certs/client.p12`, binary) and deployments that read them at container paths — a Kubernetes
//! Deployment (`env` value and `args`) and CronJob, a compose service that bind-mounts the key, an
//! ECS container whose `environment` names it. `plan` records each mount and says in the `file`
//! site's reason what apply writes; `apply` uploads the files, removes them from the tree, and
//! writes: an `ExternalSecret` + `secret` volume (`items`, `defaultMode: 0400`) + read-only
//! `volumeMount` (Kubernetes), a compose secret with `file:` replacing the bind mount, an ECS
//! `secrets` entry holding the PEM (the binary keystore has none: ECS injects strings only). Each
//! is then resolved the way its platform would, against moto — the ExternalSecret's remote refs
//! fetched by the `aws` CLI into the volume's items, the compose secret's file written by `hoist
//! run --file`, the ECS variable run through the entrypoint recipe apply prints — and the file the
//! container would read is byte-identical to the original. Manifests and compose files are read
//! back by a YAML parser; documents hoist didn't touch keep their bytes; a second apply is a no-op.

mod common;

use common::git::{commit, git};

use base64::Engine;
use common::cli::{Hoist, text};
use common::moto::Moto;
use std::path::Path;
use std::process::{Command, Output};

fn openssl(dir: &Path, args: &[&str]) {
    let out = Command::new("openssl").current_dir(dir).args(args).output().expect("openssl is required");
    assert!(out.status.success(), "openssl {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

const SERVICE: &str = "---\napiVersion: v1\nkind: Service\nmetadata:\n  name: api\nspec:\n  ports:\n    - port: 443\n";

const DEPLOYMENT: &str = "\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: shop
spec:
  template:
    spec:
      containers:
        - name: api
          image: shop/api:1
          args: [\"--keystore=/etc/tls/client.p12\"]
          env:
            - name: TLS_KEY_FILE
              value: /etc/tls/server.key
          volumeMounts:
            - name: cache
              mountPath: /var/cache
      volumes:
        - name: cache
          emptyDir: {}
";

const CRONJOB: &str = "\
---
apiVersion: batch/v1
kind: CronJob
metadata:
  name: renew
spec:
  schedule: \"0 3 * * *\"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers:
            - name: renew
              image: shop/renew:1
              command:
                - /bin/renew
                - --key
                - /secrets/server.key
";

const COMPOSE: &str = "\
services:
  web:
    build: .
    volumes:
      - ./certs/server.key:/run/certs/server.key:ro
      - ./data:/data
    environment:
      TLS_KEY_FILE: /run/certs/server.key
  db:
    image: postgres:16
";

const TASK: &str = r#"{
  "family": "api",
  "containerDefinitions": [
    {
      "name": "api",
      "image": "shop/api:1",
      "environment": [
        { "name": "TLS_KEY_FILE", "value": "/etc/tls/server.key" }
      ]
    }
  ]
}
"#;

struct Repo {
    dir: tempfile::TempDir,
    pem: Vec<u8>,
    p12: Vec<u8>,
}

impl Repo {
    fn new() -> Repo {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        for sub in ["certs", "k8s", "ecs", "data"] {
            std::fs::create_dir_all(d.join(sub)).unwrap();
        }
        openssl(d, &["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", "certs/server.key"]);
        openssl(
            d,
            &["req", "-new", "-x509", "-key", "certs/server.key", "-out", "cert.tmp", "-days", "2", "-subj", "/CN=t"],
        );
        openssl(
            d,
            &[
                "pkcs12",
                "-export",
                "-inkey",
                "certs/server.key",
                "-in",
                "cert.tmp",
                "-out",
                "certs/client.p12",
                "-passout",
                "pass:changeit",
            ],
        );
        std::fs::remove_file(d.join("cert.tmp")).unwrap();
        std::fs::write(d.join("k8s/api.yaml"), format!("{DEPLOYMENT}{CRONJOB}{SERVICE}")).unwrap();
        std::fs::write(d.join("docker-compose.yml"), COMPOSE).unwrap();
        std::fs::write(d.join("ecs/task.json"), TASK).unwrap();
        std::fs::write(d.join("data/.keep"), "").unwrap();
        git(d, &["init", "-q"]);
        commit(d, "keys and deployments");
        let pem = std::fs::read(d.join("certs/server.key")).unwrap();
        let p12 = std::fs::read(d.join("certs/client.p12")).unwrap();
        Repo { dir, pem, p12 }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn hoist(&self, moto: &Moto, args: &[&str]) -> Output {
        let planted =
            [String::from_utf8(self.pem.clone()).unwrap(), base64::engine::general_purpose::STANDARD.encode(&self.p12)];
        Hoist::moto(moto, &planted).current_dir(self.path()).args(args).output().unwrap()
    }

    fn ok(&self, moto: &Moto, args: &[&str]) -> String {
        let out = self.hoist(moto, args);
        assert!(out.status.success(), "hoist {args:?} failed ({:?}):\n{}", out.status.code(), text(&out));
        text(&out)
    }

    fn read(&self, p: &str) -> String {
        std::fs::read_to_string(self.path().join(p)).unwrap()
    }
}

fn arn(dir: &Path, name: &str) -> String {
    let state: serde_yaml::Value =
        serde_yaml::from_str(&std::fs::read_to_string(dir.join(".hoist/state.yaml")).unwrap()).unwrap();
    state["secrets"][name]["arn"].as_str().unwrap_or_else(|| panic!("no ARN for {name}")).to_string()
}

/// What a remote ref resolves to, as the External Secrets Operator reads it: SecretString, else
/// the SecretBinary bytes.
fn fetch(moto: &Moto, arn: &str) -> Vec<u8> {
    let v = moto.sm_json(&["get-secret-value", "--secret-id", arn]);
    match (v["SecretString"].as_str(), v["SecretBinary"].as_str()) {
        (Some(s), _) => s.as_bytes().to_vec(),
        (None, Some(b)) => base64::engine::general_purpose::STANDARD.decode(b).unwrap(),
        _ => panic!("no value for {arn}"),
    }
}

fn docs(text: &str) -> Vec<serde_yaml::Value> {
    use serde::Deserialize;
    serde_yaml::Deserializer::from_str(text).map(|d| serde_yaml::Value::deserialize(d).unwrap()).collect()
}

fn doc<'a>(all: &'a [serde_yaml::Value], kind: &str, name: &str) -> &'a serde_yaml::Value {
    all.iter()
        .find(|d| d["kind"].as_str() == Some(kind) && d["metadata"]["name"].as_str() == Some(name))
        .unwrap_or_else(|| panic!("no {kind} {name}"))
}

/// The bytes a container of a workload would read at `target`: its volumeMount there, the pod
/// volume it names (a `secret` volume), the Secret key its `subPath`/`items` select, and the
/// ExternalSecret that fills that Secret key from Secrets Manager — each read from the manifest.
fn k8s_file(moto: &Moto, all: &[serde_yaml::Value], pod: &serde_yaml::Value, container: &str, target: &str) -> Vec<u8> {
    let c = pod["containers"].as_sequence().unwrap().iter().find(|c| c["name"].as_str() == Some(container)).unwrap();
    let mount = c["volumeMounts"]
        .as_sequence()
        .unwrap()
        .iter()
        .find(|m| m["mountPath"].as_str() == Some(target))
        .unwrap_or_else(|| panic!("{container} mounts nothing at {target}"));
    assert_eq!(mount["readOnly"].as_bool(), Some(true));
    let vol = pod["volumes"].as_sequence().unwrap().iter().find(|v| v["name"] == mount["name"]).unwrap();
    let secret = vol["secret"]["secretName"].as_str().unwrap();
    let item = vol["secret"]["items"]
        .as_sequence()
        .unwrap()
        .iter()
        .find(|i| i["path"] == mount["subPath"])
        .expect("the subPath is one of the volume's items");
    let es = all
        .iter()
        .find(|d| d["kind"].as_str() == Some("ExternalSecret") && d["spec"]["target"]["name"].as_str() == Some(secret))
        .unwrap_or_else(|| panic!("no ExternalSecret produces Secret {secret}"));
    let data = es["spec"]["data"].as_sequence().unwrap().iter().find(|d| d["secretKey"] == item["key"]).unwrap();
    assert!(data["remoteRef"]["property"].is_null(), "the whole secret is the file");
    fetch(moto, data["remoteRef"]["key"].as_str().unwrap())
}

#[test]
fn key_files_are_mounted_where_kubernetes_compose_and_ecs_read_them() {
    let moto = Moto::start();
    let repo = Repo::new();
    let d = repo.path();

    repo.ok(&moto, &["plan", ".", "--app", "shop"]);
    let plan: serde_yaml::Value = serde_yaml::from_str(&repo.read(".hoist/plan.yaml")).unwrap();
    let secret = |name: &str| {
        plan["secrets"].as_sequence().unwrap().iter().find(|s| s["name"].as_str() == Some(name)).unwrap().clone()
    };
    let key = secret("shop/server-key");
    let mounts: Vec<(String, String, String)> = key["mounts"]
        .as_sequence()
        .expect("the plan records the mounts")
        .iter()
        .map(|m| {
            let s = |k: &str| m[k].as_str().unwrap().to_string();
            (s("kind"), s("workload"), s("target"))
        })
        .collect();
    assert_eq!(
        mounts,
        [
            ("compose".into(), "web".into(), "/run/certs/server.key".into()),
            ("ecs".into(), "api".into(), "/etc/tls/server.key".into()),
            ("kubernetes".into(), "api".into(), "/etc/tls/server.key".into()),
            ("kubernetes".into(), "renew".into(), "/secrets/server.key".into()),
        ]
    );
    let reason = key["keys"][0]["sites"][0]["reason"].as_str().unwrap();
    assert!(
        reason.contains("Apply writes the mounts it found") && reason.contains("ECS has no secret-file mount"),
        "{reason}"
    );
    let p12 = secret("shop/client-p12");
    let kinds: Vec<&str> = p12["mounts"].as_sequence().unwrap().iter().map(|m| m["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["kubernetes"], "a binary secret can't be an ECS variable");
    commit(d, "plan");

    let diff = repo.ok(&moto, &["diff", "."]);
    assert!(diff.contains("+            - name: hoist-server-key"), "the diff shows the mounts:\n{diff}");

    let out = repo.ok(&moto, &["apply", ".", "--yes"]);
    assert!(!d.join("certs/server.key").exists() && !d.join("certs/client.p12").exists());
    let key_arn = arn(d, "shop/server-key");
    let p12_arn = arn(d, "shop/client-p12");

    // Kubernetes: parsed back, the Service untouched, each mount resolves to the original bytes.
    let manifest = repo.read("k8s/api.yaml");
    assert!(manifest.contains(SERVICE), "the Service keeps its bytes:\n{manifest}");
    assert!(manifest.starts_with(&DEPLOYMENT[..DEPLOYMENT.find("          volumeMounts").unwrap()]), "{manifest}");
    assert_eq!(manifest.matches("defaultMode: 0400").count(), 3, "{manifest}");
    let all = docs(&manifest);
    let api = &doc(&all, "Deployment", "api")["spec"]["template"]["spec"];
    assert_eq!(k8s_file(&moto, &all, api, "api", "/etc/tls/server.key"), repo.pem);
    assert_eq!(k8s_file(&moto, &all, api, "api", "/etc/tls/client.p12"), repo.p12);
    assert!(api["volumes"].as_sequence().unwrap().iter().any(|v| v["name"] == "cache"), "existing volume kept");
    let renew = &doc(&all, "CronJob", "renew")["spec"]["jobTemplate"]["spec"]["template"]["spec"];
    assert_eq!(k8s_file(&moto, &all, renew, "renew", "/secrets/server.key"), repo.pem);
    let es = doc(&all, "ExternalSecret", "api-hoist-files");
    assert_eq!(es["metadata"]["namespace"].as_str(), Some("shop"));
    assert_eq!(es["spec"]["secretStoreRef"]["kind"].as_str(), Some("ClusterSecretStore"));
    let mut refs: Vec<&str> =
        es["spec"]["data"].as_sequence().unwrap().iter().map(|d| d["remoteRef"]["key"].as_str().unwrap()).collect();
    refs.sort();
    let mut want = [key_arn.as_str(), p12_arn.as_str()];
    want.sort();
    assert_eq!(refs, want, "full ARNs from the state");

    // Compose: the bind mount of the key went, a secret reads the file `hoist run --file` writes.
    let compose: serde_yaml::Value = serde_yaml::from_str(&repo.read("docker-compose.yml")).unwrap();
    let web = &compose["services"]["web"];
    let vols: Vec<&str> = web["volumes"].as_sequence().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
    assert_eq!(vols, ["./data:/data"]);
    assert_eq!(web["secrets"][0]["source"].as_str(), Some("server-key"));
    assert_eq!(web["secrets"][0]["target"].as_str(), Some("/run/certs/server.key"));
    let file = compose["secrets"]["server-key"]["file"].as_str().unwrap().to_string();
    assert_eq!(file, "./certs/server.key");
    assert!(compose["services"]["db"]["secrets"].is_null(), "only the service that reads it");
    assert!(out.contains("hoist run --file certs/server.key -- docker compose up"), "{out}");
    let script = format!("sha256sum < {file}");
    let run = repo.ok(&moto, &["run", ".", "--file", "certs/server.key", "--", "sh", "-c", &script]);
    assert!(run.contains(&sha256(&repo.pem)), "the compose secret file holds the key:\n{run}");

    // ECS: a `secrets` entry by full ARN; the entrypoint recipe apply prints writes the same file.
    let task: serde_json::Value = serde_json::from_str(&repo.read("ecs/task.json")).unwrap();
    let c = &task["containerDefinitions"][0];
    assert_eq!(c["secrets"][0]["name"], "SERVER_KEY_CONTENT");
    assert_eq!(c["secrets"][0]["valueFrom"].as_str(), Some(key_arn.as_str()), "the whole secret, full ARN");
    assert_eq!(c["environment"][0]["value"], "/etc/tls/server.key", "the path variable stays");
    let recipe = out
        .split("must write the file before the program starts: `")
        .nth(1)
        .and_then(|r| r.split('`').next())
        .unwrap_or_else(|| panic!("apply prints the entrypoint recipe:\n{out}"));
    let dest = tempfile::tempdir().unwrap();
    let target = dest.path().join("etc/tls/server.key");
    let recipe = recipe.replace("/etc/tls/server.key", target.to_str().unwrap());
    let injected = String::from_utf8(fetch(&moto, c["secrets"][0]["valueFrom"].as_str().unwrap())).unwrap();
    let ran = Command::new("sh")
        .args(["-c", &recipe, "sh", "sh", "-c", "stat -c %a \"$0\"; printenv SERVER_KEY_CONTENT || echo unset"])
        .arg(&target)
        .env("SERVER_KEY_CONTENT", injected)
        .output()
        .unwrap();
    assert!(ran.status.success(), "{}", text(&ran));
    assert_eq!(String::from_utf8_lossy(&ran.stdout), "400\nunset\n", "0400, and the variable is gone");
    assert_eq!(std::fs::read(&target).unwrap(), repo.pem, "the file ECS's container reads is the key");

    // A second apply writes nothing.
    commit(d, "applied");
    let again = repo.ok(&moto, &["apply", ".", "--yes"]);
    assert!(again.contains("nothing to do"), "{again}");
    assert_eq!(git(d, &["status", "--porcelain"]), "", "a second apply changed the tree");
}

fn sha256(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(Sha256::digest(bytes))
}
