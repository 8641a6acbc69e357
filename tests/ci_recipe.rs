//! The GitHub Actions recipe, run here rather than on GitHub: the example workflow
//! (`.github/examples/hoist.yml`, also in the README) and the composite `action.yml` are parsed,
//! their structure checked (triggers, permissions, full-depth checkout, SARIF upload, cached
//! `cargo install --locked`), and the action's shell steps run with bash against a repository built
//! here, for a pull request event: the SARIF it writes validates and holds only the pull request's
//! secret, and the step fails because of it.

mod actions_util;
mod common;
use actions_util::{expand, yaml};
use common::repo::{Repo, assert_no_leak, hoist_bin, text};
use std::collections::BTreeMap;

#[test]
fn the_example_workflow_is_what_the_readme_shows() {
    let file = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/.github/examples/hoist.yml")).unwrap();
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    assert!(readme.contains(&file), "README's workflow differs from .github/examples/hoist.yml");
    let wf = yaml(".github/examples/hoist.yml");
    assert!(wf["on"].get("pull_request").is_some() && wf["on"].get("push").is_some());
    assert_eq!(wf["permissions"]["security-events"], "write");
    let steps = wf["jobs"]["hoist"]["steps"].as_sequence().unwrap();
    assert!(steps[0]["uses"].as_str().unwrap().starts_with("actions/checkout@"));
    assert_eq!(steps[0]["with"]["fetch-depth"], 0, "the range scan needs the history");
    assert!(steps[1]["uses"].as_str().unwrap().contains("/hoist@"));
    assert!(steps[2]["uses"].as_str().unwrap().starts_with("github/codeql-action/upload-sarif@"));
    assert_eq!(steps[2]["with"]["sarif_file"], "${{ steps.hoist.outputs.sarif-file }}");
    assert_eq!(steps[2]["if"], "success() || failure()", "alerts are uploaded when the scan step fails");
}

#[test]
fn the_action_scans_a_pull_request_and_writes_sarif() {
    let action = yaml("action.yml");
    assert_eq!(action["runs"]["using"], "composite");
    let steps = action["runs"]["steps"].as_sequence().unwrap();
    assert!(steps[0]["uses"].as_str().unwrap().starts_with("actions/cache@"));
    let install = steps[1]["run"].as_str().unwrap();
    assert!(install.contains("cargo install --locked"), "{install}");
    assert_eq!(steps[1]["if"], "steps.cache.outputs.cache-hit != 'true'");

    // A pull request: main has a key committed and deleted long ago; the branch adds a new one.
    let repo = Repo::new();
    let (old, new) = (repo.token(), repo.token());
    repo.write("app.py", &format!("KEY = \"{old}\"\n"));
    repo.commit_all("old");
    repo.write("app.py", "KEY = None\n");
    repo.commit_all("removed");
    let base = repo.head();
    repo.git(&["checkout", "-q", "-b", "feature"]);
    repo.write("svc/client.py", &format!("TOKEN = \"{new}\"\n"));
    repo.commit_all("client");

    let work = tempfile::tempdir().unwrap();
    let output = work.path().join("github_output");
    std::fs::write(&output, "").unwrap();
    let defaults = |name: &str| action["inputs"][name]["default"].as_str().unwrap().to_string();
    let mut ctx: BTreeMap<&str, String> = BTreeMap::new();
    for name in ["path", "range", "sarif-file", "fail-on-findings", "args"] {
        ctx.insert(Box::leak(format!("inputs.{name}").into_boxed_str()), defaults(name));
    }
    ctx.insert("github.event.pull_request.base.sha", base.clone());
    ctx.insert("github.event.before", String::new());
    ctx.insert("runner.os", "Linux".into());
    ctx.insert("github.action_repository", "YOUR-ORG/hoist".into());
    ctx.insert("github.action_ref", "v0.1.0".into());
    // The cache key expands; the cache "hits" (hoist is on PATH), so the install step is skipped
    // as its `if:` says.
    let key = expand(steps[0]["with"]["key"].as_str().unwrap(), &ctx);
    assert_eq!(key, "hoist-Linux-YOUR-ORG/hoist-v0.1.0");
    let scan = &steps[2];
    assert_eq!(scan["shell"], "bash");
    // The step runs under the leak harness: its log, and every file it writes (hoist.sarif).
    let run_step = |ctx: &BTreeMap<&str, String>| {
        let mut cmd = repo.cmd("bash");
        cmd.arg("-e").arg("-c").arg(expand(scan["run"].as_str().unwrap(), ctx));
        cmd.env("PATH", format!("{}:{}", hoist_bin().parent().unwrap().display(), std::env::var("PATH").unwrap()))
            .env("GITHUB_OUTPUT", &output)
            .env("GITHUB_ACTION_PATH", env!("CARGO_MANIFEST_DIR"));
        for (k, v) in scan["env"].as_mapping().unwrap() {
            cmd.env(k.as_str().unwrap(), expand(v.as_str().unwrap(), ctx));
        }
        repo.checked("the action's scan step", &mut cmd)
    };
    let o = run_step(&ctx);
    let log = text(&o);
    assert_eq!(o.status.code(), Some(1), "secrets found fail the step:\n{log}");
    assert!(log.contains("::error::hoist found hardcoded secrets"), "{log}");
    assert_eq!(std::fs::read_to_string(&output).unwrap(), "found=true\n");
    let sarif_text = std::fs::read_to_string(repo.path().join("hoist.sarif")).unwrap();
    let sarif: serde_json::Value = serde_json::from_str(&sarif_text).unwrap();
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string("tests/schemas/sarif-schema-2.1.0.json").unwrap()).unwrap();
    assert!(jsonschema::options().should_validate_formats(true).build(&schema).unwrap().is_valid(&sarif));
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 1, "only the pull request's secret: {sarif_text}");
    assert_eq!(results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], "svc/client.py");
    assert_eq!(sarif["runs"][0]["automationDetails"]["id"], "hoist/history/");
    assert_no_leak(&format!("{log}{sarif_text}"), &[&old, &new]);

    // Told not to fail, the step passes and still reports.
    ctx.insert("inputs.fail-on-findings", "false".into());
    std::fs::write(&output, "").unwrap();
    let o = run_step(&ctx);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert_eq!(std::fs::read_to_string(&output).unwrap(), "found=true\n");
}
