//! `hoist run --env ENV` (#16.11), against moto: a plan whose per-environment secrets map one
//! variable (`shop/dev/database` and `shop/prod/database` both give `DB_PASSWORD`) is refused
//! without `--env`, naming the choices, and runs the command with exactly the chosen environment's
//! value with it. Every hoist run goes through the leak harness.

mod common;

use common::git::git;

use common::leak::Leak;
use common::moto::Moto;
use sha2::{Digest, Sha256};
use std::path::Path;
use std::process::Output;

const DEV: &str = "Zq8DevPl4nted77a";
const PROD: &str = "Zq8ProdPl4nted88b";

fn text(out: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}

fn run(moto: &Moto, dir: &Path, args: &[&str]) -> Output {
    let leak = Leak::watch(dir, &[DEV, PROD]);
    let out = moto.hoist().current_dir(dir).args(args).output().unwrap();
    leak.check(dir, &args.join(" "), &out);
    out
}

#[test]
fn run_env_picks_one_environment_of_a_per_environment_plan() {
    let moto = Moto::start();
    let repo = tempfile::tempdir().unwrap();
    let dir = repo.path();
    for (env, value) in [("dev", DEV), ("prod", PROD)] {
        std::fs::create_dir_all(dir.join("config").join(env)).unwrap();
        std::fs::write(dir.join("config").join(env).join(".env"), format!("DB_PASSWORD={value}\n")).unwrap();
    }
    git(dir, &["init", "-q"]);
    git(dir, &["add", "-A"]);
    git(dir, &["-c", "user.name=t", "-c", "user.email=t@e", "commit", "-qm", "x"]);
    let out = run(&moto, dir, &["plan", ".", "--app", "shop"]);
    assert!(out.status.success(), "{}", text(&out));
    let out = run(&moto, dir, &["apply", ".", "--yes"]);
    assert!(out.status.success(), "{}", text(&out));

    let digest = ["sh", "-c", "printf %s \"$DB_PASSWORD\" | sha256sum | cut -c1-64"];
    let out = run(&moto, dir, &[&["run", "."][..], &["--"][..], &digest[..]].concat());
    assert!(!out.status.success(), "one variable, two environments: must be refused\n{}", text(&out));
    let msg = text(&out);
    assert!(msg.contains("DB_PASSWORD") && msg.contains("--env dev") && msg.contains("--env prod"), "{msg}");

    for (env, value) in [("prod", PROD), ("dev", DEV)] {
        let out = run(&moto, dir, &[&["run", ".", "--env", env, "--"][..], &digest[..]].concat());
        assert!(out.status.success(), "{}", text(&out));
        let want = hex::encode(Sha256::digest(value.as_bytes()));
        assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), want, "--env {env} ran with another value");
    }
}
