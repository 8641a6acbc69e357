//! The diff a reviewer approves: secret values are hidden by their exact spans (and, as a safety
//! net, by their text), while secret names, context lines and config companions — host, port,
//! user, database, engine — print as they are, the same on the removed and the added side.

mod common;

use common::cli::Hoist;
use common::fixture::{copy_testdata, planted};

#[test]
fn the_dry_migrate_diff_hides_secret_values_and_nothing_else() {
    let dir = copy_testdata("demo");
    let planted = planted("demo-planted.txt");
    // The leak harness greps the diff, stderr and every file under .hoist/ (pieces included).
    let out = Hoist::new(&planted).args(["migrate", ".", "--app", "demo"]).current_dir(dir.path()).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let diff = String::from_utf8(out.stdout).unwrap();
    for v in &planted {
        assert!(!diff.contains(v.as_str()), "a planted value is in the diff:\n{diff}");
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
