//! Edge cases of the environment→secrets move across syntaxes (the golden files cover whole
//! realistic files; these pin separators, empty lists, duplicates and flow styles).

use super::rewrite_deploy;
use crate::model::{DeployInfo, Fingerprint, Shape, Site, Span, Strategy, apply_edits};
use crate::rewrite::SiteRewrite;
use std::path::Path;

const ARN: &str = "arn:aws:secretsmanager:us-east-1:123456789012:secret:s-AbCdEf";

/// Rewrites `text` with one JSON-shaped site per needle (key = lowercased needle).
fn run(path: &str, kind: &str, text: &str, needles: &[&str]) -> (String, Vec<usize>) {
    run_marked(path, kind, text, needles, false)
}

/// [`run`] with the sites' `deploy.embedded` mark (the detector read them inside another file).
fn run_marked(path: &str, kind: &str, text: &str, needles: &[&str], embedded: bool) -> (String, Vec<usize>) {
    let sites: Vec<Site> = needles
        .iter()
        .map(|n| {
            let start = text.find(n).unwrap_or_else(|| panic!("no {n}"));
            Site {
                path: path.into(),
                line: 1,
                span: Span::new(start, start + n.len()),
                fingerprint: Fingerprint(String::new()),
                encoding: None,
                raw_fingerprint: None,
                rule: "t".into(),
                format: "t".into(),
                strategy: Strategy::Env,
                env_var: None,
                name: None,
                deploy: Some(DeployInfo { kind: kind.into(), container: None, embedded }),
                reason: None,
            }
        })
        .collect();
    let keys: Vec<String> = needles.iter().map(|n| n.to_lowercase()).collect();
    let rw: Vec<SiteRewrite> = sites
        .iter()
        .zip(&keys)
        .map(|(site, key)| SiteRewrite {
            site,
            secret_name: "s",
            key,
            shape: Shape::Json,
            arn: ARN.into(),
            env_var: key.to_uppercase(),
        })
        .collect();
    let fr = rewrite_deploy(Path::new(path), text, &rw).expect("handled").expect("ok");
    let out = String::from_utf8(apply_edits(text.as_bytes(), &fr.edits).unwrap()).unwrap();
    (out, fr.manual.iter().map(|(i, _)| *i).collect())
}

fn json_ok(s: &str) -> serde_json::Value {
    serde_json::from_str(s).unwrap_or_else(|e| panic!("not JSON ({e}):\n{s}"))
}

#[test]
fn the_detectors_embedded_mark_decides_not_the_file_name() {
    let td = r#"{"containerDefinitions": [{"name": "a", "image": "x", "environment": [
  {"name": "A", "value": "AAA1"}]}]}"#;
    // A task definition read inside a script: left with its reference, the script untouched.
    let script = format!("#!/bin/sh\naws ecs register-task-definition --cli-input-json '{td}'\n");
    let (out, manual) = run_marked("deploy/register.sh", "ecs-task-definition", &script, &["AAA1"], true);
    assert_eq!((out.as_str(), manual), (script.as_str(), vec![0]));
    // The document as a file of its own, whatever its name says: rewritten.
    for path in ["deploy/taskdef", "deploy/td.json.tpl", "deploy/td.json"] {
        let (out, manual) = run_marked(path, "ecs-task-definition", td, &["AAA1"], false);
        assert!(manual.is_empty() && !out.contains("AAA1") && out.contains("valueFrom"), "{path}: {out}");
    }
}

#[test]
fn json_first_and_last_of_three_leave_the_middle() {
    let text = r#"{"containerDefinitions": [{"name": "a", "environment": [
  {"name": "A", "value": "AAA1"},
  {"name": "B", "value": "keep"},
  {"name": "C", "value": "CCC3"}
]}]}"#;
    let (out, manual) = run("td.json", "ecs-task-definition", text, &["AAA1", "CCC3"]);
    assert!(manual.is_empty());
    let v = json_ok(&out);
    assert_eq!(v["containerDefinitions"][0]["environment"], serde_json::json!([{"name": "B", "value": "keep"}]));
    assert_eq!(v["containerDefinitions"][0]["secrets"][1]["valueFrom"], format!("{ARN}:ccc3::"));
    assert!(out.contains("[\n  {\"name\": \"B\", \"value\": \"keep\"}\n]"), "{out}");
}

#[test]
fn json_adjacent_run_and_existing_empty_secrets_and_duplicates() {
    let text = r#"{"containerDefinitions": [{"name": "a", "environment": [{"name": "A", "value": "AAA1"}, {"name": "B", "value": "BBB2"}, {"name": "K", "value": "k"}], "secrets": []},
 {"name": "b", "environment": [{"name": "D", "value": "DDD4"}], "secrets": [{"name": "D", "valueFrom": "x"}]}]}"#;
    let (out, _) = run("td.json", "ecs-task-definition", text, &["AAA1", "BBB2", "DDD4"]);
    let v = json_ok(&out);
    let c = &v["containerDefinitions"];
    assert_eq!(c[0]["environment"], serde_json::json!([{"name": "K", "value": "k"}]));
    assert_eq!(c[0]["secrets"].as_array().unwrap().len(), 2);
    // D was already a secret: not duplicated, and gone from environment.
    assert_eq!(c[1]["environment"], serde_json::json!([]));
    assert_eq!(c[1]["secrets"], serde_json::json!([{"name": "D", "valueFrom": "x"}]));
}

#[test]
fn a_value_holding_more_than_the_secret_is_manual() {
    let text = r#"{"containerDefinitions": [{"environment": [{"name": "URL", "value": "postgres://u:PW99@h/db"}]}]}"#;
    let (out, manual) = run("td.json", "ecs-task-definition", text, &["PW99"]);
    assert_eq!(out, text);
    assert_eq!(manual, vec![0]);
}

#[test]
fn yaml_flow_environment_and_first_key_environment() {
    let text = "Resources:\n  T:\n    Type: AWS::ECS::TaskDefinition\n    Properties:\n      ContainerDefinitions:\n        - Environment: [{Name: A, Value: AAA1}, {Name: B, Value: keep}]\n          Name: x\n        - Environment:\n            - Name: C\n              Value: CCC3\n          Name: y\n";
    let (out, manual) = run("t.yaml", "cloudformation", text, &["AAA1", "CCC3"]);
    assert!(manual.is_empty());
    let expected = "Resources:\n  T:\n    Type: AWS::ECS::TaskDefinition\n    Properties:\n      ContainerDefinitions:\n        - Environment: [{Name: B, Value: keep}]\n          Secrets: [{Name: A, ValueFrom: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:s-AbCdEf:aaa1::'}]\n          Name: x\n        - Secrets:\n            - Name: C\n              ValueFrom: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:s-AbCdEf:ccc3::'\n          Name: y\n";
    assert_eq!(out, expected);
}

#[test]
fn hcl_single_line_container() {
    let text =
        "locals {\n  c = jsonencode([{ name = \"a\", environment = [{ name = \"X\", value = \"XXX1\" }] }])\n}\n";
    let (out, manual) = run("m.tf", "terraform", text, &["XXX1"]);
    assert!(manual.is_empty());
    assert_eq!(
        out,
        "locals {\n  c = jsonencode([{ name = \"a\", environment = [], secrets = [{ name = \"X\", valueFrom = \"arn:aws:secretsmanager:us-east-1:123456789012:secret:s-AbCdEf:xxx1::\" }] }])\n}\n"
    );
}

#[test]
fn other_files_are_not_deployment_files() {
    let site = Site {
        path: "docker-compose.yml".into(),
        line: 1,
        span: Span::new(0, 1),
        fingerprint: Fingerprint(String::new()),
        encoding: None,
        raw_fingerprint: None,
        rule: "t".into(),
        format: "t".into(),
        strategy: Strategy::Env,
        env_var: None,
        name: None,
        deploy: Some(DeployInfo { kind: "docker-compose".into(), container: None, embedded: false }),
        reason: None,
    };
    let rw = [SiteRewrite {
        site: &site,
        secret_name: "s",
        key: "k",
        shape: Shape::Json,
        arn: ARN.into(),
        env_var: "K".into(),
    }];
    assert!(rewrite_deploy(Path::new("docker-compose.yml"), "x", &rw).is_none());
    let mut plain = site.clone();
    plain.deploy = None;
    let rw = [SiteRewrite { site: &plain, ..rw[0].clone() }];
    assert!(rewrite_deploy(Path::new("package.json"), "{\"a\": \"x\"}", &rw).is_none());
}

#[test]
fn cfn_scalar_with_two_sites_gets_one_edit() {
    let text = "Resources:\n  F:\n    Type: AWS::Lambda::Function\n    Properties:\n      Environment:\n        Variables:\n          DB_URL: postgres://APPUSER:PW1234@db/x\n  M:\n    Type: AWS::S3::Bucket\n    Metadata:\n      Note: PW1234x\n";
    let (out, manual) = run("t.yaml", "cloudformation", text, &["APPUSER", "PW1234", "PW1234x"]);
    assert_eq!(manual, vec![2], "Metadata stays manual");
    assert!(
        out.contains("DB_URL: 'postgres://{{resolve:secretsmanager:arn:aws:secretsmanager:us-east-1:123456789012:secret:s-AbCdEf:SecretString:appuser}}:{{resolve:secretsmanager:arn:aws:secretsmanager:us-east-1:123456789012:secret:s-AbCdEf:SecretString:pw1234}}@db/x'\n"),
        "{out}"
    );
}

#[test]
fn serverless_yml_is_not_claimed_as_cloudformation() {
    let text = "service: x\nresources:\n  Resources:\n    B:\n      Type: AWS::S3::Bucket\n";
    assert_eq!(super::DeployKind::sniff(Path::new("serverless.yml"), text), None);
    let cfn = "Resources:\n  B:\n    Type: AWS::S3::Bucket\n";
    assert_eq!(super::DeployKind::sniff(Path::new("t.yaml"), cfn), Some(super::DeployKind::CloudFormation));
}
