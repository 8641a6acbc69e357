//! A minimal expect-style harness over a real pseudo-terminal (`openpty(3)`), so the CLI tests see
//! what a person at a terminal sees: stdin, stdout and stderr of the child are the pty's slave side,
//! it is the session leader with the pty as its controlling terminal, and the test reads the master
//! side (what would be drawn) and types into it. Works without a terminal of its own (CI has no
//! stdin). Every wait has a deadline: a hang fails the test with the transcript instead of blocking.
#![allow(dead_code)]

use std::fs::File;
use std::io::{Read, Write};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long any single step may take before the test fails as a hang.
pub const STEP: Duration = Duration::from_secs(30);

/// A child process running on a pseudo-terminal.
pub struct Pty {
    child: Child,
    master: File,
    seen: Arc<Mutex<Vec<u8>>>,
    /// Bytes of the transcript already consumed by `expect`.
    cursor: usize,
}

impl Pty {
    /// Starts `cmd` on a fresh 100×30 pty.
    pub fn spawn(mut cmd: Command) -> Pty {
        let (mut master, mut slave) = (0, 0);
        let size = libc::winsize { ws_row: 30, ws_col: 100, ws_xpixel: 0, ws_ypixel: 0 };
        // SAFETY: openpty writes two fds into the out-params; the name and termios are optional.
        let rc = unsafe { libc::openpty(&mut master, &mut slave, std::ptr::null_mut(), std::ptr::null(), &size) };
        assert_eq!(rc, 0, "openpty failed: {}", std::io::Error::last_os_error());
        // SAFETY: both fds were just opened and are owned by nobody else.
        let (master, slave) = unsafe { (OwnedFd::from_raw_fd(master), OwnedFd::from_raw_fd(slave)) };
        let io = |fd: &OwnedFd| Stdio::from(fd.try_clone().expect("dup the pty slave"));
        cmd.stdin(io(&slave)).stdout(io(&slave)).stderr(io(&slave));
        // SAFETY: only async-signal-safe calls between fork and exec.
        unsafe {
            cmd.pre_exec(|| {
                if libc::setsid() < 0 {
                    return Err(std::io::Error::last_os_error());
                }
                if libc::ioctl(0, libc::TIOCSCTTY as _, 0) < 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
        let child = cmd.spawn().expect("cannot start the command on a pty");
        // The parent's copies of the slave must be closed, or reading the master never ends.
        drop(cmd);
        drop(slave);
        let master = File::from(master);
        let seen = Arc::new(Mutex::new(Vec::new()));
        let mut reader = master.try_clone().expect("dup the pty master");
        let sink = Arc::clone(&seen);
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            // Ends with EIO once every slave fd is closed (the child and its children exited).
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                sink.lock().unwrap().extend_from_slice(&buf[..n]);
            }
        });
        Pty { child, master, seen, cursor: 0 }
    }

    /// Everything the terminal received so far, lossily decoded.
    pub fn transcript(&self) -> String {
        String::from_utf8_lossy(&self.seen.lock().unwrap()).into_owned()
    }

    /// Waits until `needle` appears after what earlier `expect`s consumed and returns the text up
    /// to and including it; panics with the transcript when it doesn't within [`STEP`].
    pub fn expect(&mut self, needle: &str) -> String {
        let deadline = Instant::now() + STEP;
        loop {
            {
                let seen = self.seen.lock().unwrap();
                let rest = String::from_utf8_lossy(&seen[self.cursor.min(seen.len())..]).into_owned();
                if let Some(at) = rest.find(needle) {
                    let upto = &rest[..at + needle.len()];
                    self.cursor += upto.len();
                    return upto.to_string();
                }
            }
            if Instant::now() > deadline {
                self.kill();
                panic!("timed out waiting for {needle:?} on the terminal; transcript:\n{}", self.transcript());
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                // Give the reader a moment to drain what the child wrote before it exited.
                std::thread::sleep(Duration::from_millis(200));
                if !self.transcript()[..].contains(needle) {
                    panic!("exited ({status}) before printing {needle:?}; transcript:\n{}", self.transcript());
                }
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Types `line` and Enter.
    pub fn send_line(&mut self, line: &str) {
        self.master.write_all(line.as_bytes()).unwrap();
        self.master.write_all(b"\r").unwrap();
        self.master.flush().unwrap();
    }

    /// Waits for the exit within [`STEP`] (a hang kills the child and fails the test) and returns
    /// its status and the whole transcript.
    pub fn wait(mut self) -> (ExitStatus, String) {
        let deadline = Instant::now() + STEP;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                // The reader stops at EIO once the last slave fd closed; wait for it briefly.
                let settle = Instant::now() + Duration::from_secs(2);
                let mut last = usize::MAX;
                while Instant::now() < settle {
                    let n = self.seen.lock().unwrap().len();
                    if n == last {
                        break;
                    }
                    last = n;
                    std::thread::sleep(Duration::from_millis(100));
                }
                return (status, self.transcript());
            }
            if Instant::now() > deadline {
                self.kill();
                panic!("hung on a terminal for {}s (killed); transcript:\n{}", STEP.as_secs(), self.transcript());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// The master fd (to check it is a terminal in a self-test).
    pub fn master_fd(&self) -> i32 {
        self.master.as_raw_fd()
    }
}

impl Drop for Pty {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            self.kill();
        }
    }
}

/// Runs `cmd` on a pty to the end without typing anything.
pub fn run(cmd: Command) -> (ExitStatus, String) {
    Pty::spawn(cmd).wait()
}
