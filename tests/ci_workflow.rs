//! The example workflow `.github/examples/hoist.yml` run as a job, step by step, for a pull request
//! (not on GitHub): `actions/checkout` clones with the workflow's `fetch-depth`, the hoist step runs
//! this repository's composite `action.yml` with the workflow's `with:` inputs (its shell steps with
//! bash, the cache step a hit, so hoist comes from PATH), and the upload step, run because its `if:`
//! holds after the scan step failed, finds the SARIF file the workflow's expression names — valid
//! against the 2.1.0 schema, holding only the pull request's secret, no value anywhere.

mod actions_util;
mod hook_util;
use actions_util::{Context, condition, expand, run_step, yaml};
use hook_util::{Repo, assert_no_leak, hoist_bin, text, token};
use serde_yaml::Value;
use std::path::Path;

/// Runs the composite action at the repository root with `with` (over the inputs' defaults);
/// returns whether it failed, its outputs, and the steps' logs.
fn run_action(with: &Value, github: &Context, workspace: &Path) -> (bool, Context, String) {
    let action = yaml("action.yml");
    assert_eq!(action["runs"]["using"], "composite");
    let mut ctx = github.clone();
    for (name, input) in action["inputs"].as_mapping().unwrap() {
        let name = name.as_str().unwrap();
        let given = with.get(name).map(|v| match v {
            Value::String(s) => s.clone(),
            other => serde_yaml::to_string(other).unwrap().trim().to_string(),
        });
        let default = input["default"].as_str().map(str::to_string);
        ctx.insert(format!("inputs.{name}"), given.or(default).unwrap_or_default());
    }
    if let Some(m) = with.as_mapping() {
        for k in m.keys() {
            let k = k.as_str().unwrap();
            assert!(action["inputs"].get(k).is_some(), "the workflow passes {k:?}, which action.yml doesn't take");
        }
    }
    let path_env = format!("{}:{}", hoist_bin().parent().unwrap().display(), std::env::var("PATH").unwrap());
    let (mut failed, mut log) = (false, String::new());
    for step in action["runs"]["steps"].as_sequence().unwrap() {
        if !condition(step, &ctx, failed) {
            continue;
        }
        if let Some(uses) = step["uses"].as_str() {
            assert!(uses.starts_with("actions/cache@"), "an action step the test can't run: {uses}");
            // The cache restores ~/.cargo/bin/hoist: here, the hoist under test on PATH.
            ctx.insert(format!("steps.{}.outputs.cache-hit", step["id"].as_str().unwrap()), "true".into());
            continue;
        }
        let o = run_step(step, &mut ctx, workspace, &path_env, Path::new(env!("CARGO_MANIFEST_DIR")));
        log.push_str(&text(&o));
        failed |= !o.status.success();
    }
    let outputs = action["outputs"]
        .as_mapping()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.as_str().unwrap().to_string(), expand(v["value"].as_str().unwrap(), &ctx)))
        .collect();
    (failed, outputs, log)
}

#[test]
fn the_example_workflow_runs_as_a_pull_request_job() {
    // The repository: a key committed and deleted on main long ago; the pull request adds another.
    let origin = Repo::new();
    let (old, new) = (token(), token());
    origin.write("app.py", &format!("KEY = \"{old}\"\n"));
    origin.commit_all("old");
    origin.write("app.py", "KEY = None\n");
    origin.commit_all("removed");
    let base = origin.head();
    origin.git(&["checkout", "-q", "-b", "feature"]);
    origin.write("svc/client.py", &format!("TOKEN = \"{new}\"\n"));
    origin.commit_all("client");

    let wf = yaml(".github/examples/hoist.yml");
    assert!(wf["on"].get("pull_request").is_some(), "the workflow runs on pull requests");
    assert_eq!(wf["permissions"]["security-events"], "write", "upload-sarif needs it");
    let runner = tempfile::tempdir().unwrap();
    let workspace = runner.path().join("work");
    let mut github = Context::new();
    github.insert("github.event.pull_request.base.sha".into(), base.clone());
    github.insert("github.event.before".into(), String::new());
    github.insert("runner.os".into(), "Linux".into());
    github.insert("github.action_repository".into(), "YOUR-ORG/hoist".into());
    github.insert("github.action_ref".into(), "v0.1.0".into());
    let mut ctx = github.clone();
    let (mut failed, mut uploaded) = (false, None);
    let mut log = String::new();
    for step in wf["jobs"]["hoist"]["steps"].as_sequence().unwrap() {
        if !condition(step, &ctx, failed) {
            continue;
        }
        let uses = step["uses"].as_str().expect("the example's steps are actions");
        if uses.starts_with("actions/checkout@") {
            // fetch-depth 0 is the whole history; anything else a shallow clone of that depth.
            let depth = step["with"]["fetch-depth"].as_u64().unwrap_or(1);
            let mut clone = origin.cmd("git");
            clone.args(["clone", "-q", "--branch", "feature"]);
            if depth > 0 {
                clone.args(["--depth", &depth.to_string()]);
            }
            let o = clone.arg(format!("file://{}", origin.path().display())).arg(&workspace).output().unwrap();
            assert!(o.status.success(), "{}", text(&o));
        } else if uses.contains("/hoist@") {
            let (f, outputs, l) = run_action(&step["with"], &github, &workspace);
            failed |= f;
            log.push_str(&l);
            let id = step["id"].as_str().expect("the hoist step has an id the upload step reads");
            for (k, v) in outputs {
                ctx.insert(format!("steps.{id}.outputs.{k}"), v);
            }
        } else if uses.starts_with("github/codeql-action/upload-sarif@") {
            assert_eq!(step["with"]["category"], "hoist");
            uploaded = Some(expand(step["with"]["sarif_file"].as_str().unwrap(), &ctx));
        } else {
            panic!("a step the test can't run: {uses}");
        }
    }
    assert!(failed, "the pull request adds a secret: the job fails\n{log}");
    assert!(log.contains("::error::hoist found hardcoded secrets"), "{log}");
    assert_eq!(ctx.get("steps.hoist.outputs.found").map(String::as_str), Some("true"), "{ctx:?}");
    let sarif_file = uploaded.expect("the upload step runs although the scan step failed");
    let sarif_text = std::fs::read_to_string(workspace.join(&sarif_file))
        .unwrap_or_else(|e| panic!("{sarif_file} (the upload step's file): {e}\n{log}"));
    let sarif: serde_json::Value = serde_json::from_str(&sarif_text).unwrap();
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string("tests/schemas/sarif-schema-2.1.0.json").unwrap()).unwrap();
    let validator = jsonschema::options().should_validate_formats(true).build(&schema).unwrap();
    let errors: Vec<String> = validator.iter_errors(&sarif).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "SARIF does not validate: {errors:?}");
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 1, "only the pull request's secret, not main's old one: {sarif_text}");
    assert_eq!(results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], "svc/client.py");
    assert_no_leak(&format!("{log}{sarif_text}"), &[&old, &new]);
}
