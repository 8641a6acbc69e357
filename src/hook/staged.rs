//! Reading the staged changes from git. One `git diff --cached --raw -p` with unlimited context
//! carries every text file's staged content, which suits the usual commit of a few files. For a
//! commit that adds many files, git's patch is the slow part (~0.1 ms of git's CPU per added file,
//! mostly reading loose objects and printing every line with a `+`): once the raw records show many
//! added files the diff is stopped, a second diff prints patches for the other files only, and each
//! added file's bytes are read from the work tree and kept only when they hash to the blob id the
//! index holds — the same bytes, verified; any other file is read from the object store as before.

use super::diff::{NewLines, PATCH_FLAGS, RAW_DIFF_FLAGS, StagedContent, StagedFile, parse, raw_records};
use super::git::{Git, GitError};
use rayon::prelude::*;
use sha1::{Digest, Sha1};
use std::io::Read;
use std::path::Path;

/// From this many added regular files on, their content comes from the work tree (verified)
/// instead of git's patch. Below it one diff is cheaper than two.
pub const MANY_ADDED: usize = 32;

/// File modes of regular files (the ones with content to read).
fn regular(mode: u32) -> bool {
    matches!(mode, 0o100644 | 0o100755)
}

fn diff_args(extra: &[&'static str]) -> Vec<&'static str> {
    let mut args = vec!["diff", "--cached"];
    args.extend_from_slice(RAW_DIFF_FLAGS);
    args.extend_from_slice(extra);
    args.extend_from_slice(PATCH_FLAGS);
    args.push("--");
    args
}

/// Every staged change the commit would make, except deletions: read in-process
/// ([`super::native`]) when it is certain to give git's answer, else from git
/// ([`staged_files_git`]). `HOIST_STAGED_READER=git` always asks git (for comparing the two).
pub fn staged_files(git: &Git) -> Result<Vec<StagedFile>, GitError> {
    if std::env::var_os("HOIST_STAGED_READER").is_none_or(|v| v != "git")
        && let Some(files) = super::native::staged_files(git)
    {
        super::times::mark("staged files read in-process");
        return Ok(files);
    }
    staged_files_git(git)
}

/// Every staged change the commit would make, except deletions (nothing to scan there). No commit
/// named: against HEAD, or every staged file on an unborn branch (so no HEAD lookup has to come
/// first). Every option that user config could change is pinned ([`RAW_DIFF_FLAGS`]). When the
/// commit adds [`MANY_ADDED`] files or more, the added files come without content (for
/// [`fill_from_worktree`]) and with every line new.
pub fn staged_files_git(git: &Git) -> Result<Vec<StagedFile>, GitError> {
    let args = diff_args(&[]);
    let parse_err = |args: &[&str], message: String| GitError::Parse { args: args.join(" "), message };
    let mut child = git.spawn_stdout(&args)?;
    super::times::mark("git diff started");
    let mut stdout = child.stdout.take().expect("piped");
    let mut out = Vec::new();
    let mut chunk = vec![0u8; 1 << 16];
    let mut decided = false;
    loop {
        let n = stdout.read(&mut chunk)?;
        if n == 0 {
            break;
        }
        out.extend_from_slice(&chunk[..n]);
        if decided {
            continue;
        }
        let Some((files, _)) = raw_records(&out, false).map_err(|m| parse_err(&args, m))? else { continue };
        decided = true;
        if files.iter().filter(|f| f.status == 'A' && regular(f.mode)).count() >= MANY_ADDED {
            // The raw records are all this needs from this diff.
            let _ = child.kill();
            let _ = child.wait();
            return without_added_patches(git, files);
        }
    }
    drop(stdout);
    super::times::mark("git diff output read");
    git.finish(&args, child)?;
    parse(&out).map_err(|m| parse_err(&args, m))
}

/// The staged files of a commit that adds many: the added ones (from `raw`) without content and
/// every line new; the others (modified, renamed, copied, type changed) with their patches, from a
/// diff that leaves additions out (the same rename pairs: detection runs before the filter).
fn without_added_patches(git: &Git, raw: Vec<StagedFile>) -> Result<Vec<StagedFile>, GitError> {
    let (mut files, others): (Vec<StagedFile>, Vec<StagedFile>) = raw.into_iter().partition(|f| f.status == 'A');
    for f in &mut files {
        f.lines = NewLines::All;
        f.content = None;
    }
    if !others.is_empty() {
        let args = diff_args(&["--diff-filter=a"]);
        let out = git.output(&args)?;
        files.extend(parse(&out).map_err(|message| GitError::Parse { args: args.join(" "), message })?);
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}

/// Reads each added regular file that came without content from the work tree at `top` (in
/// parallel) and keeps its bytes when they are the staged blob: their git blob id (SHA-1 of
/// `blob <len>\0` + bytes) equals the one the index holds. A file edited since `git add`, a
/// line-ending or clean filter, a file over `max` bytes or a SHA-256 repository keeps `None`, and is
/// read from the object store.
pub fn fill_from_worktree(top: &Path, files: &mut [StagedFile], max: u64) {
    let wanted = |f: &StagedFile| f.status == 'A' && f.content.is_none() && regular(f.mode);
    // The usual commit has none: no thread pool is started for it.
    if !files.iter().any(wanted) {
        return;
    }
    files.par_iter_mut().filter(|f| wanted(f)).for_each(|f| {
        if f.blob.len() != 40 {
            return;
        }
        let path = top.join(&f.path);
        // Never follow a symlink the work tree has where the index has a file.
        let Ok(meta) = std::fs::symlink_metadata(&path) else { return };
        if !meta.is_file() || meta.len() > max {
            return;
        }
        let Ok(bytes) = std::fs::read(&path) else { return };
        if blob_id(&bytes) == f.blob {
            f.content = Some(StagedContent(bytes));
        }
    });
}

/// git's object id of a blob holding `bytes` (SHA-1 object format), in hex.
fn blob_id(bytes: &[u8]) -> String {
    let mut h = Sha1::new();
    h.update(format!("blob {}\0", bytes.len()).as_bytes());
    h.update(bytes);
    hex::encode(h.finalize())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blob_ids_are_gits() {
        // `printf 'hello\n' | git hash-object --stdin`, and the empty blob.
        assert_eq!(blob_id(b"hello\n"), "ce013625030ba8dba906f756967f9e9ca394464a");
        assert_eq!(blob_id(b""), "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391");
    }

    #[test]
    fn the_raw_section_is_over_only_when_a_field_after_it_begins() {
        let raw = b":000000 100644 0000 eeee A\0a.txt\0:100644 100644 aaaa bbbb R090\0old\0new\0";
        for cut in 0..raw.len() {
            assert_eq!(raw_records(&raw[..cut], false).unwrap().map(|(f, _)| f.len()), None, "cut at {cut}");
        }
        assert_eq!(raw_records(raw, false).unwrap().map(|(f, _)| f.len()), None);
        let mut with_patch = raw.to_vec();
        with_patch.extend_from_slice(b"\0diff --git");
        let (files, used) = raw_records(&with_patch, false).unwrap().unwrap();
        assert_eq!((files.len(), used), (2, raw.len()));
        assert_eq!(files[1].from.as_deref(), Some(Path::new("old")));
        assert_eq!(raw_records(raw, true).unwrap().unwrap().0.len(), 2);
    }
}
