//! `hoist scan --staged` against real git repositories: it scans the index content and reports
//! only secrets on lines the commit adds, through renames, deletions, binary files, submodules,
//! an unborn branch and unusual paths — and errors (exit 2) rather than passing when it can't look.

mod common;
use common::cli::Hoist;
use common::fixture::plant_shapes;
use common::repo::{Repo, assert_no_leak, text};

fn staged(repo: &Repo) -> (i32, String) {
    let o = repo.run(&["scan", "--staged"]);
    (o.status.code().unwrap(), text(&o))
}

#[test]
fn only_secrets_on_added_lines_are_reported() {
    let repo = Repo::new();
    let (old, new) = (repo.token(), repo.token());
    repo.write("app/settings.py", &format!("DEBUG = False\nKEY = \"{old}\"\nNAME = 'a'\n"));
    repo.commit_all("start");
    // Change another line of the same file: the old secret is untouched.
    repo.write("app/settings.py", &format!("DEBUG = True\nKEY = \"{old}\"\nNAME = 'a'\n"));
    repo.git(&["add", "-A"]);
    let (code, out) = staged(&repo);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("1 finding(s) on lines this commit doesn't change"), "{out}");
    // Now add a new secret below.
    repo.write("app/settings.py", &format!("DEBUG = True\nKEY = \"{old}\"\nNAME = 'a'\nNEW = \"{new}\"\n"));
    repo.git(&["add", "-A"]);
    let (code, out) = staged(&repo);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("app/settings.py:4:8"), "{out}");
    assert!(!out.contains("app/settings.py:2:"), "{out}");
    assert!(out.contains("hoist migrate") && out.contains("hoist:allow") && out.contains("hoist baseline"), "{out}");
    assert_no_leak(&out, &[&old, &new]);
}

#[test]
fn the_index_is_scanned_not_the_work_tree() {
    let repo = Repo::new();
    repo.write("README.md", "hello\n");
    repo.commit_all("start");
    let t = repo.token();
    // Secret only in the work tree (not staged): passes.
    repo.write("config.env", &format!("AWS_KEY={t}\n"));
    let (code, out) = staged(&repo);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("nothing staged"), "{out}");
    // Staged, then removed from the work tree: the commit would still add it, so it blocks.
    repo.git(&["add", "config.env"]);
    repo.write("config.env", "AWS_KEY=\n");
    let (code, out) = staged(&repo);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("config.env:1:9"), "{out}");
    assert_no_leak(&out, &[&t]);
}

#[test]
fn renames_report_only_changed_lines_and_deletions_nothing() {
    let repo = Repo::new();
    let (old, new) = (repo.token(), repo.token());
    let body: String = (0..30).map(|i| format!("line_{i} = {i}\n")).collect();
    repo.write("old name.py", &format!("{body}KEY = \"{old}\"\n"));
    repo.write("gone.py", &format!("KEY = \"{}\"\n", repo.token()));
    repo.commit_all("start");
    repo.git(&["mv", "old name.py", "new name.py"]);
    repo.git(&["rm", "-q", "gone.py"]);
    let (code, out) = staged(&repo);
    assert_eq!(code, 0, "pure rename and deletion add nothing:\n{out}");
    repo.write("new name.py", &format!("{body}KEY = \"{old}\"\nOTHER = \"{new}\"\n"));
    repo.git(&["add", "-A"]);
    let status = repo.git(&["diff", "--cached", "--name-status", "-M"]);
    assert!(status.starts_with('R') || status.contains("\nR"), "git sees a rename: {status}");
    let (code, out) = staged(&repo);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("new name.py:32:"), "{out}");
    assert!(!out.contains("new name.py:31:"), "{out}");
    assert_no_leak(&out, &[&old, &new]);
}

#[test]
fn unborn_branch_and_unusual_paths() {
    let repo = Repo::new();
    let t = repo.token();
    repo.write("dir with space/naïve ü.py", &format!("token = \"{t}\"\n"));
    repo.write("plain.txt", "nothing\n");
    repo.git(&["add", "-A"]);
    let (code, out) = staged(&repo);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("dir with space/naïve ü.py:1:10"), "{out}");
    assert!(out.contains("scanned 2 file(s)"), "{out}");
    assert_no_leak(&out, &[&t]);
}

#[test]
fn binary_files_and_submodules_are_skipped_and_said_so() {
    let repo = Repo::new();
    repo.write("README.md", "hi\n");
    repo.commit_all("start");
    let head = repo.head();
    let t = repo.token();
    std::fs::write(repo.path().join("blob.dat"), format!("\0\x01binary {t}\0").as_bytes()).unwrap();
    repo.git(&["add", "blob.dat"]);
    repo.git(&["update-index", "--add", "--cacheinfo", &format!("160000,{head},vendor/lib")]);
    let (code, out) = staged(&repo);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("1 binary"), "{out}");
    assert!(out.contains("1 submodule(s) not scanned"), "{out}");
}

#[test]
fn text_that_git_diffs_as_binary_is_scanned_whole() {
    let repo = Repo::new();
    repo.write(".gitattributes", "*.cfg -diff\n");
    repo.commit_all("start");
    let t = repo.token();
    repo.write("deploy.cfg", &format!("[aws]\nkey = {t}\n"));
    repo.git(&["add", "-A"]);
    let (code, out) = staged(&repo);
    assert_eq!(code, 1, "a -diff attribute must not hide a secret:\n{out}");
    assert!(out.contains("deploy.cfg:2:7"), "{out}");
    assert!(out.contains("scanned whole"), "{out}");
    assert_no_leak(&out, &[&t]);
}

#[test]
fn inline_allow_lets_a_line_through() {
    let repo = Repo::new();
    let t = repo.token();
    repo.write("test_fixture.py", &format!("KEY = \"{t}\"  # hoist:allow\n"));
    repo.git(&["add", "-A"]);
    let (code, out) = staged(&repo);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("1 finding(s) allowed by inline markers"), "{out}");
}

#[test]
fn json_output_and_subdirectory_invocation() {
    let repo = Repo::new();
    let t = repo.token();
    repo.write("src/a.py", &format!("KEY = \"{t}\"\n"));
    repo.git(&["add", "-A"]);
    let o = repo
        .hoist_with::<&str>(&[])
        .current_dir(repo.path().join("src"))
        .args(["scan", "--staged", "-f", "json"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v[0]["path"], "src/a.py");
    assert_eq!(v[0]["rule"], "aws.access-key-id");
    assert_no_leak(&text(&o), &[&t]);
}

#[test]
fn errors_exit_2_and_never_pass() {
    let outside = tempfile::tempdir().unwrap();
    // Every shape lies in both trees: an error path must not print any of them either.
    let values = plant_shapes(outside.path());
    let o = Hoist::new(&values)
        .args(["scan", "--staged"])
        .current_dir(outside.path())
        .env("GIT_CEILING_DIRECTORIES", outside.path().parent().unwrap())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("not inside a git work tree"), "{}", text(&o));

    let repo = Repo::new();
    repo.plant(&plant_shapes(repo.path()));
    let o = repo.hoist_with::<&str>(&[]).env("PATH", "/nonexistent").args(["scan", "--staged"]).output().unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("cannot run git"), "{}", text(&o));
}

#[test]
fn config_excludes_apply_to_staged_files() {
    let repo = Repo::new();
    let t = repo.token();
    repo.write(".hoist.toml", "[scan]\nexclude = [\"fixtures/**\"]\n");
    repo.write("fixtures/keys.py", &format!("KEY = \"{t}\"\n"));
    repo.git(&["add", "-A"]);
    let (code, out) = staged(&repo);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("1 file(s) excluded"), "{out}");
}

/// The hook takes each text file's staged content from the diff itself (unlimited context, no
/// second read from the object store), so it must be the index bytes exactly, whatever the file
/// holds (lines that look like diff syntax, CRLF, blank lines, no final newline) and however diffs
/// are configured: every finding lands where a scan of the same bytes puts it.
#[test]
fn the_content_the_diff_carries_is_the_index_content() {
    let repo = Repo::new();
    for (k, v) in [
        ("diff.suppressBlankEmpty", "true"),
        ("diff.noprefix", "true"),
        ("diff.mnemonicPrefix", "true"),
        ("diff.algorithm", "patience"),
        ("diff.context", "1"),
        ("color.diff", "always"),
        ("core.autocrlf", "false"),
    ] {
        repo.git(&["config", k, v]);
    }
    let tricky = "+plus\n-minus\n@@ -1 +1 @@\ndiff --git a/x b/x\n\\ backslash\n\n \n\r\nend\r\n";
    let (t1, t2, t3) = (repo.token(), repo.token(), repo.token());
    repo.write("app/a.py", &format!("A = 1\r\n{tricky}B = 2\n"));
    repo.commit_all("start");
    repo.write("app/a.py", &format!("A = 1\r\nAWS_KEY = \"{t1}\"\r\n{tricky}B = 2\nKEY = \"{t3}\""));
    repo.write("new.env", &format!("{tricky}\n\nAWS_KEY={t2}"));
    repo.git(&["add", "-A"]);
    let places = |out: &std::process::Output| -> Vec<(String, u64, u64)> {
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", text(out)));
        let mut p: Vec<_> = v
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                (f["path"].as_str().unwrap().to_string(), f["line"].as_u64().unwrap(), f["column"].as_u64().unwrap())
            })
            .collect();
        p.sort();
        p
    };
    let staged = repo.run(&["scan", "--staged", "--format", "json"]);
    assert_eq!(staged.status.code(), Some(1), "{}", text(&staged));
    let tree = repo.run(&["scan", "app/a.py", "new.env", "--format", "json"]);
    let (staged, tree) = (places(&staged), places(&tree));
    assert_eq!(staged.len(), 3, "{staged:?}");
    assert_eq!(staged, tree, "the staged scan and a scan of the same bytes disagree");
    assert!(staged.contains(&("app/a.py".to_string(), 2, 12)), "{staged:?}");
}
