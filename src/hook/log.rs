//! What each commit in history changed, streamed from one `git log --raw -z` (tree diffs only: git
//! computes no content diff, so the log costs a fraction of the scan): a header per commit, then
//! the same raw records a staged diff has (read with `diff.rs`'s record reader), each naming the
//! new blob and the blob it replaced. The history scan reads the blobs itself.

use super::diff::{RAW_DIFF_FLAGS, StagedFile, path_from_bytes, raw_record};
use super::git::{Git, GitError};
use crate::model::CommitInfo;
use std::io::{BufRead, BufReader};

/// Starts each commit's header in the stream (never the first byte of a raw record, which is `:`).
const START: u8 = 0x01;
/// Ends the header.
const END: u8 = 0x02;
/// Separates the header's fields.
const SEP: char = '\u{1f}';

/// One commit and the files it adds or changes (deletions have nothing to scan).
#[derive(Clone, Debug)]
pub struct LogCommit {
    /// Who and when.
    pub info: CommitInfo,
    /// Each added, copied, modified, renamed or retyped file: its new blob, and the blob it
    /// replaced ([`StagedFile::old_blob`]). `lines` is not filled in (no patch is read).
    pub files: Vec<StagedFile>,
}

/// The `git log` arguments for `revs` (`HEAD`, `--all`, `A..B`…), limited to `paths` (pathspecs;
/// empty: the whole repository). The diff flags are the staged diff's ([`RAW_DIFF_FLAGS`]); merges
/// show no diff (their parents' commits are walked).
pub fn log_args(revs: &[String], paths: &[String]) -> Vec<String> {
    let mut args: Vec<String> = ["log", "--reverse", "--format=%x01hoist %H%x1f%aI%x1f%an%x1f%ae%x02", "--no-mailmap"]
        .map(String::from)
        .to_vec();
    args.extend(RAW_DIFF_FLAGS.iter().map(|f| f.to_string()));
    args.extend(revs.iter().cloned());
    args.push("--".into());
    args.extend(paths.iter().cloned());
    args
}

/// Streams the commits `revs` reach (touching `paths`, when given), oldest first, calling `each`
/// with every commit. `each` returning `false` stops early.
pub fn stream_log(
    git: &Git,
    revs: &[String],
    paths: &[String],
    mut each: impl FnMut(LogCommit) -> Result<bool, GitError>,
) -> Result<(), GitError> {
    let args = log_args(revs, paths);
    let argv: Vec<&str> = args.iter().map(String::as_str).collect();
    let mut child = git.spawn_stdout(&argv)?;
    let stdout = child.stdout.take().expect("piped");
    let mut reader = Reader { inner: BufReader::with_capacity(1 << 16, stdout), line: Vec::new() };
    let result = (|| {
        while let Some(commit) = reader.next_commit()? {
            if !each(commit)? {
                return Ok(false);
            }
        }
        Ok(true)
    })()
    .map_err(|e| match e {
        GitError::Parse { message, .. } => GitError::Parse { args: args.join(" "), message },
        e => e,
    });
    match result {
        Ok(true) => git.finish(&argv, child),
        Ok(false) => {
            // Stopped early: git may be blocked writing; it gets SIGPIPE once we stop reading.
            drop(reader);
            let _ = child.kill();
            let _ = child.wait();
            Ok(())
        }
        Err(e) => {
            drop(reader);
            // git's own complaint (a bad revision) explains more than a parse error on its output.
            match git.finish(&argv, child) {
                Err(git_err) => Err(git_err),
                Ok(()) => Err(e),
            }
        }
    }
}

struct Reader<R> {
    inner: BufReader<R>,
    line: Vec<u8>,
}

fn parse_err(message: impl Into<String>) -> GitError {
    GitError::Parse { args: "log".into(), message: message.into() }
}

impl<R: std::io::Read> Reader<R> {
    fn peek(&mut self) -> Result<Option<u8>, GitError> {
        Ok(self.inner.fill_buf()?.first().copied())
    }

    /// Skips the NULs and newlines git puts between a header and the raw records.
    fn skip_separators(&mut self) -> Result<(), GitError> {
        while let Some(b) = self.peek()? {
            if b != 0 && b != b'\n' {
                break;
            }
            self.inner.consume(1);
        }
        Ok(())
    }

    fn next_commit(&mut self) -> Result<Option<LogCommit>, GitError> {
        self.skip_separators()?;
        let Some(first) = self.peek()? else { return Ok(None) };
        if first != START {
            return Err(parse_err(format!("expected a commit header, got byte {first:#04x}")));
        }
        self.line.clear();
        self.inner.read_until(END, &mut self.line)?;
        let info = parse_header(&self.line)?;
        let mut files = Vec::new();
        // Raw records: `:meta\0path\0` (two paths for renames and copies), up to the next header.
        loop {
            self.skip_separators()?;
            match self.peek()? {
                None | Some(START) => break,
                Some(b':') => {}
                Some(b) => return Err(parse_err(format!("expected a raw record, got byte {b:#04x}"))),
            }
            let meta = self.field()?;
            let mut file = raw_record(&meta).map_err(parse_err)?;
            if file.has_source() {
                file.from = Some(path_from_bytes(&self.field()?));
            }
            file.path = path_from_bytes(&self.field()?);
            files.push(file);
        }
        Ok(Some(LogCommit { info, files }))
    }

    /// One NUL-terminated field, without the NUL.
    fn field(&mut self) -> Result<Vec<u8>, GitError> {
        let mut buf = Vec::new();
        self.inner.read_until(0, &mut buf)?;
        if buf.pop() != Some(0) {
            return Err(parse_err("raw record cut short"));
        }
        Ok(buf)
    }
}

/// `\x01hoist <id>\x1f<date>\x1f<name>\x1f<email>\x02`.
fn parse_header(bytes: &[u8]) -> Result<CommitInfo, GitError> {
    let text = String::from_utf8_lossy(bytes);
    let body = text
        .strip_prefix('\u{1}')
        .and_then(|t| t.strip_prefix("hoist "))
        .and_then(|t| t.strip_suffix('\u{2}'))
        .ok_or_else(|| parse_err("bad commit header"))?;
    let mut parts = body.split(SEP);
    let (Some(id), Some(date), Some(author), Some(email)) = (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(parse_err("commit header without its fields"));
    };
    if id.len() < 40 || !id.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(parse_err(format!("bad commit id {id:?}")));
    }
    Ok(CommitInfo { id: id.into(), date: date.into(), author: author.into(), email: email.into() })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn header(id: char) -> Vec<u8> {
        format!("\u{1}hoist {}\u{1f}2026-01-02T03:04:05+00:00\u{1f}A B\u{1f}a@b\u{2}\0\n", id.to_string().repeat(40))
            .into_bytes()
    }

    fn commits(stream: &[u8]) -> Vec<LogCommit> {
        let mut r = Reader { inner: BufReader::new(stream), line: Vec::new() };
        let mut out = Vec::new();
        while let Some(c) = r.next_commit().unwrap() {
            out.push(c);
        }
        out
    }

    #[test]
    fn splits_commits_and_reads_records_with_old_blobs() {
        let mut s = header('a');
        s.extend_from_slice(b":000000 100644 0000 1111 A\0x y.txt\0:100644 100644 2222 3333 R090\0old\0new\0");
        s.extend(header('b'));
        s.extend_from_slice(b":100644 100644 3333 4444 M\0new\0");
        // A merge: a header and nothing else.
        s.extend(header('c'));
        let got = commits(&s);
        assert_eq!(got.len(), 3);
        assert_eq!(got[0].info.id, "a".repeat(40));
        assert_eq!(got[0].info.author, "A B");
        assert_eq!(got[0].info.date, "2026-01-02T03:04:05+00:00");
        assert_eq!(got[0].files[0].path, PathBuf::from("x y.txt"));
        assert_eq!((got[0].files[0].blob.as_str(), got[0].files[0].old_blob.as_deref()), ("1111", None));
        assert_eq!(got[0].files[1].from, Some(PathBuf::from("old")));
        assert_eq!(got[0].files[1].path, PathBuf::from("new"));
        assert_eq!(got[0].files[1].old_blob.as_deref(), Some("2222"));
        assert_eq!((got[1].files[0].blob.as_str(), got[1].files[0].old_blob.as_deref()), ("4444", Some("3333")));
        assert!(got[2].files.is_empty());
    }

    #[test]
    fn pathspecs_follow_the_separator() {
        let args = log_args(&["HEAD".into()], &[":(top,literal)svc/api".into()]);
        let dashes = args.iter().position(|a| a == "--").unwrap();
        assert_eq!(args[dashes - 1], "HEAD");
        assert_eq!(args[dashes + 1..], [":(top,literal)svc/api".to_string()]);
        assert!(RAW_DIFF_FLAGS.iter().all(|f| args.iter().any(|a| a == f)));
    }

    #[test]
    fn garbage_is_a_parse_error() {
        let mut r = Reader { inner: BufReader::new(&b"not a log"[..]), line: Vec::new() };
        assert!(matches!(r.next_commit(), Err(GitError::Parse { .. })));
        let mut r = Reader { inner: BufReader::new(&b"\x01hoist zz\x02"[..]), line: Vec::new() };
        assert!(r.next_commit().is_err());
        let mut s = header('a');
        s.extend_from_slice(b"diff --git a/x b/x\n");
        let mut r = Reader { inner: BufReader::new(&s[..]), line: Vec::new() };
        assert!(matches!(r.next_commit(), Err(GitError::Parse { .. })));
    }
}
