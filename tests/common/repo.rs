//! A real git repository in a temp dir with a pinned identity and no global or system config,
//! the hoist binary, and test-made tokens. Included as `common::repo` (where
//! `common::cli` adds [`Repo::run`], the leak-checked way to run hoist in it) and, by path, as
//! `hook_util` for tests that don't use `common`. `Repo::hoist` runs hoist unchecked: a test
//! that uses it must check outputs itself (prefer `Repo::run`).
#![allow(dead_code)]

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The hoist binary under test.
pub fn hoist_bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_hoist"))
}

/// A fresh AWS access key id the built-in rules detect: `AKIA` and 16 random base32 characters,
/// all different. (Drawn with repeats, about 3 in 10,000 came out as a low-entropy run or held a
/// word like `TODO` that the rules rightly refuse: a rare, random test failure.)
pub fn token() -> String {
    let mut alphabet: Vec<u8> = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".to_vec();
    let mut out = String::from("AKIA");
    while out.len() < 20 {
        let mut h = RandomState::new().build_hasher();
        h.write_usize(out.len());
        let n = h.finish() as usize;
        out.push(alphabet.swap_remove(n % alphabet.len()) as char);
    }
    out
}

/// A git repository in a temp dir.
pub struct Repo {
    pub dir: tempfile::TempDir,
    home: tempfile::TempDir,
    /// The values planted in the repository ([`Repo::plant`]): what `Repo::run` greps for.
    pub planted: std::cell::RefCell<Vec<String>>,
}

/// Output as one string (stdout, then stderr).
pub fn text(o: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

/// Asserts none of `secrets` appears in `output`.
pub fn assert_no_leak(output: &str, secrets: &[&str]) {
    for s in secrets {
        assert!(!output.contains(s), "secret value leaked into output:\n{output}");
    }
}

impl Repo {
    /// `git init` with branch `main`.
    pub fn new() -> Self {
        let r =
            Self { dir: tempfile::tempdir().unwrap(), home: tempfile::tempdir().unwrap(), planted: Default::default() };
        r.git(&["init", "-q", "-b", "main", "."]);
        r
    }

    /// Records planted values (every later `Repo::run` greps for them); returns the first.
    pub fn plant<S: AsRef<str>>(&self, values: &[S]) -> String {
        self.planted.borrow_mut().extend(values.iter().map(|v| v.as_ref().to_string()));
        values.first().map(|v| v.as_ref().to_string()).unwrap_or_default()
    }

    /// A [`token`] recorded as planted.
    pub fn token(&self) -> String {
        self.plant(&[token()])
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// The environment every process gets: identity pinned, no user or system git config.
    pub fn env(&self, cmd: &mut Command) {
        cmd.env("HOME", self.home.path())
            .env("XDG_CONFIG_HOME", self.home.path())
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_AUTHOR_NAME", "Hoist Test")
            .env("GIT_AUTHOR_EMAIL", "test@example.invalid")
            .env("GIT_COMMITTER_NAME", "Hoist Test")
            .env("GIT_COMMITTER_EMAIL", "test@example.invalid")
            .env("AWS_ACCESS_KEY_ID", "test")
            .env("AWS_SECRET_ACCESS_KEY", "test")
            .env("AWS_REGION", "us-east-1")
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .env("NO_COLOR", "1")
            .env_remove("GIT_DIR")
            .env_remove("GIT_INDEX_FILE")
            .env_remove("GIT_WORK_TREE");
    }

    /// A command run in the repository with the test environment.
    pub fn cmd(&self, program: impl AsRef<std::ffi::OsStr>) -> Command {
        let mut c = Command::new(program);
        c.current_dir(self.path());
        self.env(&mut c);
        c
    }

    /// Runs git; panics with its output when it fails.
    pub fn git(&self, args: &[&str]) -> String {
        let o = self.cmd("git").args(args).output().unwrap();
        assert!(o.status.success(), "git {args:?} failed:\n{}", text(&o));
        String::from_utf8_lossy(&o.stdout).into_owned()
    }

    /// Runs git and returns the whole output, whatever the exit status.
    pub fn git_output(&self, args: &[&str]) -> Output {
        self.cmd("git").args(args).output().unwrap()
    }

    /// Runs hoist in the repository, unchecked (see the module note).
    pub fn hoist(&self, args: &[&str]) -> Output {
        self.cmd(hoist_bin()).args(args).output().unwrap()
    }

    /// Writes a file (creating folders).
    pub fn write(&self, rel: &str, content: &str) {
        let p = self.path().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, content).unwrap();
    }

    /// Stages everything and commits without hooks.
    pub fn commit_all(&self, msg: &str) {
        self.git(&["add", "-A"]);
        self.git(&["commit", "-q", "--no-verify", "-m", msg]);
    }

    /// HEAD's commit id.
    pub fn head(&self) -> String {
        self.git(&["rev-parse", "HEAD"]).trim().to_string()
    }
}
