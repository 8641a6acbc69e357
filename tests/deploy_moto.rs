//! Deployment rewrites against moto with the real `aws` CLI: secrets created, a raw task
//! definition rewritten with their real ARNs and registered with `aws ecs register-task-definition
//! --cli-input-json` (the CLI validates the request shape), each `valueFrom` resolved through
//! GetSecretValue to the original value, the emitted policy naming exactly those ARNs (and
//! accepted by IAM), and `hoist check --aws` passing — then failing on broken references.

mod common;

use common::moto::Moto;
use hoist::model::{Fingerprint, Shape, Site, Span, Strategy, apply_edits};
use hoist::rewrite::SiteRewrite;
use hoist::rewrite::deploy::rewrite_deploy;
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

const DB_PASSWORD: &str = "Xk29vQpL0mZr7TbY";
const DB_HOST: &str = "billing.cluster-c1a2b3.us-east-1.rds.amazonaws.com";
const STRIPE: &str = "sk_live_51HbQ2kLmN3oPqRsTuVwXyZ0123456789abcdefGHIJ";

fn site(text: &str, value: &str, nth: usize) -> Site {
    let start = text.match_indices(value).nth(nth).unwrap_or_else(|| panic!("fixture lacks {value:?} #{nth}")).0;
    Site {
        path: "taskdef.json".into(),
        line: text[..start].matches('\n').count() + 1,
        span: Span::new(start, start + value.len()),
        fingerprint: Fingerprint("0".repeat(32)),
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

fn run_ok(mut cmd: std::process::Command, what: &str) -> Vec<u8> {
    let out = cmd.output().unwrap_or_else(|e| panic!("cannot run {what}: {e}"));
    assert!(
        out.status.success(),
        "{what} failed: {}\n{}",
        String::from_utf8_lossy(&out.stderr),
        String::from_utf8_lossy(&out.stdout)
    );
    out.stdout
}

fn write(dir: &Path, rel: &str, text: &str) -> PathBuf {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(&p, text).unwrap();
    p
}

#[test]
fn rewritten_task_definition_registers_resolves_and_gets_an_exact_policy() {
    let moto = Moto::start();
    let db = moto.create_secret(
        "billing/prod/db",
        &serde_json::json!({"password": DB_PASSWORD, "host": DB_HOST}).to_string(),
        &[],
    );
    let stripe = moto.create_secret("billing/prod/stripe", STRIPE, &[]);
    let db_arn = db["ARN"].as_str().unwrap().to_string();
    let stripe_arn = stripe["ARN"].as_str().unwrap().to_string();
    assert!(db_arn.rsplit('-').next().unwrap().len() == 6, "moto returns a full ARN with the random suffix");

    // Rewrite the raw register-task-definition input with the real ARNs.
    let text = std::fs::read_to_string("testdata/deploy/ecs-raw/input.json").unwrap();
    let sites = [site(&text, DB_PASSWORD, 0), site(&text, DB_HOST, 0), site(&text, STRIPE, 0), site(&text, STRIPE, 1)];
    let plan = [
        ("billing/prod/db", "password", Shape::Json, &db_arn),
        ("billing/prod/db", "host", Shape::Json, &db_arn),
        ("billing/prod/stripe", "value", Shape::String, &stripe_arn),
        ("billing/prod/stripe", "value", Shape::String, &stripe_arn),
    ];
    let rewrites: Vec<SiteRewrite> = sites
        .iter()
        .zip(plan)
        .map(|(site, (name, key, shape, arn))| SiteRewrite {
            site,
            secret_name: name,
            key,
            shape,
            arn: arn.clone(),
            env_var: key.to_uppercase(),
        })
        .collect();
    let fr = rewrite_deploy(Path::new("taskdef.json"), &text, &rewrites).expect("handled").expect("rewrites");
    assert!(fr.manual.is_empty(), "{:?}", fr.manual);
    let out = String::from_utf8(apply_edits(text.as_bytes(), &fr.edits).unwrap()).unwrap();
    for v in [DB_PASSWORD, DB_HOST, STRIPE] {
        assert!(!out.contains(v), "a migrated value is still in the task definition");
    }

    let repo = tempfile::tempdir().unwrap();
    let td_path = write(repo.path(), "deploy/taskdef.json", &out);

    // The real CLI validates the request shape; moto stores it.
    let reg: Value = serde_json::from_slice(&run_ok(
        moto.aws_command(&[
            "ecs",
            "register-task-definition",
            "--cli-input-json",
            &format!("file://{}", td_path.display()),
        ]),
        "aws ecs register-task-definition",
    ))
    .unwrap();
    let containers = reg["taskDefinition"]["containerDefinitions"].as_array().expect("registered containers");
    let mut resolved = 0;
    for c in containers {
        let env_names: BTreeSet<&str> = c["environment"]
            .as_array()
            .map(|a| a.iter().filter_map(|e| e["name"].as_str()).collect())
            .unwrap_or_default();
        for s in c["secrets"].as_array().cloned().unwrap_or_default() {
            let name = s["name"].as_str().unwrap();
            assert!(!env_names.contains(name), "{name} is in both environment and secrets");
            let value_from = s["valueFrom"].as_str().unwrap();
            if value_from.contains("billing/sentry") {
                continue; // pre-existing reference, not created here
            }
            // Split `ARN:key::` the way ECS does and resolve it through GetSecretValue.
            let parts: Vec<&str> = value_from.split(':').collect();
            let arn = parts[..7].join(":");
            let secret = moto.secret_string(&arn);
            let got = if parts.len() == 10 {
                assert_eq!(parts[8..], ["", ""], "no stage or version selected");
                let obj: Value = serde_json::from_str(&secret).unwrap();
                obj[parts[7]].as_str().unwrap().to_string()
            } else {
                secret
            };
            let want = match name {
                "DB_PASSWORD" => DB_PASSWORD,
                "DB_HOST" => DB_HOST,
                "STRIPE_SECRET_KEY" => STRIPE,
                other => panic!("unexpected secret {other}"),
            };
            assert!(got == want, "{name} resolves to a different value");
            resolved += 1;
        }
    }
    assert_eq!(resolved, 4, "api: 3 entries, worker: 1");

    // The policy names exactly the ARNs the task definition references, for its execution role.
    let o = moto.hoist().args(["policy", "--format", "json"]).arg(repo.path()).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let policies: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(policies.as_array().unwrap().len(), 1);
    let p = &policies[0];
    assert_eq!(p["role"], "arn:aws:iam::123456789012:role/ecsTaskExecutionRole");
    let got: BTreeSet<&str> =
        p["policy"]["Statement"][0]["Resource"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
    let sentry = "arn:aws:secretsmanager:us-east-1:123456789012:secret:billing/sentry-Q1w2E3";
    assert_eq!(got, BTreeSet::from([db_arn.as_str(), stripe_arn.as_str(), sentry]));
    assert_eq!(p["policy"]["Statement"][0]["Action"], "secretsmanager:GetSecretValue");
    // IAM (moto) accepts the document.
    let doc = write(repo.path(), "policy.json", &p["policy"].to_string());
    run_ok(
        moto.aws_command(&[
            "iam",
            "create-policy",
            "--policy-name",
            "hoist-secrets",
            "--policy-document",
            &format!("file://{}", doc.display()),
        ]),
        "aws iam create-policy",
    );
    std::fs::remove_file(doc).unwrap();

    // `hoist check --aws`: the pre-existing sentry reference doesn't exist in moto.
    let o = moto.hoist().args(["check", "--aws"]).arg(repo.path()).output().unwrap();
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("billing/sentry-Q1w2E3 does not exist"), "{stdout}");
    assert_eq!(stdout.lines().count(), 1, "only the missing secret is a problem: {stdout}");
    moto.create_secret("billing/sentry", "sentry-dsn-0f9e8d7c", &[]);
    let fixed = out.replace(sentry, moto.describe("billing/sentry")["ARN"].as_str().unwrap());
    std::fs::write(&td_path, &fixed).unwrap();
    let o = moto.hoist().args(["check", "--aws"]).arg(repo.path()).output().unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );

    // Broken references: a missing JSON key, a single trailing colon, a partial ARN.
    let broken = fixed.replacen(":password::", ":pasword::", 1).replacen(":host::", ":host:", 1).replacen(
        &stripe_arn,
        &stripe_arn[..stripe_arn.len() - 7],
        1,
    );
    std::fs::write(&td_path, &broken).unwrap();
    let o = moto.hoist().args(["check", "--aws"]).arg(repo.path()).output().unwrap();
    let stdout = String::from_utf8_lossy(&o.stdout).to_string();
    let stderr = String::from_utf8_lossy(&o.stderr).to_string();
    assert_eq!(o.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("has no JSON key \"pasword\""), "{stdout}");
    assert!(stdout.contains("three fields"), "{stdout}");
    assert!(stdout.contains("partial ARN"), "{stdout}");
    for v in [DB_PASSWORD, DB_HOST, STRIPE] {
        assert!(!stdout.contains(v) && !stderr.contains(v), "check printed a secret value");
    }

    // The other JSON container-definition forms hoist writes register too: a bare list (Terraform
    // `file()`) and a Terraform heredoc, both as `--container-definitions`.
    let tf = std::fs::read_to_string("testdata/deploy/tf-ecs/expected.tf").unwrap();
    let heredoc = tf.split("<<DEFS\n").nth(1).unwrap().split("\nDEFS\n").next().unwrap();
    let list = std::fs::read_to_string("testdata/deploy/ecs-list/expected.json").unwrap();
    for (family, defs) in [("tf-heredoc", heredoc), ("bare-list", list.as_str())] {
        let f = write(repo.path(), &format!("tmp/{family}.json"), defs);
        let reg: Value = serde_json::from_slice(&run_ok(
            moto.aws_command(&[
                "ecs",
                "register-task-definition",
                "--family",
                family,
                "--requires-compatibilities",
                "FARGATE",
                "--network-mode",
                "awsvpc",
                "--cpu",
                "256",
                "--memory",
                "512",
                "--container-definitions",
                &format!("file://{}", f.display()),
            ]),
            "aws ecs register-task-definition --container-definitions",
        ))
        .unwrap();
        let c = &reg["taskDefinition"]["containerDefinitions"][0];
        assert!(c["secrets"][0]["valueFrom"].as_str().unwrap().starts_with("arn:aws:secretsmanager:"), "{family}: {c}");
        std::fs::remove_file(f).unwrap();
    }

    // CloudFormation dynamic references: checked the same way (key present, secret exists).
    std::fs::write(&td_path, &fixed).unwrap();
    let cfn = format!(
        "Resources:\n  Db:\n    Type: AWS::RDS::DBInstance\n    Properties:\n      MasterUserPassword: '{{{{resolve:secretsmanager:{db_arn}:SecretString:password}}}}'\n      MasterUsername: '{{{{resolve:secretsmanager:{db_arn}:SecretString:user}}}}'\n"
    );
    write(repo.path(), "cfn/db.yaml", &cfn);
    let o = moto.hoist().args(["check", "--aws"]).arg(repo.path()).output().unwrap();
    let stdout = String::from_utf8_lossy(&o.stdout).to_string();
    assert_eq!(o.status.code(), Some(1), "{stdout}");
    assert_eq!(stdout.trim(), format!("cfn/db.yaml:6: secret {db_arn} has no JSON key \"user\""));
}
