//! Plan validation: one test per rule, each starting from a valid plan and breaking one thing,
//! and checking that the error names the entry and says how to fix it.

use hoist::plan::{PlanError, load_plan, parse_plan, validate, write_plan};
use std::path::Path;

const SALT: &str = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
const FP: &str = "0123456789abcdef0123456789abcdef";
const FP2: &str = "fedcba9876543210fedcba9876543210";

fn base() -> String {
    format!(
        "version: 1
salt: {SALT}
app: shop
secrets:
- name: shop/prod/postgres
  shape: json
  tags:
    managed-by: hoist
  keys:
  - key: password
    fingerprint: {FP}
    sites:
    - path: app/settings.py
      line: 3
      span: {{start: 40, end: 52}}
      fingerprint: {FP}
      rule: generic.password
      format: python
      strategy: env
      env_var: DB_PASSWORD
  - key: host
    fingerprint: {FP2}
    sites:
    - path: app/settings.py
      line: 4
      span: {{start: 70, end: 80}}
      fingerprint: {FP2}
      rule: config.host
      format: python
      strategy: env
      env_var: DB_HOST
"
    )
}

fn repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("app")).unwrap();
    std::fs::write(dir.path().join("app/settings.py"), "x = 1\n").unwrap();
    dir
}

/// Validates `text` (which must parse) and returns the messages.
fn errors(text: &str) -> Vec<String> {
    let plan = parse_plan(text, "plan.yaml").unwrap_or_else(|e| panic!("should parse: {e}"));
    let dir = repo();
    match validate(&plan, dir.path()) {
        Ok(()) => Vec::new(),
        Err(es) => es.iter().map(ToString::to_string).collect(),
    }
}

fn one_error(text: &str, wants: &[&str]) {
    let es = errors(text);
    assert_eq!(es.len(), 1, "expected one error, got {es:#?}");
    for w in wants {
        assert!(es[0].contains(w), "{:?} should mention {w:?}", es[0]);
    }
}

#[test]
fn the_base_plan_is_valid_and_round_trips() {
    assert_eq!(errors(&base()), Vec::<String>::new());
    let dir = repo();
    let plan = parse_plan(&base(), "p").unwrap();
    let path = dir.path().join(".hoist/plan.yaml");
    write_plan(&path, &plan).unwrap();
    assert_eq!(load_plan(&path).unwrap(), plan);
}

#[test]
fn unknown_fields_are_refused_with_their_place() {
    let text =
        base().replace("      strategy: env\n      env_var: DB_HOST", "      stratgy: env\n      env_var: DB_HOST");
    let e = parse_plan(&text, "plan.yaml").unwrap_err();
    let msg = e.to_string();
    assert!(matches!(e, PlanError::Parse { .. }));
    assert!(msg.contains("unknown field `stratgy`") && msg.contains("line"), "{msg}");
    let top = format!("{}extra: 1\n", base());
    assert!(parse_plan(&top, "p").unwrap_err().to_string().contains("unknown field `extra`"));
}

#[test]
fn unsupported_versions_are_refused_before_anything_else() {
    let text = base().replace("version: 1", "version: 7").replace("stratgy", "x");
    let e = parse_plan(&text, "p").unwrap_err();
    assert!(matches!(e, PlanError::Version { .. }), "{e}");
    assert!(e.to_string().contains("version 7") && e.to_string().contains("--fresh"));
    let missing = base().replace("version: 1\n", "");
    assert!(parse_plan(&missing, "p").unwrap_err().to_string().contains("missing field `version`"));
}

#[test]
fn a_bad_salt_is_refused() {
    one_error(&base().replace(SALT, "not-hex"), &["salt", "not hex", "restore"]);
    one_error(&base().replace(SALT, "abcd"), &["salt", "too short"]);
}

#[test]
fn invalid_names_are_refused_with_a_fixed_name() {
    one_error(
        &base().replace("shop/prod/postgres", "shop/prod/db secret"),
        &["\"shop/prod/db secret\"", "not allowed"],
    );
    one_error(&base().replace("shop/prod/postgres", "shop/prod/db-secret"), &["six characters", "shop/prod/db_secret"]);
    let long = format!("shop/{}", "a".repeat(260));
    one_error(&base().replace("shop/prod/postgres", &long), &["over the 256"]);
}

#[test]
fn duplicate_names_are_refused() {
    let b = base();
    let second = &b[b.find("- name:").unwrap()..];
    let second = second.replace("app/settings.py", "app/other.py");
    let text = format!("{b}{second}");
    one_error(&text, &["\"shop/prod/postgres\" is named 2 times", "shop/prod/postgres-2"]);
}

#[test]
fn paths_that_escape_the_repository_are_refused() {
    let abs = base().replacen("path: app/settings.py", "path: /etc/passwd", 1);
    one_error(&abs, &["site /etc/passwd:3", "absolute"]);
    let up = base().replacen("path: app/settings.py", "path: app/../../x.py", 1);
    one_error(&up, &["`..`"]);
}

#[cfg(unix)]
#[test]
fn symlinks_out_of_the_repository_are_refused() {
    let dir = repo();
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("x.py"), "x").unwrap();
    std::os::unix::fs::symlink(outside.path(), dir.path().join("link")).unwrap();
    let plan = parse_plan(&base().replacen("path: app/settings.py", "path: link/x.py", 1), "p").unwrap();
    let es = validate(&plan, dir.path()).unwrap_err();
    assert_eq!(es.len(), 1);
    assert!(es[0].to_string().contains("outside the repository"), "{}", es[0]);
}

#[test]
fn overlapping_spans_are_refused() {
    let text = base().replace("span: {start: 70, end: 80}", "span: {start: 45, end: 60}");
    one_error(&text, &["app/settings.py: sites overlap", "40..52", "45..60", "shop/prod/postgres/password"]);
}

#[test]
fn payloads_over_the_limit_are_refused() {
    let text = base().replace("span: {start: 70, end: 80}", "span: {start: 70, end: 70000}");
    one_error(&text, &["shop/prod/postgres", "65,536", "split"]);
}

#[test]
fn key_and_site_problems_name_the_entry() {
    let b = base();
    one_error(
        &b.replacen(&format!("fingerprint: {FP2}\n      rule"), &format!("fingerprint: {FP}\n      rule"), 1),
        &["key \"host\", site app/settings.py:4", "move it to its own key"],
    );
    one_error(&b.replace("env_var: DB_HOST", "env_var: DB-HOST"), &["DB-HOST", "not a valid variable name"]);
    one_error(&b.replace("      env_var: DB_HOST\n", ""), &["strategy env needs an env_var"]);
    one_error(&b.replace("key: host", "key: password"), &["key \"password\"", "appears twice"]);
    one_error(&b.replace("key: host", "key: 'a:b'"), &["`:`"]);
    one_error(&b.replace("span: {start: 70, end: 80}", "span: {start: 80, end: 70}"), &["reversed"]);
}

#[test]
fn tag_problems_are_refused() {
    one_error(&base().replace("managed-by: hoist", "owner: me"), &["managed-by: hoist", "add it back"]);
    one_error(&base().replace("managed-by: hoist", "managed-by: hoist\n    aws:owner: me"), &["aws:"]);
}

#[test]
fn unreadable_plans_say_where() {
    let e = load_plan(Path::new("/nonexistent/plan.yaml")).unwrap_err();
    assert!(e.to_string().contains("/nonexistent/plan.yaml"));
    let e = parse_plan("secrets: [", "p.yaml").unwrap_err();
    assert!(matches!(e, PlanError::Parse { .. }));
}
