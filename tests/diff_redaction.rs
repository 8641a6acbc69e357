//! The diff a reviewer approves: secret values are hidden by their exact spans (and, as a safety
//! net, by their text), while secret names, context lines and config companions — host, port,
//! user, database, engine — print as they are, the same on the removed and the added side.

use assert_cmd::Command;
use std::path::Path;

fn demo_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/demo"), dir.path());
    dir
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}

#[test]
fn the_dry_migrate_diff_hides_secret_values_and_nothing_else() {
    let dir = demo_copy();
    let out = Command::cargo_bin("hoist")
        .unwrap()
        .args(["migrate", ".", "--app", "demo"])
        .current_dir(dir.path())
        .env("NO_COLOR", "1")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let diff = String::from_utf8(out.stdout).unwrap();
    let planted =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/demo-planted.txt")).unwrap();
    for v in planted.lines().filter(|l| !l.is_empty()) {
        assert!(!diff.contains(v), "a planted value is in the diff:\n{diff}");
    }
    // Secret values on changed lines are masked where they stood.
    assert!(diff.contains("\n-DB_PASSWORD=<redacted>\n"), "{diff}");
    assert!(diff.contains("-AWS_SECRET_ACCESS_KEY = \"<redacted>\""), "{diff}");
    // Secret names, context lines and companions are readable.
    assert!(diff.contains("demo/postgres") && !diff.contains("demo/<redacted>"), "{diff}");
    assert!(diff.contains(" image: postgres:16\n"), "an unchanged context line prints as it is:\n{diff}");
    assert!(
        diff.contains("-        { \"name\": \"DB_HOST\", \"value\": \"orders-db."),
        "a host is not a secret:\n{diff}"
    );
    assert!(!diff.contains("-DB_USER=<redacted>") && !diff.contains("-DB_NAME=<redacted>"), "{diff}");
    // A URL: only the password is hidden, and the scheme, host and port read the same on both sides.
    let removed = diff.lines().find(|l| l.starts_with("-const REDIS_URL")).expect("the Redis URL line is rewritten");
    let added = diff.lines().find(|l| l.starts_with("+const REDIS_URL")).unwrap();
    assert!(removed.starts_with("-const REDIS_URL = \"redis://:<redacted>@"), "{removed}");
    let tail = removed.split("<redacted>").nth(1).unwrap().trim_end_matches("\";");
    assert!(added.contains(tail), "host and port differ between the sides:\n{removed}\n{added}");
    assert!(added.contains("\"redis://:\""), "{added}");
}
