//! Deployment context for findings the provider rules make: a token in a Kubernetes workload's
//! `env` (`STRIPE_KEY: sk_live_…` in a CronJob) carries the workload's `deploy` like every other
//! k8s env value, so the planner injects it (`env`) instead of leaving it `manual`. Through the
//! binary (rules and detectors merged as `hoist scan` merges them), under the leak harness.

mod common;

use common::cli::Hoist;
use serde_json::Value;
use std::path::Path;

const K8S: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/detect/k8s");
/// The planted provider values of `testdata/detect/k8s/cronjob.yaml`.
const VALUES: &[&str] = &["sk_live_K8sCronFixture0000aaaaBBBBcccc", "k8sCronFixtureHook000000"];

fn repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    common::deployed::copy_dir(Path::new(K8S), dir.path());
    dir
}

#[test]
fn provider_tokens_in_a_workload_env_carry_its_deploy_context() {
    let dir = repo();
    let out = Hoist::new(VALUES).current_dir(dir.path()).args(["scan", ".", "--format", "json"]).output().unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).expect("scan --format json prints JSON");
    let found: Vec<(u64, &str, &str, String)> = v
        .as_array()
        .expect("a findings array")
        .iter()
        .map(|f| {
            let deploy = format!(
                "{}/{}",
                f["deploy"]["kind"].as_str().unwrap_or("-"),
                f["deploy"]["container"].as_str().unwrap_or("-")
            );
            (f["line"].as_u64().unwrap(), f["rule"].as_str().unwrap(), f["name"].as_str().unwrap_or("-"), deploy)
        })
        .collect();
    assert_eq!(
        found,
        [
            (16, "stripe.secret-key-live", "STRIPE_KEY", "kubernetes/sync".to_string()),
            (18, "slack.webhook-url", "SLACK_HOOK", "kubernetes/sync".to_string()),
        ],
        "the rule keeps its id; the env entry gives name and deployment; LOG_LEVEL is no finding"
    );
}

#[test]
fn the_plan_injects_them_into_the_workload() {
    let dir = repo();
    let (code, text) = Hoist::new(VALUES).current_dir(dir.path()).args(["plan", "."]).run();
    assert_eq!(code, Some(0), "{text}");
    let plan = std::fs::read_to_string(dir.path().join(".hoist/plan.yaml")).unwrap();
    let plan: serde_yaml::Value = serde_yaml::from_str(&plan).unwrap();
    let mut sites = Vec::new();
    for s in plan["secrets"].as_sequence().unwrap() {
        for k in s["keys"].as_sequence().unwrap() {
            for site in k["sites"].as_sequence().unwrap() {
                sites.push((
                    site["env_var"].as_str().unwrap_or("-").to_string(),
                    site["strategy"].as_str().unwrap().to_string(),
                    site["deploy"]["kind"].as_str().unwrap_or("-").to_string(),
                ));
            }
        }
    }
    sites.sort();
    assert_eq!(
        sites,
        [
            ("SLACK_HOOK".to_string(), "env".to_string(), "kubernetes".to_string()),
            ("STRIPE_KEY".to_string(), "env".to_string(), "kubernetes".to_string()),
        ]
    );
}

/// The detector that reads a deployment document inside another file says so (`deploy.embedded`),
/// so the planner and the rewriter leave those entries to the person whatever the file is called;
/// a document read as itself never carries the mark.
#[test]
fn documents_inside_scripts_are_marked_embedded_by_the_detector() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/detect");
    let marks = |rel: &str| -> Vec<bool> {
        let text = std::fs::read_to_string(root.join(rel)).unwrap();
        let rel = Path::new(rel);
        hoist::detect::analyze(rel, hoist::format::FileFormat::of(rel), &text)
            .iter()
            .filter_map(|d| d.deploy.as_ref().map(|i| i.embedded))
            .collect()
    };
    // Heredoc and `--cli-input-json` task definitions in a script, and one in a CI step.
    let script = marks("text/deploy/register.sh");
    assert_eq!(script.len(), 4, "register.sh's task-definition entries");
    assert!(script.iter().all(|e| *e), "{script:?}");
    assert_eq!(marks("text/deploy/ci-deploy.yml"), [true]);
    // The same kinds of documents as files of their own.
    for own in ["config/json/ecs-task-definition.json", "config/yaml/cloudformation-intrinsics.yaml"] {
        let m = marks(own);
        assert!(!m.is_empty() && m.iter().all(|e| !e), "{own}: {m:?}");
    }
    // A script's plain heredoc (an INI file it writes) is no deployment document.
    assert_eq!(marks("text/scripts/write-config.sh"), Vec::<bool>::new());
}
