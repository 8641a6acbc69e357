//! Weak real values that are also words hoist writes itself, against moto: a function default
//! `password="password"` (the key is called `password`, so is the secret), a region `us-east-1`
//! beside it (every ARN hoist writes holds the region), `.env` logins `username`/`password`, and a
//! mysql call whose user and glued password are the same word (`-u cactiuser -pcactiuser`). Real
//! repositories hold all of these; `apply` used to end with "the value … is still in the file"
//! (exit 2) because it read its own references as the value left behind. Now it moves them, exits
//! 0, every value is in Secrets Manager, and a second run is a no-op.

mod common;

use common::git::{commit, git};
use common::moto::Moto;
use std::path::Path;
use std::process::Output;

fn text(out: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}

fn migrate(moto: &Moto, dir: &Path) -> Output {
    moto.hoist().current_dir(dir).args(["migrate", ".", "--app", "weak", "--apply", "--yes"]).output().unwrap()
}

#[test]
fn weak_values_equal_to_hoists_own_words_migrate_and_verify() {
    let moto = Moto::start();
    let repo = tempfile::tempdir().unwrap();
    let dir = repo.path();
    std::fs::create_dir_all(dir.join("scripts")).unwrap();
    std::fs::write(
        dir.join("keystore.py"),
        "def export_keystore(path, password=\"password\", region='us-east-1'):\n    return (path, password, region)\n",
    )
    .unwrap();
    std::fs::write(
        dir.join(".env"),
        "GRAPHITE_URL=https://graphite.internal\nGRAPHITE_USER=username\nGRAPHITE_PASS=password\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("scripts/install.sh"),
        "#!/bin/sh\nset -eu\nmysql -u cactiuser -pcactiuser cacti < /srv/cacti.sql\n",
    )
    .unwrap();
    git(dir, &["init", "-q"]);
    commit(dir, "original");

    let out = migrate(&moto, dir);
    let log = text(&out);
    assert!(out.status.success(), "apply must verify its own rewrite: {log}");
    assert!(!log.contains("still in the file"), "{log}");
    let py = std::fs::read_to_string(dir.join("keystore.py")).unwrap();
    assert!(!py.contains("password=\"password\"") && py.contains("arn:aws:secretsmanager:"), "{py}");
    let sh = std::fs::read_to_string(dir.join("scripts/install.sh")).unwrap();
    assert!(!sh.contains("-pcactiuser"), "{sh}");
    // Every moved value is in Secrets Manager, as a JSON field's value.
    let mut stored = Vec::new();
    for name in moto.secret_names() {
        let doc: serde_json::Value = serde_json::from_str(&moto.secret_string(&name)).unwrap();
        stored.extend(doc.as_object().unwrap().values().filter_map(|v| v.as_str().map(str::to_string)));
    }
    for v in ["password", "cactiuser", "username", "us-east-1"] {
        assert!(stored.iter().any(|s| s == v), "{v} not uploaded: {} value(s) stored", stored.len());
    }

    commit(dir, "after apply");
    let again = migrate(&moto, dir);
    assert!(again.status.success(), "{}", text(&again));
    assert_eq!(git(dir, &["status", "--porcelain"]), "", "a second run is a no-op");
}
