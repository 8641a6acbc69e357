//! `hoist scan --history` against a real repository built here: secrets added in one commit and
//! deleted in the next are reported once each, with the commit that added them; `--since` limits
//! the scan to a range; allow markers and the baseline apply; no value reaches any output.

mod hook_util;
use hook_util::{Repo, assert_no_leak, text, token};
use serde_json::Value;
use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};

/// `n` random characters from `alphabet`.
fn random(alphabet: &[u8], n: usize) -> String {
    let mut out = String::new();
    while out.len() < n {
        let mut h = RandomState::new().build_hasher();
        h.write_usize(out.len());
        let mut x = h.finish();
        for _ in 0..6 {
            if out.len() < n {
                out.push(alphabet[(x % alphabet.len() as u64) as usize] as char);
                x /= alphabet.len() as u64;
            }
        }
    }
    out
}

const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

struct Planted {
    key_id: String,
    secret_key: String,
    github: String,
    db_password: String,
}

impl Planted {
    fn new() -> Self {
        Self {
            key_id: token(),
            secret_key: random(ALNUM, 40),
            github: format!("ghp_{}", random(ALNUM, 36)),
            db_password: format!("Pw{}", random(ALNUM, 18)),
        }
    }

    fn all(&self) -> Vec<&str> {
        vec![&self.key_id, &self.secret_key, &self.github, &self.db_password]
    }
}

/// README; then the secrets (commit `added`); then their deletion; returns the added commit id.
fn repo_with_deleted_secrets(p: &Planted) -> (Repo, String) {
    let repo = Repo::new();
    repo.write("README.md", "# app\n");
    repo.commit_all("start");
    repo.write(
        "app/settings.py",
        &format!("import os\n\nAWS_ACCESS_KEY_ID = \"{}\"\nAWS_SECRET_ACCESS_KEY = \"{}\"\n", p.key_id, p.secret_key),
    );
    repo.write(".env", &format!("GITHUB_TOKEN={}\n", p.github));
    repo.write("app/db.py", &format!("DATABASE_URL = \"postgres://app:{}@db.internal:5432/app\"\n", p.db_password));
    repo.commit_all("add config");
    let added = repo.head();
    repo.write("app/settings.py", "import os\n\nAWS_ACCESS_KEY_ID = os.environ[\"AWS_ACCESS_KEY_ID\"]\n");
    repo.git(&["rm", "-q", ".env"]);
    repo.write("app/db.py", "import os\nDATABASE_URL = os.environ[\"DATABASE_URL\"]\n");
    repo.commit_all("remove secrets");
    (repo, added)
}

fn json(repo: &Repo, args: &[&str]) -> (i32, Vec<Value>, String) {
    let o = repo.hoist(args);
    let out = String::from_utf8_lossy(&o.stdout).into_owned();
    let v: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("not JSON ({e}):\n{}", text(&o)));
    (o.status.code().unwrap(), v.as_array().unwrap().clone(), text(&o))
}

fn rules(findings: &[Value]) -> Vec<String> {
    let mut r: Vec<String> = findings.iter().map(|f| f["rule"].as_str().unwrap().to_string()).collect();
    r.sort();
    r
}

#[test]
fn deleted_secrets_are_reported_once_with_their_commit() {
    let p = Planted::new();
    let (repo, added) = repo_with_deleted_secrets(&p);
    // The tree holds none of them any more.
    let tree = repo.hoist(&["scan", "--format", "json"]);
    let tree_out = String::from_utf8_lossy(&tree.stdout);
    assert_eq!(tree.status.code(), Some(0), "{}", text(&tree));
    assert_eq!(tree_out.trim(), "[]");
    // Re-add the same key id in a later commit, elsewhere: still one finding, first commit kept.
    repo.write("deploy/ci.sh", &format!("export AWS_ACCESS_KEY_ID={}\n", p.key_id));
    repo.commit_all("ci");
    let (code, findings, all) = json(&repo, &["scan", "--history", "--format", "json"]);
    assert_eq!(code, 1, "{all}");
    assert_eq!(findings.len(), 4, "{all}");
    let mut paths: Vec<&str> = findings.iter().map(|f| f["path"].as_str().unwrap()).collect();
    paths.sort();
    assert_eq!(paths, [".env", "app/db.py", "app/settings.py", "app/settings.py"], "{all}");
    for rule in ["aws.access-key-id", "aws.secret-access-key", "github.personal-access-token"] {
        assert!(rules(&findings).iter().any(|r| r == rule), "{rule} missing: {all}");
    }
    for f in &findings {
        assert_eq!(f["commit"]["id"], added.as_str(), "{f}");
        assert_eq!(f["commit"]["author"], "Hoist Test");
        assert!(f["commit"]["date"].as_str().unwrap().starts_with("20"), "{f}");
    }
    let key = findings.iter().find(|f| f["rule"] == "aws.access-key-id").unwrap();
    assert_eq!(key["path"], "app/settings.py");
    assert_eq!(key["line"], 3);
    assert_eq!(key["commits"], 2, "added twice: {key}");
    let gh = findings.iter().find(|f| f["rule"] == "github.personal-access-token").unwrap();
    assert_eq!((gh["path"].as_str(), gh["line"].as_u64()), (Some(".env"), Some(1)));
    assert_no_leak(&all, &p.all());

    // Human and SARIF carry the commit too, and no value.
    let human = repo.hoist(&["scan", "--history"]);
    let h = text(&human);
    assert_eq!(human.status.code(), Some(1), "{h}");
    assert!(h.contains(&format!("commit {}", &added[..12])), "{h}");
    assert!(h.contains("4 secret(s) in history"), "{h}");
    assert_no_leak(&h, &p.all());
    let sarif = repo.hoist(&["scan", "--history", "--format", "sarif"]);
    let s: Value = serde_json::from_slice(&sarif.stdout).unwrap();
    let results = s["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 4);
    assert!(results.iter().all(|r| r["properties"]["commit"] == added.as_str()), "{s}");
    assert_no_leak(&text(&sarif), &p.all());
}

#[test]
fn since_scans_only_the_range() {
    let p = Planted::new();
    let (repo, _) = repo_with_deleted_secrets(&p);
    let base = repo.head();
    let later = format!("ghp_{}", random(ALNUM, 36));
    repo.write("tools/release.sh", &format!("GH_TOKEN={later} gh release create\n"));
    repo.commit_all("release script");
    let tip = repo.head();
    for args in [
        vec!["scan", "--since", base.as_str(), "--format", "json"],
        vec!["scan", "--history", "--since", &format!("{base}..HEAD"), "--format", "json"],
    ] {
        let (code, findings, all) = json(&repo, &args);
        assert_eq!(code, 1, "{all}");
        assert_eq!(rules(&findings), ["github.personal-access-token"], "{all}");
        assert_eq!(findings[0]["commit"]["id"], tip.as_str());
        assert_eq!(findings[0]["path"], "tools/release.sh");
        assert_no_leak(&all, &[&later]);
    }
    // A range with nothing added is clean.
    let (code, findings, all) = json(&repo, &["scan", "--since", "HEAD", "--format", "json"]);
    assert_eq!((code, findings.len()), (0, 0), "{all}");
    // A bad revision is an error (exit 2), not a clean pass.
    let o = repo.hoist(&["scan", "--since", "no-such-branch"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
}

#[test]
fn allow_markers_baseline_and_all_refs() {
    let repo = Repo::new();
    let (allowed, accepted, side) = (token(), token(), token());
    repo.write("a.py", &format!("KEY = \"{allowed}\"  # hoist:allow\n"));
    repo.write("b.py", &format!("OTHER = \"{accepted}\"\n"));
    repo.commit_all("one");
    // Accept b.py's key in a baseline, then delete it: the history scan still honours the baseline.
    let o = repo.hoist(&["baseline"]);
    assert!(o.status.success(), "{}", text(&o));
    repo.write("b.py", "OTHER = None\n");
    repo.commit_all("two");
    let o = repo.hoist(&["scan", "--history"]);
    let out = text(&o);
    assert_eq!(o.status.code(), Some(0), "{out}");
    assert!(out.contains("1 finding(s) allowed by inline markers"), "{out}");
    assert!(out.contains("accepted in"), "{out}");
    let (_, findings, all) = json(&repo, &["scan", "--history", "--no-baseline", "--format", "json"]);
    assert_eq!(rules(&findings), ["aws.access-key-id"], "{all}");
    // A branch HEAD doesn't reach: only --all sees it.
    repo.git(&["checkout", "-q", "-b", "side"]);
    repo.write("side.py", &format!("SIDE = \"{side}\"\n"));
    repo.commit_all("side");
    repo.git(&["checkout", "-q", "main"]);
    let (code, findings, all) = json(&repo, &["scan", "--history", "--format", "json"]);
    assert_eq!((code, findings.len()), (0, 0), "{all}");
    let (code, findings, all) = json(&repo, &["scan", "--all", "--format", "json"]);
    assert_eq!(code, 1, "{all}");
    assert_eq!(findings[0]["path"], "side.py", "{all}");
    assert_no_leak(&all, &[&allowed, &accepted, &side]);
}

#[test]
fn an_unborn_branch_has_no_history() {
    let repo = Repo::new();
    let o = repo.hoist(&["scan", "--history"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(text(&o).contains("no commits yet"));
}

#[test]
fn migrate_and_plan_list_history_only_values_as_rotate() {
    let p = Planted::new();
    let (repo, added) = repo_with_deleted_secrets(&p);
    // One secret still in the tree, committed (so also in history), and one only in the work tree.
    let live = format!("ghp_{}", random(ALNUM, 36));
    repo.write("app/github.py", &format!("GITHUB_TOKEN = \"{live}\"\n"));
    repo.commit_all("github client");
    let o = repo.hoist(&["migrate", "--history"]);
    let out = text(&o);
    assert_eq!(o.status.code(), Some(0), "{out}");
    let only = out.split("only in git history").nth(1).unwrap_or_else(|| panic!("no history-only list:\n{out}"));
    let only = only.split("rotate after migrating").next().unwrap();
    assert_eq!(only.matches("\n  rotate  ").count(), 4, "{out}");
    assert!(only.contains(&format!("first committed in {}", &added[..12])), "{out}");
    assert!(only.contains("provider: aws") && only.contains("provider: github"), "{out}");
    assert!(only.contains("app/settings.py:3"), "{out}");
    assert!(out.contains("1 planned value(s) are also in git history — rotate after migrating"), "{out}");
    assert!(out.contains("app/github.py:1"), "{out}");
    assert_no_leak(&out, &[p.all(), vec![live.as_str()]].concat());
    // Dry run: nothing written. The plan holds only the tree's value, so only it can be uploaded.
    assert!(!repo.path().join(".hoist/plan.yaml").exists());
    let o = repo.hoist(&["plan", "--history", "--stdout"]);
    let yaml = String::from_utf8_lossy(&o.stdout).into_owned();
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert_eq!(yaml.matches("fingerprint:").count(), 2, "one key, one site:\n{yaml}");
    assert!(!yaml.contains("settings.py") && !yaml.contains(".env") && !yaml.contains("db.py"), "{yaml}");
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("rotate, can't migrate"), "{err}");
    assert_no_leak(&text(&o), &[p.all(), vec![live.as_str()]].concat());
}
