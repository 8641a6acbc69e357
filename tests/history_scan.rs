//! `hoist scan --history` against a real repository built here: secrets added in one commit and
//! deleted in the next are reported once each, with the commit that added them; `--since` limits
//! the scan to a range (and an edit around an old secret adds nothing); a subdirectory scans only
//! its paths; allow markers and the baseline apply. Every hoist run goes through the leak harness
//! (`tests/common/leak.rs`): no planted value or piece of one in any output or file.

mod common;
mod hook_util;
use common::leak::Leak;
use hook_util::{Repo, text, token};
use serde_json::Value;
use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::process::Output;

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

/// Runs hoist in `repo` through the leak harness for `planted`.
fn hoist(repo: &Repo, planted: &[&str], args: &[&str]) -> Output {
    let leak = Leak::watch(repo.path(), planted);
    let o = repo.hoist(args);
    leak.check(repo.path(), &args.join(" "), &o);
    o
}

fn json(repo: &Repo, planted: &[&str], args: &[&str]) -> (i32, Vec<Value>, String) {
    let o = hoist(repo, planted, args);
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
    let planted = p.all();
    // The tree holds none of them any more.
    let tree = hoist(&repo, &planted, &["scan", "--format", "json"]);
    let tree_out = String::from_utf8_lossy(&tree.stdout);
    assert_eq!(tree.status.code(), Some(0), "{}", text(&tree));
    assert_eq!(tree_out.trim(), "[]");
    // Re-add the same key id in a later commit, elsewhere: still one finding, first commit kept.
    repo.write("deploy/ci.sh", &format!("export AWS_ACCESS_KEY_ID={}\n", p.key_id));
    repo.commit_all("ci");
    let (code, findings, all) = json(&repo, &planted, &["scan", "--history", "--format", "json"]);
    assert_eq!(code, 1, "{all}");
    assert_eq!(findings.len(), 4, "{all}");
    let mut paths: Vec<&str> = findings.iter().map(|f| f["path"].as_str().unwrap()).collect();
    paths.sort();
    assert_eq!(paths, [".env", "app/db.py", "app/settings.py", "app/settings.py"], "{all}");
    for rule in ["aws.access-key-id", "aws.secret-access-key", "github.personal-access-token"] {
        assert!(rules(&findings).iter().any(|r| r == rule), "{rule} missing: {all}");
    }
    assert!(findings.iter().any(|f| f["path"] == "app/db.py"), "the database URL's password: {all}");
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

    // Human and SARIF carry the commit too, and no value.
    let human = hoist(&repo, &planted, &["scan", "--history"]);
    let h = text(&human);
    assert_eq!(human.status.code(), Some(1), "{h}");
    assert!(h.contains(&format!("commit {}", &added[..12])), "{h}");
    assert!(h.contains("4 secret(s) in history"), "{h}");
    let sarif = hoist(&repo, &planted, &["scan", "--history", "--format", "sarif"]);
    let s: Value = serde_json::from_slice(&sarif.stdout).unwrap();
    let results = s["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 4);
    assert!(results.iter().all(|r| r["properties"]["commit"] == added.as_str()), "{s}");
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
    let planted = [p.all(), vec![later.as_str()]].concat();
    for args in [
        vec!["scan", "--since", base.as_str(), "--format", "json"],
        vec!["scan", "--history", "--since", &format!("{base}..HEAD"), "--format", "json"],
    ] {
        let (code, findings, all) = json(&repo, &planted, &args);
        assert_eq!(code, 1, "{all}");
        assert_eq!(rules(&findings), ["github.personal-access-token"], "{all}");
        assert_eq!(findings[0]["commit"]["id"], tip.as_str());
        assert_eq!(findings[0]["path"], "tools/release.sh");
    }
    // A range with nothing added is clean.
    let (code, findings, all) = json(&repo, &planted, &["scan", "--since", "HEAD", "--format", "json"]);
    assert_eq!((code, findings.len()), (0, 0), "{all}");
    // A bad revision is an error (exit 2), not a clean pass.
    let o = hoist(&repo, &planted, &["scan", "--since", "no-such-branch"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
}

/// Only what a commit adds counts: a range that edits around an old secret (lines above it, a
/// rename with changes) adds nothing; in the whole history the secret has one commit.
#[test]
fn edits_around_an_old_secret_add_nothing() {
    let repo = Repo::new();
    let (kept, moved) = (token(), token());
    repo.write("app/config.py", &format!("import os\n\nKEY_ID = \"{kept}\"\n"));
    repo.write("app/old_name.py", &format!("OTHER_KEY_ID = \"{moved}\"\nX = 1\nY = 2\nZ = 3\n"));
    repo.commit_all("add keys");
    let added = repo.head();
    let base = repo.head();
    repo.write("app/config.py", &format!("import os\nimport sys\n# settings\n\nKEY_ID = \"{kept}\"\nDEBUG = False\n"));
    repo.git(&["mv", "app/old_name.py", "app/new_name.py"]);
    repo.write("app/new_name.py", &format!("OTHER_KEY_ID = \"{moved}\"\nX = 1\nY = 2\nZ = 4\n"));
    repo.commit_all("edit around them");
    let planted = [kept.as_str(), moved.as_str()];
    let (code, findings, all) = json(&repo, &planted, &["scan", "--since", &base, "--format", "json"]);
    assert_eq!((code, findings.len()), (0, 0), "the range added no secret: {all}");
    let (code, findings, all) = json(&repo, &planted, &["scan", "--history", "--format", "json"]);
    assert_eq!((code, findings.len()), (1, 2), "{all}");
    for f in &findings {
        assert_eq!(f["commit"]["id"], added.as_str(), "{all}");
        assert_eq!(f["commits"], 1, "an edit around a value doesn't add it again: {all}");
    }
    // A revert re-adds the same content (the same blob): read once, counted as a second addition.
    repo.git(&["rm", "-q", "app/config.py"]);
    repo.commit_all("drop config");
    repo.git(&["revert", "--no-edit", "HEAD"]);
    let (_, findings, all) = json(&repo, &planted, &["scan", "--history", "--format", "json"]);
    let f = findings.iter().find(|f| f["path"] == "app/config.py").unwrap_or_else(|| panic!("{all}"));
    assert_eq!((f["commit"]["id"].as_str(), f["commits"].as_u64()), (Some(added.as_str()), Some(2)), "{all}");
    assert!(all.contains("(4 file version(s)"), "each blob read once, the reverted one not again: {all}");
}

/// `scan DIR --history` reads only DIR's paths, reports them relative to DIR (as a tree scan of
/// DIR does), SARIF URIs from the repository root; `-q` leaves the report and nothing else.
#[test]
fn a_subdirectory_scans_only_its_own_history() {
    let repo = Repo::new();
    let (api, web) = (token(), token());
    repo.write("svc/api/keys.py", &format!("KEY_ID = \"{api}\"\n"));
    repo.write("web/keys.py", &format!("KEY_ID = \"{web}\"\n"));
    repo.commit_all("keys");
    let added = repo.head();
    repo.git(&["rm", "-q", "svc/api/keys.py", "web/keys.py"]);
    repo.commit_all("remove keys");
    let planted = [api.as_str(), web.as_str()];
    let (code, findings, all) = json(&repo, &planted, &["scan", "svc/api", "--history", "--format", "json"]);
    assert_eq!((code, findings.len()), (1, 1), "{all}");
    assert_eq!(findings[0]["path"], "keys.py", "{all}");
    assert_eq!(findings[0]["commit"]["id"], added.as_str());
    let (_, findings, all) = json(&repo, &planted, &["scan", "--history", "--format", "json"]);
    assert_eq!(findings.len(), 2, "the whole repository from the top: {all}");
    let o = hoist(&repo, &planted, &["scan", "svc/api", "--history", "--format", "sarif"]);
    let s: Value = serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", text(&o)));
    let uris: Vec<&str> = s["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].as_str().unwrap())
        .collect();
    assert_eq!(uris, ["svc/api/keys.py"], "{s}");
    // Human output: the findings, then a summary; -q keeps the findings only.
    let o = hoist(&repo, &planted, &["scan", "svc/api", "--history"]);
    assert!(text(&o).contains("1 secret(s) in history"), "{}", text(&o));
    let o = hoist(&repo, &planted, &["-q", "scan", "svc/api", "--history"]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(out.contains("keys.py") && out.contains(&added[..12]), "{out}");
    assert!(!out.contains("secret(s) in history") && !out.contains("rotated"), "-q shows no summary: {out}");
    assert!(o.stderr.is_empty(), "{}", String::from_utf8_lossy(&o.stderr));
}

/// `uri` of each SARIF result.
fn sarif_uris(o: &Output) -> Vec<String> {
    let s: Value = serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", text(o)));
    s["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn a_file_scans_only_its_own_history() {
    let repo = Repo::new();
    let (mine, beside, gone, top) = (token(), token(), token(), token());
    repo.write("svc/keys.py", &format!("KEY_ID = \"{mine}\"\n"));
    repo.write("svc/other.py", &format!("KEY_ID = \"{beside}\"\n"));
    repo.write("svc/old.py", &format!("KEY_ID = \"{gone}\"\n"));
    repo.write("app.py", &format!("KEY_ID = \"{top}\"\n"));
    repo.commit_all("keys");
    let added = repo.head();
    // keys.py stays (without its key), old.py is gone from the work tree.
    repo.write("svc/keys.py", "import os\nKEY_ID = os.environ[\"KEY_ID\"]\n");
    repo.git(&["rm", "-q", "svc/old.py"]);
    repo.commit_all("remove keys");
    let planted = [mine.as_str(), beside.as_str(), gone.as_str(), top.as_str()];
    for (path, want, uri) in
        [("svc/keys.py", &mine, "svc/keys.py"), ("svc/old.py", &gone, "svc/old.py"), ("app.py", &top, "app.py")]
    {
        let (code, findings, all) = json(&repo, &planted, &["scan", path, "--history", "--format", "json"]);
        assert_eq!((code, findings.len()), (1, 1), "{path}: only its own secret: {all}");
        let name = uri.rsplit('/').next().unwrap();
        assert_eq!(findings[0]["path"], name, "{path}: reported by name, as `hoist scan FILE` does: {all}");
        assert_eq!(findings[0]["commit"]["id"], added.as_str(), "{all}");
        assert_eq!(findings[0]["preview"].as_str().map(|p| p.len() < want.len()), Some(true));
        let o = hoist(&repo, &planted, &["scan", path, "--history", "--format", "sarif"]);
        assert_eq!(sarif_uris(&o), [uri], "{path}: SARIF URIs from the repository root");
    }
    // From inside the directory, the same file by its relative name.
    let leak = Leak::watch(repo.path(), &planted);
    let o = repo
        .cmd(common::moto::hoist_bin())
        .current_dir(repo.path().join("svc"))
        .args(["scan", "keys.py", "--history", "--format", "json"])
        .output()
        .unwrap();
    leak.check(repo.path(), "scan keys.py --history (in svc)", &o);
    let v: Value = serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", text(&o)));
    assert_eq!(v.as_array().map(Vec::len), Some(1), "{}", text(&o));
    assert_eq!(v[0]["path"], "keys.py");
    // The directory still scans all three of its files.
    let (_, findings, all) = json(&repo, &planted, &["scan", "svc", "--history", "--format", "json"]);
    assert_eq!(findings.len(), 3, "{all}");
    let o = hoist(&repo, &planted, &["scan", "svc/never.py", "--history"]);
    assert_eq!(o.status.code(), Some(0), "a path history never had: nothing found: {}", text(&o));
}

#[test]
fn blobs_over_the_size_limit_are_counted_not_scanned() {
    let repo = Repo::new();
    let (small, big) = (token(), token());
    repo.write("small.py", &format!("KEY_ID = \"{small}\"\n"));
    repo.write("big.py", &format!("KEY_ID = \"{big}\"\n{}", "# padding\n".repeat(200)));
    repo.commit_all("keys");
    let planted = [small.as_str(), big.as_str()];
    let args = ["scan", "--history", "--max-file-size", "1000", "--format", "json"];
    let (code, findings, all) = json(&repo, &planted, &args);
    assert_eq!((code, findings.len()), (1, 1), "{all}");
    assert_eq!(findings[0]["path"], "small.py", "{all}");
    assert!(all.contains("1 over the size limit"), "{all}");
    let (_, findings, all) = json(&repo, &planted, &["scan", "--history", "--format", "json"]);
    assert_eq!(findings.len(), 2, "within the default limit both are read: {all}");
}

#[test]
fn allow_markers_baseline_and_all_refs() {
    let repo = Repo::new();
    let (allowed, accepted, side) = (token(), token(), token());
    let planted = [allowed.as_str(), accepted.as_str(), side.as_str()];
    repo.write("a.py", &format!("KEY = \"{allowed}\"  # hoist:allow\n"));
    repo.write("b.py", &format!("OTHER = \"{accepted}\"\n"));
    repo.commit_all("one");
    // Accept b.py's key in a baseline, then delete it: the history scan still honours the baseline.
    let o = hoist(&repo, &planted, &["baseline"]);
    assert!(o.status.success(), "{}", text(&o));
    repo.write("b.py", "OTHER = None\n");
    repo.commit_all("two");
    let o = hoist(&repo, &planted, &["scan", "--history"]);
    let out = text(&o);
    assert_eq!(o.status.code(), Some(0), "{out}");
    assert!(out.contains("1 finding(s) allowed by inline markers"), "{out}");
    assert!(out.contains("accepted in"), "{out}");
    let (_, findings, all) = json(&repo, &planted, &["scan", "--history", "--no-baseline", "--format", "json"]);
    assert_eq!(rules(&findings), ["aws.access-key-id"], "{all}");
    // A branch HEAD doesn't reach: only --all sees it.
    repo.git(&["checkout", "-q", "-b", "side"]);
    repo.write("side.py", &format!("SIDE = \"{side}\"\n"));
    repo.commit_all("side");
    repo.git(&["checkout", "-q", "main"]);
    let (code, findings, all) = json(&repo, &planted, &["scan", "--history", "--format", "json"]);
    assert_eq!((code, findings.len()), (0, 0), "{all}");
    let (code, findings, all) = json(&repo, &planted, &["scan", "--all", "--format", "json"]);
    assert_eq!(code, 1, "{all}");
    assert_eq!(findings[0]["path"], "side.py", "{all}");
}

#[test]
fn an_unborn_branch_has_no_history() {
    let repo = Repo::new();
    let o = hoist(&repo, &[], &["scan", "--history"]);
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
    let planted = [p.all(), vec![live.as_str()]].concat();
    let o = hoist(&repo, &planted, &["migrate", "--history"]);
    let out = text(&o);
    assert_eq!(o.status.code(), Some(0), "{out}");
    let only = out.split("only in git history").nth(1).unwrap_or_else(|| panic!("no history-only list:\n{out}"));
    let only = only.split("rotate after migrating").next().unwrap();
    assert_eq!(only.matches("\n  rotate  ").count(), 4, "{out}");
    assert!(only.contains(&format!("first committed in {}", &added[..12])), "{out}");
    assert!(only.contains("provider: aws") && only.contains("provider: github"), "{out}");
    assert!(only.contains("app/settings.py:3") && only.contains("app/db.py:1"), "{out}");
    assert!(out.contains("1 planned value(s) are also in git history — rotate after migrating"), "{out}");
    assert!(out.contains("app/github.py:1"), "{out}");
    // Dry run: nothing written. The plan holds only the tree's value, so only it can be uploaded.
    assert!(!repo.path().join(".hoist/plan.yaml").exists());
    let o = hoist(&repo, &planted, &["plan", "--history", "--stdout"]);
    let yaml = String::from_utf8_lossy(&o.stdout).into_owned();
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert_eq!(yaml.matches("fingerprint:").count(), 2, "one key, one site:\n{yaml}");
    assert!(!yaml.contains("settings.py") && !yaml.contains(".env") && !yaml.contains("db.py"), "{yaml}");
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("rotate, can't migrate"), "{err}");
}
