//! The in-process staged reader (`hoist::hook::native`) against git itself: real repositories in
//! many states (edits, additions, deletions, renames, mode and type changes, symlinks, gitlinks,
//! binary files, CRLF, packed history, unborn and detached HEAD, worktrees, index v4, split index,
//! attributes, config), and for each the in-process answer must be exactly git's — or `None`
//! (git decides) where it doesn't know for sure, and then the public reader still gives git's.

mod common;
use common::git::{commit, git};
use hoist::hook::staged::{staged_files, staged_files_git};
use hoist::hook::{Git, NewLines, native};
use std::path::Path;

fn write(dir: &Path, rel: &str, content: impl AsRef<[u8]>) {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, content).unwrap();
}

fn init() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    git(dir.path(), &["init", "-q", "-b", "main"]);
    dir
}

/// The in-process answer equals git's (and is not a fallback).
#[track_caller]
fn same(dir: &Path) -> usize {
    let g = Git::new(dir);
    let want = staged_files_git(&g).unwrap();
    let got = native::staged_files(&g);
    assert_eq!(got.as_ref(), Some(&want), "in-process reader differs from git (or fell back)");
    want.len()
}

/// The in-process reader declines; the public reader still answers as git.
#[track_caller]
fn declined(dir: &Path) {
    let g = Git::new(dir);
    assert_eq!(native::staged_files(&g), None, "expected a fallback to git");
    assert_eq!(staged_files(&g).unwrap(), staged_files_git(&g).unwrap());
}

fn base() -> tempfile::TempDir {
    let dir = init();
    let d = dir.path();
    let body: String = (0..60).map(|i| format!("line {i} = {i}\n")).collect();
    write(d, "src/a.py", &body);
    write(d, "src/b.py", "def f():\n    return 1\n\n\ndef g():\n    return 2\n");
    write(d, "docs/readme.md", "hello\nworld\n");
    write(d, "top.txt", "top\n");
    for i in 0..30 {
        write(d, &format!("many/d{}/f{i}.txt", i % 4), format!("file {i}\n"));
    }
    commit(d, "base");
    dir
}

#[test]
fn edits_additions_and_deletions() {
    let dir = base();
    let d = dir.path();
    assert_eq!(same(d), 0, "nothing staged");
    let body: String = (0..60)
        .map(|i| if i == 30 { "inserted\nline 30 = 30\n".to_string() } else { format!("line {i} = {i}\n") })
        .collect();
    write(d, "src/a.py", &body);
    write(d, "src/b.py", "def f():\n    return 1\n\n\ndef h():\n    return 3\n\n\ndef g():\n    return 2\n");
    write(d, "new/c.yaml", "key: value\n");
    write(d, "empty.txt", "");
    git(d, &["add", "-A"]);
    assert_eq!(same(d), 4);
    // Deletions alongside edits only (no addition to pair them with): still in-process.
    git(d, &["reset", "-q"]);
    git(d, &["checkout", "-q", "--", "."]);
    std::fs::remove_file(d.join("new/c.yaml")).unwrap();
    std::fs::remove_file(d.join("empty.txt")).unwrap();
    git(d, &["rm", "-q", "docs/readme.md"]);
    write(d, "top.txt", "top\nmore\n");
    git(d, &["add", "-A"]);
    assert_eq!(same(d), 1);
    // A deletion and an addition may be a rename: git decides.
    write(d, "other.txt", "other\n");
    git(d, &["add", "-A"]);
    declined(d);
}

#[test]
fn renames_and_type_changes_go_to_git() {
    let dir = base();
    let d = dir.path();
    git(d, &["mv", "src/a.py", "src/renamed.py"]);
    declined(d);
    git(d, &["reset", "-q", "--hard"]);
    std::fs::remove_file(d.join("top.txt")).unwrap();
    std::os::unix::fs::symlink("src/a.py", d.join("top.txt")).unwrap();
    git(d, &["add", "-A"]);
    declined(d);
    git(d, &["reset", "-q", "--hard"]);
    // Edits in several places: the lines come from git's diff of the two blobs.
    let body: String = (0..60).map(|i| format!("line {i} = {}\n", if i % 20 == 5 { 99 } else { i })).collect();
    write(d, "src/a.py", &body);
    git(d, &["add", "-A"]);
    assert_eq!(same(d), 1);
}

#[test]
fn modes_symlinks_gitlinks_binary_crlf_and_work_tree_edits() {
    let dir = base();
    let d = dir.path();
    git(d, &["update-index", "--chmod=+x", "top.txt"]);
    std::os::unix::fs::symlink("docs/readme.md", d.join("link")).unwrap();
    write(d, "img.bin", b"\x89PNG\0\0\x01binary");
    write(d, "win.txt", "one\r\ntwo\r\nno newline");
    let sub = git(d, &["rev-parse", "HEAD"]);
    git(d, &["update-index", "--add", "--cacheinfo", &format!("160000,{},vendor/sub", sub.trim())]);
    git(d, &["add", "link", "img.bin", "win.txt"]);
    assert_eq!(same(d), 5);
    // Not `commit`: `add -A` would drop the gitlink, which has no work-tree directory.
    git(d, &["commit", "-qm", "more"]);
    // Mode and content together, a retargeted link, a binary edit, a gitlink update, CRLF edits.
    write(d, "top.txt", "top\nchanged\n");
    git(d, &["add", "top.txt"]);
    git(d, &["update-index", "--chmod=-x", "top.txt"]);
    std::fs::remove_file(d.join("link")).unwrap();
    std::os::unix::fs::symlink("top.txt", d.join("link")).unwrap();
    write(d, "img.bin", b"\x89PNG\0\0\x02binary!");
    write(d, "win.txt", "one\r\nTWO\r\nno newline");
    let tree = git(d, &["rev-parse", "HEAD^{tree}"]);
    git(d, &["update-index", "--cacheinfo", &format!("160000,{},vendor/sub", tree.trim())]);
    git(d, &["add", "link", "img.bin", "win.txt"]);
    // Staged, then edited again in the work tree: the index is what counts.
    write(d, "win.txt", "work tree only\n");
    assert_eq!(same(d), 5);
}

#[test]
fn packed_history_packed_refs_and_detached_head() {
    let dir = base();
    let d = dir.path();
    // Several versions of one file, so the pack holds deltas.
    for v in 0..5 {
        let body: String = (0..200).map(|i| format!("row {i} version {}\n", if i == v * 10 { v } else { 0 })).collect();
        write(d, "big.txt", &body);
        commit(d, &format!("v{v}"));
    }
    git(d, &["gc", "-q", "--aggressive"]);
    assert!(std::fs::read_dir(d.join(".git/objects/pack")).unwrap().count() >= 2, "packed");
    let body: String = (0..200)
        .map(|i| {
            format!(
                "row {i} version {}\n",
                match i {
                    10 => 1,
                    40 => 4,
                    77 => 9,
                    _ => 0,
                }
            )
        })
        .collect();
    write(d, "big.txt", &body);
    write(d, "src/b.py", "def f():\n    return 1\n");
    git(d, &["add", "-A"]);
    assert_eq!(same(d), 2);
    let body: String = (0..200).map(|i| format!("row {i} version {}\n", if i == 40 { 5 } else { 0 })).collect();
    write(d, "big.txt", &body);
    git(d, &["add", "-A"]);
    assert_eq!(same(d), 2);
    git(d, &["pack-refs", "--all"]);
    assert!(!d.join(".git/refs/heads/main").exists());
    assert_eq!(same(d), 2);
    git(d, &["stash", "-q"]);
    git(d, &["checkout", "-q", "--detach", "HEAD~2"]);
    write(d, "top.txt", "top\ndetached\n");
    git(d, &["add", "-A"]);
    assert_eq!(same(d), 1);
}

#[test]
fn unborn_branch_worktrees_and_index_v4() {
    let dir = init();
    let d = dir.path();
    write(d, "a.txt", "a\n");
    write(d, "dir/b.txt", "b\n");
    git(d, &["add", "-A"]);
    assert_eq!(same(d), 2, "unborn branch: everything is added");
    commit(d, "first");
    let wt = tempfile::tempdir().unwrap();
    let wt_path = wt.path().join("wt");
    git(d, &["worktree", "add", "-q", wt_path.to_str().unwrap()]);
    write(&wt_path, "a.txt", "a\nfrom the worktree\n");
    git(&wt_path, &["add", "-A"]);
    assert_eq!(same(&wt_path), 1);
    write(d, "dir/b.txt", "b\nv4\n");
    git(d, &["add", "-A"]);
    // A path of 4,095 bytes or more: its length is no longer in the entry's flags. Too long for
    // one system call, so it lives in the index only.
    let long: String = (0..21).map(|i| format!("{i:02}{}/", "d".repeat(200))).collect::<String>() + "leaf.txt";
    assert!(long.len() > 0xfff);
    let blob = git(d, &["rev-parse", ":a.txt"]);
    git(d, &["update-index", "--add", "--cacheinfo", &format!("100644,{},{long}", blob.trim())]);
    assert_eq!(same(d), 2);
    git(d, &["update-index", "--index-version", "4"]);
    assert_eq!(&std::fs::read(d.join(".git/index")).unwrap()[4..8], &[0, 0, 0, 4]);
    assert_eq!(same(d), 2);
}

#[test]
fn index_features_attributes_and_config_go_to_git() {
    let dir = base();
    let d = dir.path();
    write(d, "top.txt", "top\nsplit\n");
    git(d, &["add", "-A"]);
    git(d, &["update-index", "--split-index"]);
    declined(d);
    git(d, &["update-index", "--no-split-index"]);
    assert_eq!(same(d), 1);
    write(d, "intent.txt", "later\n");
    git(d, &["add", "-N", "intent.txt"]);
    declined(d);
    git(d, &["rm", "-q", "--cached", "intent.txt"]);
    assert_eq!(same(d), 1);
    // Attributes in a directory of a staged file (work tree only, untracked) or above it.
    write(d, "src/.gitattributes", "*.py -diff\n");
    write(d, "src/a.py", "changed\n");
    git(d, &["add", "src/a.py"]);
    declined(d);
    // …but not in a directory beside it.
    std::fs::rename(d.join("src/.gitattributes"), d.join("docs/.gitattributes")).unwrap();
    assert_eq!(same(d), 2);
    git(d, &["config", "diff.algorithm", "histogram"]);
    declined(d);
    git(d, &["config", "--unset", "diff.algorithm"]);
    git(d, &["config", "diff.colorMoved", "zebra"]);
    assert_eq!(same(d), 2);
}

#[test]
fn many_added_files_come_as_the_git_path_leaves_them() {
    let dir = base();
    let d = dir.path();
    for i in 0..40 {
        write(d, &format!("bulk/m{}/x{i}.txt", i % 3), format!("bulk {i}\n"));
    }
    write(d, "bulk-a", "sorted by path, not bytes\n");
    write(d, "top.txt", "top\nand an edit\n");
    git(d, &["add", "-A"]);
    assert_eq!(same(d), 42);
}

/// A tiny deterministic generator: the same cases on every run.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, n: usize) -> usize {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        ((self.0 >> 33) % n as u64) as usize
    }
}

#[test]
fn new_lines_are_gits_where_the_reader_answers() {
    // Lines that repeat and indent, so git's sliding and indent heuristic have choices to make.
    const WORDS: &[&str] = &["}\n", "\n", "fn x() {\n", "    a\n", "    b\n", "\tc\n", "d\n", "  \n", "}"];
    let dir = init();
    let d = dir.path();
    let mut rng = Lcg(7);
    let (mut answered, mut declined_count) = (0, 0);
    for case in 0..120 {
        let old: Vec<&str> = (0..rng.next(12)).map(|_| WORDS[rng.next(WORDS.len() - 1)]).collect();
        let mut new = old.clone();
        let at = rng.next(new.len() + 1);
        match case % 3 {
            0 => {
                let ins: Vec<&str> = (0..1 + rng.next(4)).map(|_| WORDS[rng.next(WORDS.len())]).collect();
                new.splice(at..at, ins);
            }
            1 if !new.is_empty() => {
                let end = (at + 1 + rng.next(3)).min(new.len());
                new.splice(at.min(new.len() - 1)..end, [WORDS[rng.next(WORDS.len())]]);
            }
            _ => new.push(WORDS[rng.next(WORDS.len())]),
        }
        write(d, "f.txt", old.concat());
        commit(d, "old");
        write(d, "f.txt", new.concat());
        git(d, &["add", "-A"]);
        let g = Git::new(d);
        let want = staged_files_git(&g).unwrap();
        assert_eq!(native::staged_files(&g).as_ref(), Some(&want), "case {case}");
        // And the part xdiff answers alone, where it does.
        match hoist::hook::xdiff::added_lines(old.concat().as_bytes(), new.concat().as_bytes()) {
            Some(lines) if want.is_empty() => assert!(lines.is_empty(), "case {case}"),
            Some(lines) => {
                assert_eq!(
                    want[0].lines,
                    NewLines::Some(lines),
                    "case {case}: {:?} -> {:?}",
                    old.concat(),
                    new.concat()
                );
                answered += 1;
            }
            None => declined_count += 1,
        }
    }
    assert!(answered > 50, "xdiff answered {answered}, declined {declined_count}");
}

/// A real `git commit` runs the hook with `GIT_INDEX_FILE` (and, in a linked worktree, `GIT_DIR`)
/// set: the in-process reader answers there, with the git path's findings.
#[test]
fn inside_git_commit_in_a_worktree_the_reader_answers_as_git() {
    let dir = base();
    let d = dir.path();
    let wt_parent = tempfile::tempdir().unwrap();
    let wt = wt_parent.path().join("wt");
    git(d, &["worktree", "add", "-q", wt.to_str().unwrap()]);
    let out = tempfile::tempdir().unwrap();
    let o = out.path().display();
    let bin = env!("CARGO_BIN_EXE_hoist");
    let hook = format!(
        "#!/bin/sh\nHOIST_TIMES=1 '{bin}' scan --staged --format json > {o}/native.json 2> {o}/times.txt\n\
         HOIST_STAGED_READER=git '{bin}' scan --staged --format json > {o}/git.json 2>/dev/null\n\
         env | grep '^GIT_DIR=' > {o}/env.txt\nexit 0\n"
    );
    let hooks = d.join(".git/hooks/pre-commit");
    std::fs::write(&hooks, hook).unwrap();
    std::fs::set_permissions(&hooks, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let key = common::repo::token();
    for (top, name) in [(d, "main"), (wt.as_path(), "worktree")] {
        write(top, "src/b.py", format!("def f():\n    return 1\n\nKEY = \"{key}\"\n"));
        write(top, "conf/new.env", format!("AWS_ACCESS_KEY_ID={key}\n"));
        git(top, &["add", "-A"]);
        git(top, &["commit", "-qm", name]);
        let read = |f: &str| std::fs::read_to_string(out.path().join(f)).unwrap();
        assert!(read("times.txt").contains("staged files read in-process"), "{name}: {}", read("times.txt"));
        assert_eq!(read("native.json"), read("git.json"), "{name}");
        assert!(read("native.json").contains("conf/new.env"), "{name}: the planted key is found");
        assert!(!read("native.json").contains(&key), "{name}: no value in the output");
        assert_eq!(read("env.txt").is_empty(), name == "main", "{name}: GIT_DIR is set in worktree hooks only");
    }
}
