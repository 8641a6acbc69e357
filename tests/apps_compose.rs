//! Every app in `testdata/apps/` run the way its compose service deploys it: after hoist migrates
//! it against moto, the service's environment as `docker compose config` resolves it
//! (`tests/common/deployed.rs::ComposeEnv`) under the shell of `hoist run -- docker compose up`
//! (values read from moto), and nothing else, starts the program, which prints the digest it
//! printed before. `env` style: the service gains `VAR: ${VAR:?…}` for every variable the code
//! now reads, and compose refuses to start without them. `sdk` style: the service gains nothing;
//! the helper reads Secrets Manager itself (the emulator's endpoint and dummy credentials stand in
//! for the instance role). The task-definition route of the same apps is `tests/apps_deployed.rs`.

mod common;

use common::apps::{Language, digest, hoist, image_env, program, remove_build_output, repo, set_code_strategy};
use common::deployed::{ComposeEnv, deployment_shell, with_exact_env};
use common::moto::{DUMMY_ENV, Moto};
use hoist::model::Strategy;
use std::collections::BTreeMap;

/// The service every app's compose file runs it as.
const SERVICE: &str = "app";

fn pairs(env: &BTreeMap<String, String>) -> Vec<(String, String)> {
    env.iter().map(|(k, v)| (k.clone(), v.clone())).collect()
}

/// Migrates `name` in `strategy` style and runs it with its compose service's environment.
fn migrate_and_compose(name: &str, lang: Language, strategy: Strategy) {
    let moto = Moto::start();
    let app = repo(name);
    let dir = app.path();
    let compose = dir.join("docker-compose.yml");
    let image = image_env(lang);
    let before_env = ComposeEnv::resolve(&compose, &[]).unwrap_or_else(|e| panic!("{name}: {e}")).service(SERVICE);
    let mut vars = pairs(&before_env);
    vars.extend(image.clone());
    let mut cmd = program(lang, dir, false);
    with_exact_env(&mut cmd, &vars);
    let before = digest(&mut cmd, &format!("{name} before"));
    remove_build_output(dir);

    let values = common::apps::planted();
    let planted: Vec<&str> = values.iter().map(String::as_str).collect();
    hoist(&moto, dir, &["plan", ".", "--app", name]);
    set_code_strategy(dir, strategy);
    hoist(&moto, dir, &["apply", ".", "--yes"]);

    let shell = deployment_shell(&moto, dir, &planted);
    let after_env = ComposeEnv::resolve(&compose, &shell)
        .unwrap_or_else(|e| panic!("{name}: compose refuses to start: {e}"))
        .service(SERVICE);
    let added: Vec<&String> = after_env.keys().filter(|k| !before_env.contains_key(*k)).collect();
    let mut vars = pairs(&after_env);
    vars.extend(image.clone());
    if strategy == Strategy::Env {
        assert!(added.len() >= 2, "{name}: the compose service receives the secrets: {added:?}");
        // Without the deployment's variables compose refuses to start.
        let bare = ComposeEnv::resolve(&compose, &[]).expect_err("compose must refuse without the secrets");
        assert!(bare.contains("missing environment variable"), "{name}: {bare}");
    } else {
        assert!(added.is_empty(), "{name}: sdk style gives the service nothing: {added:?}");
        vars.extend(DUMMY_ENV.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        vars.push(("AWS_ENDPOINT_URL".into(), moto.endpoint.clone()));
    }
    assert_eq!(after_env.get("APP_ENV"), before_env.get("APP_ENV"), "{name}: the service keeps its settings");
    let mut cmd = program(lang, dir, strategy == Strategy::Sdk);
    with_exact_env(&mut cmd, &vars);
    let after = digest(&mut cmd, &format!("{name} as composed ({strategy:?})"));
    assert_eq!(after, before, "{name} ({strategy:?}) prints another digest under compose after the migration");
    remove_build_output(dir);
}

#[test]
fn goapp_env_and_sdk_run_as_composed() {
    migrate_and_compose("goapp", Language::Go, Strategy::Env);
    migrate_and_compose("goapp", Language::Go, Strategy::Sdk);
}

#[test]
fn javaapp_env_and_sdk_run_as_composed() {
    migrate_and_compose("javaapp", Language::Java, Strategy::Env);
    migrate_and_compose("javaapp", Language::Java, Strategy::Sdk);
}

#[test]
fn rubyapp_env_and_sdk_run_as_composed() {
    migrate_and_compose("rubyapp", Language::Ruby, Strategy::Env);
    migrate_and_compose("rubyapp", Language::Ruby, Strategy::Sdk);
}

#[test]
fn phpapp_env_and_sdk_run_as_composed() {
    migrate_and_compose("phpapp", Language::Php, Strategy::Env);
    migrate_and_compose("phpapp", Language::Php, Strategy::Sdk);
}

#[test]
fn pyapp_env_and_sdk_run_as_composed() {
    migrate_and_compose("pyapp", Language::Python, Strategy::Env);
    migrate_and_compose("pyapp", Language::Python, Strategy::Sdk);
}

#[test]
fn nodeapp_env_and_nodesdk_sdk_run_as_composed() {
    migrate_and_compose("nodeapp", Language::Node, Strategy::Env);
    migrate_and_compose("nodesdk", Language::Node, Strategy::Sdk);
}
