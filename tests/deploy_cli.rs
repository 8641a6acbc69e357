//! `hoist policy` and `hoist check` over the binary, without AWS: the policy before apply (from
//! the plan and state), the warning for a task definition without an execution role, the
//! Terraform snippet, the policy files `apply` writes, and format errors `check` must catch.

mod common;

use common::cli::Hoist;
use common::moto::Moto;
use hoist::model::{
    Fingerprint, Fingerprinter, Plan, PlannedSecret, SecretKey, SecretRef, Shape, Site, Span, State, Strategy,
};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

const DB_ARN: &str = "arn:aws:secretsmanager:us-east-1:123456789012:secret:billing/prod/db-AbCdEf";

/// The values planted in the task definitions (every command's output is leak-checked for them).
const PLANTED: &[&str] = &["Xk29vQpL0mZr7TbY", "tok_9f8e7d6c5b4a39281706f5e4d3c2b1a0"];

/// hoist under the leak harness (dummy credentials, no endpoint).
fn hoist() -> Hoist {
    Hoist::new(PLANTED)
}

const SALT: &str = "5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a";

fn site(path: &str, text: &str, value: &str) -> Site {
    let start = text.find(value).unwrap();
    Site {
        path: path.into(),
        line: 1,
        span: Span::new(start, start + value.len()),
        fingerprint: Fingerprinter::from_hex(SALT).unwrap().fingerprint(value),
        encoding: None,
        raw_fingerprint: None,
        rule: "test".into(),
        format: "json".into(),
        strategy: Strategy::Env,
        env_var: None,
        name: None,
        deploy: None,
        reason: None,
    }
}

fn secret(name: &str, shape: Shape, kms: Option<&str>, keys: Vec<(&str, Vec<Site>)>) -> PlannedSecret {
    PlannedSecret {
        name: name.into(),
        shape,
        description: None,
        tags: BTreeMap::new(),
        kms_key_id: kms.map(str::to_string),
        keys: keys
            .into_iter()
            .map(|(k, sites)| SecretKey { key: k.into(), fingerprint: Fingerprint("0".repeat(32)), sites })
            .collect(),
        inject: Vec::new(),
        mounts: Vec::new(),
    }
}

/// A repository with the raw and wrapped task definitions, a plan for both, and a state that
/// knows only the database secret's ARN.
fn repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let raw = std::fs::read_to_string("testdata/deploy/ecs-raw/input.json").unwrap();
    let wrapped = std::fs::read_to_string("testdata/deploy/ecs-wrapped/input.json").unwrap();
    std::fs::create_dir_all(dir.path().join("ecs")).unwrap();
    std::fs::create_dir_all(dir.path().join(".hoist")).unwrap();
    std::fs::write(dir.path().join("ecs/billing.json"), &raw).unwrap();
    std::fs::write(dir.path().join("ecs/web.json"), &wrapped).unwrap();
    let plan = Plan {
        version: 1,
        salt: SALT.into(),
        app: "billing".into(),
        env: Some("prod".into()),
        secrets: vec![
            secret(
                "billing/prod/db",
                Shape::Json,
                Some("1234abcd-12ab-34cd-56ef-1234567890ab"),
                vec![("password", vec![site("ecs/billing.json", &raw, "Xk29vQpL0mZr7TbY")])],
            ),
            secret(
                "web/prod/api",
                Shape::Json,
                None,
                vec![("API_TOKEN", vec![site("ecs/web.json", &wrapped, "tok_9f8e7d6c5b4a39281706f5e4d3c2b1a0")])],
            ),
        ],
    };
    std::fs::write(dir.path().join(".hoist/plan.yaml"), serde_yaml::to_string(&plan).unwrap()).unwrap();
    let mut state = State::default();
    state.secrets.insert(
        "billing/prod/db".into(),
        SecretRef {
            name: "billing/prod/db".into(),
            arn: DB_ARN.into(),
            version_id: "v".repeat(32),
            region: Some("us-east-1".into()),
        },
    );
    std::fs::write(dir.path().join(".hoist/state.yaml"), serde_yaml::to_string(&state).unwrap()).unwrap();
    dir
}

fn resources(p: &Value) -> BTreeSet<String> {
    p["policy"]["Statement"][0]["Resource"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect()
}

#[test]
fn policy_before_apply_comes_from_the_plan_and_state() {
    let dir = repo();
    let out = hoist().args(["policy", "--format", "json"]).arg(dir.path()).assert().success();
    let o = out.get_output();
    let stderr = String::from_utf8_lossy(&o.stderr);
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let arr = v.as_array().unwrap();
    assert_eq!(arr.len(), 2, "one policy per execution role (and one for the role-less task definition)");
    let with_role = arr
        .iter()
        .find(|p| p["role"] == "arn:aws:iam::123456789012:role/ecsTaskExecutionRole")
        .expect("billing's role");
    assert_eq!(
        resources(with_role),
        BTreeSet::from([
            DB_ARN.to_string(),
            "arn:aws:secretsmanager:us-east-1:123456789012:secret:billing/sentry-Q1w2E3".to_string()
        ])
    );
    // The plan's customer key: kms:Decrypt only through Secrets Manager in the secret's region.
    let kms = &with_role["policy"]["Statement"][1];
    assert_eq!(kms["Action"], "kms:Decrypt");
    assert_eq!(kms["Resource"][0], "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab");
    assert_eq!(kms["Condition"]["StringEquals"]["kms:ViaService"][0], "secretsmanager.us-east-1.amazonaws.com");
    let roleless = arr.iter().find(|p| p["role"].is_null()).expect("web has no role");
    assert_eq!(
        resources(roleless),
        BTreeSet::from(["arn:aws:secretsmanager:*:*:secret:web/prod/api-??????".to_string()])
    );
    assert_eq!(roleless["policy"]["Statement"].as_array().unwrap().len(), 1, "no customer key, no kms statement");
    assert!(stderr.contains("ecs/web.json (web) has no execution role"), "{stderr}");
    assert!(stderr.contains("NAME-??????"), "{stderr}");
}

#[test]
fn policy_prints_a_terraform_snippet_when_the_repo_uses_terraform() {
    let dir = repo();
    std::fs::write(dir.path().join("main.tf"), std::fs::read_to_string("testdata/deploy/tf-ecs/expected.tf").unwrap())
        .unwrap();
    let out = hoist().arg("policy").arg(dir.path()).assert().success();
    let stdout = String::from_utf8_lossy(&out.get_output().stdout).to_string();
    assert!(stdout.contains("# Attach to the task execution role: aws_iam_role.ecs_execution.arn"), "{stdout}");
    assert!(stdout.contains("role   = aws_iam_role.ecs_execution.id"), "{stdout}");
    assert!(stdout.contains("role   = \"worker-exec\""), "{stdout}");
    assert!(stdout.contains("resource \"aws_iam_role_policy\""), "{stdout}");
    // Every Terraform snippet parses.
    let snippets: Vec<&str> =
        stdout.split("# Terraform:\n").skip(1).map(|s| s.split("\n}\n").next().unwrap()).collect();
    assert_eq!(snippets.len(), 4, "{stdout}");
    for s in snippets {
        let text = format!("{s}\n}}\n");
        let mut p = tree_sitter::Parser::new();
        p.set_language(&tree_sitter_hcl::LANGUAGE.into()).unwrap();
        assert!(!p.parse(&text, None).unwrap().root_node().has_error(), "{text}");
    }
}

/// `hoist apply` (the binary, against moto) writes one policy file per execution role, each
/// granting exactly the ARNs apply stored; with a single role, one `.hoist/iam-policy.json`.
#[test]
fn apply_writes_one_policy_file_per_role() {
    let moto = Moto::start();
    for (roles, want) in [
        // web.json's task definition names no execution role yet: its file says so.
        (2, vec![".hoist/iam-policy-ecstaskexecutionrole.json", ".hoist/iam-policy-no-role-1.json"]),
        (1, vec![".hoist/iam-policy.json"]),
    ] {
        moto.reset();
        let dir = repo();
        if roles == 1 {
            std::fs::remove_file(dir.path().join("ecs/web.json")).unwrap();
        }
        // The plan `hoist plan` writes for these task definitions; nothing uploaded yet, so the
        // ARNs in the policies are the ones apply gets from moto.
        std::fs::remove_dir_all(dir.path().join(".hoist")).unwrap();
        let (code, out) =
            Hoist::moto(&moto, PLANTED).current_dir(dir.path()).args(["plan", ".", "--app", "billing"]).run();
        assert_eq!(code, Some(0), "{out}");
        let (code, out) =
            Hoist::moto(&moto, PLANTED).current_dir(dir.path()).args(["apply", ".", "--yes", "--allow-dirty"]).run();
        assert_eq!(code, Some(0), "{out}");
        let mut written: Vec<String> = std::fs::read_dir(dir.path().join(".hoist"))
            .unwrap()
            .map(|e| format!(".hoist/{}", e.unwrap().file_name().to_string_lossy()))
            .filter(|n| n.starts_with(".hoist/iam-policy"))
            .collect();
        written.sort();
        let mut want: Vec<String> = want.iter().map(|w| w.to_string()).collect();
        want.sort();
        assert_eq!(written, want, "one policy file per role:\n{out}");
        let state: State = serde_yaml::from_str(&read(dir.path(), ".hoist/state.yaml")).unwrap();
        let mut granted = BTreeSet::new();
        for w in &written {
            let v: Value = serde_json::from_str(&read(dir.path(), w)).unwrap();
            assert_eq!(v["Version"], "2012-10-17", "{w}");
            for stmt in v["Statement"].as_array().unwrap() {
                for r in
                    stmt["Resource"].as_array().map(|a| a.to_vec()).unwrap_or_else(|| vec![stmt["Resource"].clone()])
                {
                    granted.insert(r.as_str().unwrap().to_string());
                }
            }
        }
        let arns: BTreeSet<String> = state.secrets.values().map(|s| s.arn.clone()).collect();
        assert!(!arns.is_empty(), "apply uploaded nothing: {out}");
        for arn in &arns {
            assert!(granted.contains(arn), "no policy grants {arn}: {granted:?}");
        }
    }
}

fn read(dir: &Path, rel: &str) -> String {
    std::fs::read_to_string(dir.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

#[test]
fn check_passes_hoists_own_outputs_and_fails_broken_references() {
    let dir = tempfile::tempdir().unwrap();
    for case in ["ecs-raw", "cfn-yaml", "cfn-json", "tf-ecs"] {
        for entry in std::fs::read_dir(format!("testdata/deploy/{case}")).unwrap() {
            let p = entry.unwrap().path();
            if p.file_stem().is_some_and(|s| s == "expected") {
                std::fs::copy(&p, dir.path().join(format!("{case}.{}", p.extension().unwrap().to_str().unwrap())))
                    .unwrap();
            }
        }
    }
    let out = hoist().arg("check").arg(dir.path()).assert().code(0);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert!(stderr.contains("0 problem(s)"), "{stderr}");

    std::fs::write(
        dir.path().join("broken.yaml"),
        "Resources:\n  Db:\n    Properties:\n      Password: '{{resolve:secretsmanager:arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf:password}}'\n      ValueFrom: arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf:password\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("broken.tf"),
        "locals {\n  c = [{ secrets = [{ name = \"X\", valueFrom = \"arn:aws:secretsmanager:us-east-1:123456789012:secret:db-??????:k::\" }] }]\n}\n",
    )
    .unwrap();
    let out = hoist().arg("check").arg(dir.path()).assert().code(1);
    let stdout = String::from_utf8_lossy(&out.get_output().stdout).to_string();
    assert!(stdout.contains("broken.yaml:4: expected `SecretString`"), "{stdout}");
    assert!(stdout.contains("broken.yaml:5: after the ARN ECS expects exactly three fields"), "{stdout}");
    assert!(stdout.contains("broken.tf:2: the ARN ends in the `-??????` placeholder"), "{stdout}");
    assert_eq!(stdout.lines().count(), 3, "{stdout}");
}

#[test]
fn policy_is_the_same_before_and_after_apply_and_ignores_sites_outside_environment() {
    let dir = repo();
    // A planned value that isn't in an `environment` list (a docker label) is never referenced
    // by valueFrom, so it must not widen the policy.
    let path = dir.path().join("ecs/billing.json");
    let raw = std::fs::read_to_string(&path).unwrap();
    let with_label = raw.replace(
        "\"essential\": true,",
        "\"essential\": true,\n            \"dockerLabels\": {\"token\": \"lbl_Zq81Xc0Vb7Nm\"},",
    );
    std::fs::write(&path, &with_label).unwrap();
    let plan_path = dir.path().join(".hoist/plan.yaml");
    let mut plan = hoist::plan::load_plan(&plan_path).unwrap();
    plan.secrets[0].keys[0].sites[0] = site("ecs/billing.json", &with_label, "Xk29vQpL0mZr7TbY");
    plan.secrets.push(secret(
        "billing/prod/label",
        Shape::String,
        None,
        vec![("value", vec![site("ecs/billing.json", &with_label, "lbl_Zq81Xc0Vb7Nm")])],
    ));
    std::fs::write(&plan_path, serde_yaml::to_string(&plan).unwrap()).unwrap();

    let policy = |dir: &Path| -> Value {
        let out = hoist().args(["policy", "--format", "json"]).arg(dir).assert().success();
        serde_json::from_slice(&out.get_output().stdout).unwrap()
    };
    let before = policy(dir.path());
    let billing = |v: &Value| resources(v.as_array().unwrap().iter().find(|p| !p["role"].is_null()).unwrap());
    assert!(!billing(&before).iter().any(|a| a.contains("billing/prod/label")), "{before}");
    assert!(billing(&before).contains(DB_ARN));

    // Apply the environment move the way `apply` does, then ask again: the plan's spans are stale
    // now and the policy comes from the written valueFrom.
    let (plan, state) = hoist::commands::policy::load_plan_and_state(dir.path()).unwrap();
    let plan = plan.unwrap();
    let s = &plan.secrets[0].keys[0].sites[0];
    let rw = [hoist::rewrite::SiteRewrite {
        site: s,
        secret_name: "billing/prod/db",
        key: "password",
        shape: Shape::Json,
        arn: state.secrets["billing/prod/db"].arn.clone(),
        env_var: "DB_PASSWORD".into(),
    }];
    let fr = hoist::rewrite::deploy::rewrite_deploy(Path::new("ecs/billing.json"), &with_label, &rw).unwrap().unwrap();
    let applied = hoist::model::apply_edits(with_label.as_bytes(), &fr.edits).unwrap();
    std::fs::write(&path, applied).unwrap();
    let after = policy(dir.path());
    assert_eq!(billing(&before), billing(&after));
}

#[test]
fn sdk_readers_get_a_task_role_statement() {
    let dir = repo();
    let plan_path = dir.path().join(".hoist/plan.yaml");
    let mut plan = hoist::plan::load_plan(&plan_path).unwrap();
    let app = "import os\nTOKEN = 'tok_q8W2e4R6t8Y0u2I4'\n";
    std::fs::write(dir.path().join("app.py"), app).unwrap();
    let mut s = site("app.py", app, "tok_q8W2e4R6t8Y0u2I4");
    s.strategy = Strategy::Sdk;
    plan.secrets.push(secret("billing/prod/app", Shape::String, None, vec![("value", vec![s])]));
    std::fs::write(&plan_path, serde_yaml::to_string(&plan).unwrap()).unwrap();
    let out = hoist().arg("policy").arg(dir.path()).assert().success();
    let stdout = String::from_utf8_lossy(&out.get_output().stdout).to_string();
    let tail = stdout.split("# Attach to the role the application code runs as").nth(1).expect(&stdout);
    let json: String = tail.lines().skip(2).collect::<Vec<_>>().join("\n");
    let v: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(
        v["Statement"][0]["Resource"],
        serde_json::json!(["arn:aws:secretsmanager:*:*:secret:billing/prod/app-??????"])
    );
}
