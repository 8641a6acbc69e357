//! Running git: one place that spawns it, turns "git missing" and "not a repository" into typed
//! errors, and streams blobs out of the object store through a single `git cat-file --batch`.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The tree with no entries: what a commit on an unborn branch is compared against.
pub const EMPTY_TREE: &str = "4b825dc642cb6eb9a060e54bf8d69288fbee4904";

/// Why a git operation failed.
#[derive(Debug, thiserror::Error)]
pub enum GitError {
    /// The `git` executable could not be started.
    #[error("cannot run git ({0}); is git installed and on PATH?")]
    Missing(std::io::Error),
    /// The directory is not inside a git work tree.
    #[error("{dir} is not inside a git work tree: {message}")]
    NotARepo {
        /// Where we looked.
        dir: PathBuf,
        /// git's own words.
        message: String,
    },
    /// git ran and failed.
    #[error("`git {args}` failed: {message}")]
    Failed {
        /// The arguments, for the message.
        args: String,
        /// git's stderr.
        message: String,
    },
    /// git's output did not have the expected shape.
    #[error("unexpected output from `git {args}`: {message}")]
    Parse {
        /// The arguments.
        args: String,
        /// What was wrong.
        message: String,
    },
    /// Reading or writing git's pipes failed.
    #[error("talking to git: {0}")]
    Io(#[from] std::io::Error),
}

/// A git work tree, addressed by a directory inside it.
#[derive(Clone, Debug)]
pub struct Git {
    dir: PathBuf,
}

/// Where a repository keeps things, as `git rev-parse` reports them (absolute paths).
#[derive(Clone, Debug)]
pub struct RepoPaths {
    /// Top of the work tree.
    pub toplevel: PathBuf,
    /// The directory hooks run from (`core.hooksPath` respected; shared by linked worktrees).
    pub hooks: PathBuf,
    /// The common git directory (the main `.git` for linked worktrees).
    pub common_dir: PathBuf,
}

impl Git {
    /// git run from `dir`.
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Self { dir: dir.into() }
    }

    /// The directory git runs from.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new("git");
        // Hooks run with GIT_DIR/GIT_INDEX_FILE set by git itself; those are inherited on purpose
        // (a `git commit -a` hook must read the temporary index). Colour and pagers never help here.
        cmd.current_dir(&self.dir).args(["-c", "color.ui=never", "--no-pager"]).args(args);
        cmd.stdin(Stdio::null());
        cmd
    }

    /// Runs git and returns stdout; a non-zero exit is an error carrying stderr.
    pub fn output(&self, args: &[&str]) -> Result<Vec<u8>, GitError> {
        let out = self.command(args).output().map_err(GitError::Missing)?;
        if !out.status.success() {
            return Err(self.failure(args, &out.stderr));
        }
        Ok(out.stdout)
    }

    fn failure(&self, args: &[&str], stderr: &[u8]) -> GitError {
        let message = String::from_utf8_lossy(stderr).trim().to_string();
        if message.contains("not a git repository") || message.contains("must be run in a work tree") {
            GitError::NotARepo { dir: std::path::absolute(&self.dir).unwrap_or_else(|_| self.dir.clone()), message }
        } else {
            GitError::Failed { args: args.join(" "), message }
        }
    }

    /// The repository's locations, in one `git rev-parse`.
    pub fn repo_paths(&self) -> Result<RepoPaths, GitError> {
        let args = ["rev-parse", "--show-toplevel", "--git-path", "hooks", "--git-common-dir"];
        let out = self.output(&args)?;
        let text = String::from_utf8_lossy(&out);
        let mut lines = text.lines();
        let mut next = |what: &str| {
            lines
                .next()
                .filter(|l| !l.is_empty())
                .map(|l| self.dir.join(l))
                .ok_or_else(|| GitError::Parse { args: args.join(" "), message: format!("no {what} line") })
        };
        let toplevel = next("toplevel")?;
        let hooks = next("hooks")?;
        let common_dir = next("common dir")?;
        Ok(RepoPaths { toplevel, hooks, common_dir })
    }

    /// The top of the work tree and HEAD (if any), in one process.
    pub fn toplevel_and_head(&self) -> Result<(PathBuf, Option<String>), GitError> {
        let args = ["rev-parse", "--show-toplevel", "-q", "--verify", "HEAD^{commit}"];
        let out = self.command(&args).output().map_err(GitError::Missing)?;
        let text = String::from_utf8_lossy(&out.stdout);
        let mut lines = text.lines();
        let Some(top) = lines.next().filter(|l| !l.is_empty()) else {
            return Err(self.failure(&args, &out.stderr));
        };
        let head = match out.status.code() {
            Some(0) => lines.next().map(str::to_string),
            Some(1) => None,
            _ => return Err(self.failure(&args, &out.stderr)),
        };
        Ok((self.dir.join(top), head))
    }

    /// The top of the work tree when git would certainly find the same one by walking up from
    /// this directory to a plain `.git` directory, so the pre-commit hook needs no `git rev-parse`
    /// process (~2–3 ms of CPU beside the diff). `None` whenever git could decide otherwise:
    /// `GIT_DIR`/`GIT_WORK_TREE`-style variables (git sets `GIT_DIR` for a linked worktree's hooks),
    /// a `.git` file (worktree, submodule), a config that names a work tree, is bare, or includes
    /// other files, or a `.git` directory that is not a repository (git walks past it).
    pub fn plain_toplevel(&self) -> Option<PathBuf> {
        const ENV: &[&str] = &[
            "GIT_DIR",
            "GIT_WORK_TREE",
            "GIT_COMMON_DIR",
            "GIT_CEILING_DIRECTORIES",
            "GIT_DISCOVERY_ACROSS_FILESYSTEM",
        ];
        if ENV.iter().any(|v| std::env::var_os(v).is_some()) {
            return None;
        }
        let start = std::fs::canonicalize(&self.dir).ok()?;
        let top = start.ancestors().find(|d| d.join(".git").symlink_metadata().is_ok())?;
        let git_dir = top.join(".git");
        if !git_dir.symlink_metadata().ok()?.is_dir()
            || !git_dir.join("HEAD").is_file()
            || !git_dir.join("objects").is_dir()
        {
            return None;
        }
        let config = std::fs::read_to_string(git_dir.join("config")).ok()?;
        plain_config(&config).then(|| top.to_path_buf())
    }

    /// Starts git with stdout piped (stderr captured) for output too large to hold: the caller
    /// reads the stream and then calls [`Git::finish`].
    pub fn spawn_stdout(&self, args: &[&str]) -> Result<std::process::Child, GitError> {
        self.command(args).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().map_err(GitError::Missing)
    }

    /// Waits for a child started by [`Git::spawn_stdout`]; a non-zero exit is an error carrying stderr.
    pub fn finish(&self, args: &[&str], child: std::process::Child) -> Result<(), GitError> {
        let out = child.wait_with_output()?;
        if !out.status.success() {
            return Err(self.failure(args, &out.stderr));
        }
        Ok(())
    }

    /// The sizes of `ids` (blob ids), in order, from one `git cat-file --batch-check` (object
    /// headers only: git inflates nothing but the start of each object).
    pub fn blob_sizes(&self, ids: &[&str]) -> Result<Vec<u64>, GitError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let args = ["cat-file", "--batch-check"];
        let (child, writer) = self.cat_file(&args, ids)?;
        let out = child.wait_with_output()?;
        writer.join().unwrap_or_else(|_| Err(std::io::Error::other("writer thread panicked")))?;
        if !out.status.success() {
            return Err(self.failure(&args, &out.stderr));
        }
        let text = String::from_utf8_lossy(&out.stdout);
        let mut lines = text.lines();
        ids.iter().map(|id| blob_header(&args, id, lines.next().unwrap_or_default())).collect()
    }

    /// Starts `git cat-file` (`args`) and writes `ids` to it from a thread: with thousands of ids
    /// the request outgrows the pipe buffer while git blocks writing answers not read yet.
    fn cat_file(
        &self,
        args: &[&str],
        ids: &[&str],
    ) -> Result<(std::process::Child, std::thread::JoinHandle<std::io::Result<()>>), GitError> {
        let mut child = self
            .command(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(GitError::Missing)?;
        let mut stdin = child.stdin.take().expect("piped");
        let request: String = ids.iter().map(|id| format!("{id}\n")).collect();
        Ok((child, std::thread::spawn(move || stdin.write_all(request.as_bytes()))))
    }

    /// Streams the contents of `ids` (blob ids) from one `git cat-file --batch`, calling `each`
    /// with the index into `ids`, the object size, and a reader limited to the object's bytes.
    /// `each` may read all, some or none of the bytes; the rest is drained.
    pub fn cat_blobs(
        &self,
        ids: &[&str],
        mut each: impl FnMut(usize, u64, &mut dyn Read) -> Result<(), GitError>,
    ) -> Result<(), GitError> {
        if ids.is_empty() {
            return Ok(());
        }
        let args = ["cat-file", "--batch"];
        let (mut child, writer) = self.cat_file(&args, ids)?;
        let mut reader = BufReader::with_capacity(1 << 16, child.stdout.take().expect("piped"));
        let result: Result<(), GitError> = (|| {
            let mut header = Vec::new();
            for (i, id) in ids.iter().enumerate() {
                header.clear();
                reader.read_until(b'\n', &mut header)?;
                let size = blob_header(&args, id, &String::from_utf8_lossy(&header))?;
                let mut body = (&mut reader).take(size);
                each(i, size, &mut body)?;
                std::io::copy(&mut body, &mut std::io::sink())?;
                let mut nl = [0u8; 1];
                reader.read_exact(&mut nl)?;
            }
            Ok(())
        })();
        drop(reader);
        let wrote = writer.join().unwrap_or_else(|_| Err(std::io::Error::other("writer thread panicked")));
        let out = child.wait_with_output()?;
        result?;
        wrote?;
        if !out.status.success() {
            return Err(self.failure(&args, &out.stderr));
        }
        Ok(())
    }
}

/// The size in a `cat-file` answer header (`<id> blob <size>`) for blob `id`; anything else
/// (`missing`, another id or type) is a parse error.
fn blob_header(args: &[&str], id: &str, line: &str) -> Result<u64, GitError> {
    let mut parts = line.split_whitespace();
    match (parts.next(), parts.next(), parts.next().and_then(|s| s.parse().ok())) {
        (Some(got), Some("blob"), Some(size)) if got == id => Ok(size),
        _ => Err(GitError::Parse {
            args: args.join(" "),
            message: format!("asked for blob {id}, got {:?}", line.trim()),
        }),
    }
}

/// True when a repository config leaves the work tree where the `.git` directory is: no
/// `worktree` key, not bare, no `include`/`includeIf` that could say otherwise (any section:
/// a false alarm only costs the `rev-parse`).
fn plain_config(config: &str) -> bool {
    config.lines().all(|line| {
        let line = line.trim().to_ascii_lowercase();
        let (key, value) = line.split_once('=').map_or((line.as_str(), ""), |(k, v)| (k.trim(), v.trim()));
        !(key.starts_with("worktree")
            || line.starts_with("[include")
            || (key == "bare" && !matches!(value, "false" | "no" | "off" | "0")))
    })
}

/// True when `path` lies inside `dir`. Both are resolved through their nearest existing ancestor,
/// so a hooks directory that doesn't exist yet still compares correctly.
pub fn is_within(path: &Path, dir: &Path) -> bool {
    canonical(path).starts_with(canonical(dir))
}

fn canonical(p: &Path) -> PathBuf {
    let mut rest = Vec::new();
    let mut cur = p.to_path_buf();
    loop {
        if let Ok(c) = std::fs::canonicalize(&cur) {
            return rest.iter().rev().fold(c, |acc: PathBuf, part| acc.join(part));
        }
        match (cur.file_name().map(|n| n.to_os_string()), cur.parent()) {
            (Some(name), Some(parent)) => {
                rest.push(name);
                cur = parent.to_path_buf();
            }
            _ => return p.to_path_buf(),
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_a_config_that_keeps_the_work_tree_beside_dot_git_is_plain() {
        let init =
            "[core]\n\trepositoryformatversion = 0\n\tfilemode = true\n\tbare = false\n\tlogallrefupdates = true\n";
        assert!(super::plain_config(init));
        assert!(super::plain_config(""));
        assert!(!super::plain_config(&format!("{init}\tworktree = /elsewhere\n")));
        assert!(!super::plain_config("[core]\n\tbare = true\n"));
        assert!(!super::plain_config("[core]\n\tbare\n"));
        assert!(!super::plain_config("[includeIf \"gitdir:~/w/\"]\n\tpath = w.inc\n"));
        assert!(!super::plain_config("[include]\n\tpath = x\n"));
        // A remote or branch named like a key is only a false alarm's cost, but ordinary ones pass.
        assert!(super::plain_config(
            "[remote \"origin\"]\n\turl = git@h:o/r.git\n[branch \"main\"]\n\tremote = origin\n"
        ));
    }
}
