//! The command-line and SQL detectors stay linear in file size: many command lines, one very long
//! line of flags (skipped past 4 KiB), and many SQL statements at n and 8n, with a planted credential that must be
//! found. Linear is 8×; the bound (24× plus 20 ms, best of 3) is generous for a loaded machine.

use hoist::detect::{analyze, cmdline, sql};
use hoist::format::FileFormat;
use std::path::Path;
use std::time::{Duration, Instant};

const CANARY: &str = "Zq7vR2mK9xL4pW8n";

fn shapes(n: usize) -> Vec<(&'static str, String)> {
    let lines = (0..n).map(|i| format!("docker run -e MODE_{i}=x --name c{i} -p {i}:80 img\n")).collect::<String>();
    let long = (0..n).map(|i| format!("--opt{i} v{i} ")).collect::<String>();
    let stmts = (0..n).map(|i| format!("CREATE USER u{i} IDENTIFIED BY PASSWORD '*{:040X}';\n", i)).collect::<String>();
    vec![
        ("lines.txt", format!("{lines}deploy --password {CANARY}\n")),
        // A line over 4 KiB is not tokenized (bounded work); the command after it still is.
        ("long.txt", format!("tool {long}--password x\ndeploy --password {CANARY}\n")),
        ("users.sql", format!("{stmts}CREATE USER app IDENTIFIED BY '{CANARY}';\n")),
    ]
}

fn best_of_3(name: &str, text: &str) -> (Duration, bool) {
    let mut best = Duration::MAX;
    let mut found = false;
    for _ in 0..3 {
        let t = Instant::now();
        let c = cmdline::candidates(text).len() + sql::candidates(text).len();
        let out = analyze(Path::new(name), FileFormat::of(Path::new(name)), text);
        best = best.min(t.elapsed());
        found = c > 0 && out.iter().any(|d| d.value.expose() == CANARY);
    }
    (best, found)
}

#[test]
fn command_lines_and_sql_scan_in_linear_time() {
    let (small, large) = (2_000, 16_000);
    for ((name, a), (_, b)) in shapes(small).into_iter().zip(shapes(large)) {
        let (ta, fa) = best_of_3(name, &a);
        let (tb, fb) = best_of_3(name, &b);
        assert!(fa && fb, "{name}: the planted credential was not found");
        assert!(tb <= ta * 24 + Duration::from_millis(20), "{name}: {small} → {ta:?}, {large} → {tb:?}");
    }
}
