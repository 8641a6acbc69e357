//! The one way a CLI test runs hoist: [`Hoist`] is the binary with dummy credentials, no endpoint
//! inherited from the environment and `NO_COLOR`, and **every** `output()`/`assert()` goes
//! through the leak harness ([`crate::common::leak::Leak`]): stdout, stderr, every file under
//! `.hoist/`, and every new or changed file of the repository (rewritten files, generated helpers,
//! plans, baselines, hooks) are grepped for each planted value and every 6-character piece of it.
//! A test names the values it planted with [`Hoist::new`] (at least one: a check for nothing
//! would pass by construction; [`crate::common::leak::SHAPES`] holds one of every shape).
//!
//! The watched repository is [`Hoist::root`] if given, else the working directory, else the first
//! argument that names an existing directory (or a file's parent). [`checked`] runs any other
//! command (a `git commit` that fires the pre-commit hook, a rewritten app) through the same check.

use super::leak::Leak;
use super::moto::{Moto, hoist_bin};
use super::repo::Repo;
use std::ffi::{OsStr, OsString};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// The hoist binary under the leak harness (builder methods mirror `std::process::Command`).
pub struct Hoist {
    cmd: Command,
    values: Vec<String>,
    dir: Option<PathBuf>,
    root: Option<PathBuf>,
    args: Vec<OsString>,
    stdin: Option<Vec<u8>>,
    shows_secrets: bool,
    kept: Vec<String>,
}

impl Hoist {
    /// hoist with dummy credentials and no endpoint; `values` are the planted secrets to grep for.
    pub fn new<S: AsRef<str>>(values: &[S]) -> Hoist {
        Hoist::new_at(&hoist_bin(), values)
    }

    /// Like [`Hoist::new`] with another build of hoist (`program`), e.g. a copy that a shared
    /// target directory can't overwrite mid-test.
    pub fn new_at<S: AsRef<str>>(program: &Path, values: &[S]) -> Hoist {
        let mut cmd = Command::new(program);
        Moto::dummy_env(&mut cmd);
        cmd.env_remove("AWS_ENDPOINT_URL").env_remove("AWS_ENDPOINT_URL_SECRETS_MANAGER").env("NO_COLOR", "1");
        Hoist {
            cmd,
            values: values.iter().map(|v| v.as_ref().to_string()).collect(),
            dir: None,
            root: None,
            args: Vec::new(),
            stdin: None,
            shows_secrets: false,
            kept: Vec::new(),
        }
    }

    /// Like [`Hoist::new`], talking to `moto`.
    pub fn moto<S: AsRef<str>>(moto: &Moto, values: &[S]) -> Hoist {
        let mut h = Hoist::new(values);
        h.cmd.env("AWS_ENDPOINT_URL", &moto.endpoint);
        h
    }

    /// More planted values.
    pub fn values<S: AsRef<str>>(&mut self, values: &[S]) -> &mut Self {
        self.values.extend(values.iter().map(|v| v.as_ref().to_string()));
        self
    }

    /// One argument.
    pub fn arg<S: AsRef<OsStr>>(&mut self, arg: S) -> &mut Self {
        self.args.push(arg.as_ref().to_os_string());
        self.cmd.arg(arg);
        self
    }

    /// Arguments.
    pub fn args<I: IntoIterator<Item = S>, S: AsRef<OsStr>>(&mut self, args: I) -> &mut Self {
        for a in args {
            self.arg(a);
        }
        self
    }

    /// Working directory (also the watched repository unless [`Hoist::root`] says otherwise).
    pub fn current_dir<P: AsRef<Path>>(&mut self, dir: P) -> &mut Self {
        self.dir = Some(dir.as_ref().to_path_buf());
        self.cmd.current_dir(dir);
        self
    }

    /// The repository whose files are watched.
    pub fn root<P: AsRef<Path>>(&mut self, root: P) -> &mut Self {
        self.root = Some(root.as_ref().to_path_buf());
        self
    }

    /// An environment variable.
    pub fn env<K: AsRef<OsStr>, V: AsRef<OsStr>>(&mut self, k: K, v: V) -> &mut Self {
        self.cmd.env(k, v);
        self
    }

    /// Removes an environment variable.
    pub fn env_remove<K: AsRef<OsStr>>(&mut self, k: K) -> &mut Self {
        self.cmd.env_remove(k);
        self
    }

    /// Clears the whole environment (as `Command::env_clear`: no dummy credentials either).
    pub fn env_clear(&mut self) -> &mut Self {
        self.cmd.env_clear();
        self
    }

    /// Applies a fixture's environment to the command (e.g. [`Repo::env`]).
    pub fn with(&mut self, f: impl FnOnce(&mut Command)) -> &mut Self {
        f(&mut self.cmd);
        self
    }

    /// For a command whose job is to print values (`diff --show-secrets`): stdout is not checked;
    /// stderr and every file still are.
    pub fn shows_secrets_on_purpose(&mut self) -> &mut Self {
        self.shows_secrets = true;
        self
    }

    /// Planted values the test leaves in project files on purpose (a `manual` site): see
    /// [`Leak::keeping_in_files`]. They must also be among the planted values.
    pub fn keeps_in_files<S: AsRef<str>>(&mut self, values: &[S]) -> &mut Self {
        self.kept.extend(values.iter().map(|v| v.as_ref().to_string()));
        self
    }

    /// Bytes written to standard input.
    pub fn write_stdin<B: Into<Vec<u8>>>(&mut self, bytes: B) -> &mut Self {
        self.stdin = Some(bytes.into());
        self
    }

    /// The watched repository, if any.
    fn watched(&self) -> Option<PathBuf> {
        if let Some(r) = &self.root {
            return Some(r.clone());
        }
        if let Some(d) = &self.dir {
            return Some(d.clone());
        }
        self.args.iter().map(PathBuf::from).find_map(|p| {
            if p.is_dir() {
                Some(p)
            } else if p.is_file() {
                p.parent().map(Path::to_path_buf).filter(|d| !d.as_os_str().is_empty())
            } else {
                None
            }
        })
    }

    /// Runs hoist; fails the test when a planted value leaks anywhere. Returns the output (always
    /// `Ok`: a process that can't start fails the test; the `Result` keeps `Command`'s signature so
    /// a test moves onto the harness by changing only where its command comes from).
    pub fn output(&mut self) -> std::io::Result<Output> {
        let what = self.args.iter().map(|a| a.to_string_lossy()).collect::<Vec<_>>().join(" ");
        let root = self.watched();
        let values: Vec<&str> = self.values.iter().map(String::as_str).collect();
        let stdin = self.stdin.clone();
        let kept: Vec<&str> = self.kept.iter().map(String::as_str).collect();
        Ok(checked_at(root.as_deref(), &values, &kept, &what, &mut self.cmd, stdin, self.shows_secrets))
    }

    /// [`Hoist::output`] as an `assert_cmd` assertion.
    pub fn assert(&mut self) -> assert_cmd::assert::Assert {
        use assert_cmd::assert::OutputAssertExt;
        self.output().unwrap().assert()
    }

    /// stdout + stderr of [`Hoist::output`], with the exit code.
    pub fn run(&mut self) -> (Option<i32>, String) {
        let out = self.output().unwrap();
        (out.status.code(), text(&out))
    }
}

impl Repo {
    /// hoist in this repository (its environment, its working tree) under the leak harness for
    /// every value planted so far ([`Repo::plant`]) and `more`.
    pub fn hoist_with<S: AsRef<str>>(&self, more: &[S]) -> Hoist {
        let mut values = self.planted.borrow().clone();
        values.extend(more.iter().map(|v| v.as_ref().to_string()));
        let mut h = Hoist::new(&values);
        self.env(&mut h.cmd);
        h.current_dir(self.path());
        h
    }

    /// Runs hoist with `args` in this repository under the leak harness ([`Repo::hoist_with`]).
    pub fn run(&self, args: &[&str]) -> Output {
        self.hoist_with::<&str>(&[]).args(args).output().unwrap()
    }

    /// Any other command (a `git commit` firing the hook) under the leak harness.
    pub fn checked(&self, what: &str, cmd: &mut Command) -> Output {
        let values = self.planted.borrow().clone();
        let values: Vec<&str> = values.iter().map(String::as_str).collect();
        checked(self.path(), &values, what, cmd)
    }
}

/// Runs any command (a `git commit` firing the hook, a rewritten program) under the leak harness
/// for the repository `root`.
pub fn checked(root: &Path, values: &[&str], what: &str, cmd: &mut Command) -> Output {
    checked_at(Some(root), values, &[], what, cmd, None, false)
}

fn checked_at(
    root: Option<&Path>,
    values: &[&str],
    kept: &[&str],
    what: &str,
    cmd: &mut Command,
    stdin: Option<Vec<u8>>,
    skip_stdout: bool,
) -> Output {
    assert!(!values.is_empty(), "`{what}`: a leak-checked command needs the planted values to look for");
    let scratch;
    let root = match root {
        Some(r) => r,
        None => {
            scratch = tempfile::tempdir().unwrap();
            scratch.path()
        }
    };
    assert!(kept.iter().all(|k| values.contains(k)), "`{what}`: a kept value must be a planted one");
    let leak = Leak::watch(root, values).keeping_in_files(kept);
    let out = match stdin {
        None => cmd.output().unwrap_or_else(|e| panic!("`{what}`: cannot run: {e}")),
        Some(bytes) => {
            let mut child = cmd
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap_or_else(|e| panic!("`{what}`: cannot run: {e}"));
            // A command may exit before reading its input; that's its business.
            let _ = child.stdin.take().unwrap().write_all(&bytes);
            child.wait_with_output().unwrap()
        }
    };
    if skip_stdout {
        let mut rest = out.clone();
        rest.stdout.clear();
        leak.check(root, what, &rest);
    } else {
        leak.check(root, what, &out);
    }
    out
}

pub use super::repo::text;
