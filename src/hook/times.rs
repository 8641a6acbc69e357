//! `HOIST_TIMES=1`: milestones of one run on stderr, in milliseconds since `main` began
//! (`hoist-times   3.21 ms git diff started`). For finding where a pre-commit run's time goes on a
//! shared machine, where profilers see CPU but not the order of things; off, a mark is one load.

use std::sync::OnceLock;
use std::time::Instant;

static START: OnceLock<Option<Instant>> = OnceLock::new();

/// Starts the clock when `HOIST_TIMES` is set (first thing in `main`).
pub fn start() {
    START.get_or_init(|| std::env::var_os("HOIST_TIMES").filter(|v| !v.is_empty()).map(|_| Instant::now()));
}

/// Writes `what` with the time since [`start`], when timing is on.
pub fn mark(what: &str) {
    if let Some(Some(t0)) = START.get() {
        eprintln!("hoist-times {:7.2} ms {what}", t0.elapsed().as_secs_f64() * 1e3);
    }
}
