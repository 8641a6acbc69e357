//! A small GitHub Actions runner for the tests of hoist's CI recipe: YAML loading, `${{ … }}`
//! expressions from a context map (an unknown expression fails the test, so a new one in the
//! recipe gets a value on purpose), the few `if:` forms the recipe uses, and a composite action's
//! steps run with bash, their `GITHUB_OUTPUT` read back as step outputs.
#![allow(dead_code)]

use serde_yaml::Value;
use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Output};

/// Expression → value (`inputs.path`, `steps.scan.outputs.found`, `runner.os`…).
pub type Context = BTreeMap<String, String>;

/// A YAML file of this repository.
pub fn yaml(rel: &str) -> Value {
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)).unwrap();
    serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// Replaces every `${{ expr }}` with its value from `ctx`.
pub fn expand<K: std::borrow::Borrow<str> + Ord>(text: &str, ctx: &BTreeMap<K, String>) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(i) = rest.find("${{") {
        out.push_str(&rest[..i]);
        let end = rest[i..].find("}}").expect("unclosed ${{") + i;
        let expr = rest[i + 3..end].trim();
        out.push_str(ctx.get(expr).unwrap_or_else(|| panic!("unknown expression {expr:?}")));
        rest = &rest[end + 2..];
    }
    out.push_str(rest);
    out
}

/// A step's `if:` (absent: only while nothing failed). Knows status functions, `||`, and
/// `EXPR == 'x'` / `EXPR != 'x'`; anything else fails the test.
pub fn condition(step: &Value, ctx: &Context, failed: bool) -> bool {
    let Some(cond) = step["if"].as_str() else { return !failed };
    let cond = cond.trim().trim_start_matches("${{").trim_end_matches("}}").trim();
    cond.split("||").any(|part| {
        let part = part.trim();
        match part {
            "success()" => !failed,
            "failure()" => failed,
            "always()" => true,
            _ => {
                let (lhs, rhs, eq) = if let Some((l, r)) = part.split_once("!=") {
                    (l, r, false)
                } else if let Some((l, r)) = part.split_once("==") {
                    (l, r, true)
                } else {
                    panic!("unknown condition {part:?}")
                };
                let value = ctx.get(lhs.trim()).cloned().unwrap_or_default();
                let literal = rhs.trim().trim_matches('\'');
                (value == literal) == eq
            }
        }
    })
}

/// Runs one `run:` step with bash in `dir`: expressions expanded, its `env:` set, `GITHUB_OUTPUT`
/// pointing at a fresh file whose `name=value` lines become `steps.<id>.outputs.<name>`.
pub fn run_step(step: &Value, ctx: &mut Context, dir: &Path, path_env: &str, action_path: &Path) -> Output {
    let out_file = tempfile::NamedTempFile::new().unwrap();
    assert_eq!(step["shell"], "bash", "a composite action's run step names its shell");
    let mut cmd = Command::new("bash");
    cmd.current_dir(dir)
        .arg("-e")
        .arg("-c")
        .arg(expand(step["run"].as_str().unwrap(), ctx))
        .env("PATH", path_env)
        .env("GITHUB_OUTPUT", out_file.path())
        .env("GITHUB_ACTION_PATH", action_path)
        .env("NO_COLOR", "1");
    if let Some(env) = step["env"].as_mapping() {
        for (k, v) in env {
            cmd.env(k.as_str().unwrap(), expand(v.as_str().unwrap(), ctx));
        }
    }
    let o = cmd.output().unwrap();
    if let Some(id) = step["id"].as_str() {
        for line in std::fs::read_to_string(out_file.path()).unwrap().lines() {
            let (k, v) = line.split_once('=').unwrap_or_else(|| panic!("bad GITHUB_OUTPUT line {line:?}"));
            ctx.insert(format!("steps.{id}.outputs.{k}"), v.to_string());
        }
    }
    o
}
