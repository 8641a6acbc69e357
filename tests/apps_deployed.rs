//! Every app in `testdata/apps/` prints a digest of its credentials; after hoist migrates it, the
//! program run the way it is deployed — its ECS task definition's `environment` plus `secrets`
//! resolved against moto (`tests/common/deployed.rs`), nothing else — prints the same digest.
//! `env` style: the code reads variables the rewritten task definition injects. `sdk` style: the
//! task definition carries no secrets; the generated helper reads Secrets Manager itself (and the
//! injected variable first: with the variables set and an unreachable endpoint the digest is
//! still the same). The SDK dependency lands in the app's manifest; a second apply changes
//! nothing; every hoist command goes through the leak harness.
//!
//! SDKs: Go builds against the real aws-sdk-go-v2 (Debian `golang-github-aws-aws-sdk-go-v2-dev`,
//! GOPATH mode), Python against boto3, Node against `@aws-sdk/client-secrets-manager`. Java, Ruby
//! and PHP run against the stubs in `tests/stubs/` (no registry here carries those SDKs; the stubs
//! speak the Secrets Manager JSON protocol to the local emulator).

mod common;

use common::apps::{
    Language, digest, env_style_vars, files_text, hoist, image_env, planted, program, remove_build_output, repo,
    set_code_strategy,
};
use common::deployed::{TaskEnv, as_deployed, as_deployed_sdk, with_exact_env};
use common::moto::Moto;
use hoist::model::Strategy;

/// Migrates `name` in `strategy` style and runs it as deployed; returns the repository.
fn migrate_and_run(name: &str, lang: Language, strategy: Strategy, manifest: Option<(&str, &str)>) {
    let moto = Moto::start();
    let app = repo(name);
    let dir = app.path();
    let taskdef = dir.join("ecs/taskdef.json");
    let image = image_env(lang);
    let before_env = TaskEnv::read(&taskdef, "app");
    assert!(before_env.secrets.is_empty(), "{name}: the task definition starts without secrets");
    let mut vars = before_env.environment.clone();
    vars.extend(image.clone());
    let mut cmd = program(lang, dir, false);
    with_exact_env(&mut cmd, &vars);
    let before = digest(&mut cmd, &format!("{name} before"));
    // The build output is not part of the repository.
    remove_build_output(dir);

    hoist(&moto, dir, &["plan", ".", "--app", name]);
    set_code_strategy(dir, strategy);
    hoist(&moto, dir, &["apply", ".", "--yes"]);
    for f in files_text(dir) {
        let text = String::from_utf8_lossy(&f.1);
        for v in planted() {
            assert!(!text.contains(&v), "{name}: {} still holds a planted value", f.0.display());
        }
    }

    let deployed = TaskEnv::read(&taskdef, "app");
    let mut cmd = program(lang, dir, strategy == Strategy::Sdk);
    let after = if strategy == Strategy::Env {
        assert!(deployed.secrets.len() >= 2, "{name}: the task definition injects the secrets: {deployed:?}");
        as_deployed(&moto, &deployed, &mut cmd);
        cmd.envs(image.iter().map(|(k, v)| (k, v)));
        digest(&mut cmd, &format!("{name} as deployed (env)"))
    } else {
        assert!(deployed.secrets.is_empty(), "{name}: sdk style injects nothing: {deployed:?}");
        as_deployed_sdk(&moto, &deployed, &mut cmd);
        cmd.envs(image.iter().map(|(k, v)| (k, v)));
        digest(&mut cmd, &format!("{name} as deployed (sdk)"))
    };
    assert_eq!(after, before, "{name} ({strategy:?}) prints another digest after the migration");

    let vars = env_style_vars(&moto, dir, name);
    // `AWS_*` variables are the SDK's own credentials, never read as a secret by the helper.
    if strategy == Strategy::Sdk && !vars.iter().any(|(k, _)| k.starts_with("AWS_")) {
        // Env first: with the variables injected and no reachable Secrets Manager, same digest.
        let mut cmd = program(lang, dir, true);
        let mut all = before_env.environment.clone();
        all.extend(vars);
        all.extend(image.clone());
        all.extend([("AWS_ENDPOINT_URL".to_string(), "http://127.0.0.1:9".to_string())]);
        all.extend(common::moto::DUMMY_ENV.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        with_exact_env(&mut cmd, &all);
        assert_eq!(digest(&mut cmd, &format!("{name} with injected variables")), before, "{name}: env first");
    }
    if let Some((file, needle)) = manifest {
        let text = std::fs::read_to_string(dir.join(file)).unwrap();
        assert_eq!(text.contains(needle), strategy == Strategy::Sdk, "{name}: {file} after {strategy:?}:\n{text}");
    }
    remove_build_output(dir);

    // A second apply changes nothing; a re-scan finds nothing.
    let snap = files_text(dir);
    let again = hoist(&moto, dir, &["apply", ".", "--yes"]);
    assert!(again.contains("nothing to do"), "{name}: {again}");
    assert_eq!(files_text(dir), snap, "{name}: the second apply changed files");
    hoist(&moto, dir, &["scan", "."]);
}

#[test]
fn goapp_env_runs_as_deployed() {
    migrate_and_run("goapp", Language::Go, Strategy::Env, Some(("go.mod", "service/secretsmanager")));
}

#[test]
fn goapp_sdk_runs_as_deployed_with_the_real_aws_sdk_go_v2() {
    migrate_and_run("goapp", Language::Go, Strategy::Sdk, Some(("go.mod", "service/secretsmanager")));
}

#[test]
fn javaapp_env_runs_as_deployed() {
    migrate_and_run(
        "javaapp",
        Language::Java,
        Strategy::Env,
        Some(("pom.xml", "<artifactId>secretsmanager</artifactId>")),
    );
}

#[test]
fn javaapp_sdk_runs_as_deployed_against_the_sdk_stub() {
    migrate_and_run(
        "javaapp",
        Language::Java,
        Strategy::Sdk,
        Some(("pom.xml", "<artifactId>secretsmanager</artifactId>")),
    );
}

#[test]
fn rubyapp_env_runs_as_deployed() {
    migrate_and_run("rubyapp", Language::Ruby, Strategy::Env, Some(("Gemfile", "aws-sdk-secretsmanager")));
}

#[test]
fn rubyapp_sdk_runs_as_deployed_against_the_sdk_stub() {
    migrate_and_run("rubyapp", Language::Ruby, Strategy::Sdk, Some(("Gemfile", "aws-sdk-secretsmanager")));
}

#[test]
fn phpapp_env_runs_as_deployed() {
    migrate_and_run("phpapp", Language::Php, Strategy::Env, Some(("composer.json", "aws/aws-sdk-php")));
}

#[test]
fn phpapp_sdk_runs_as_deployed_against_the_sdk_stub() {
    migrate_and_run("phpapp", Language::Php, Strategy::Sdk, Some(("composer.json", "aws/aws-sdk-php")));
}

#[test]
fn pyapp_env_and_sdk_run_as_deployed() {
    migrate_and_run("pyapp", Language::Python, Strategy::Env, Some(("requirements.txt", "boto3")));
    migrate_and_run("pyapp", Language::Python, Strategy::Sdk, Some(("requirements.txt", "boto3")));
}

#[test]
fn nodeapp_env_and_nodesdk_sdk_run_as_deployed() {
    migrate_and_run(
        "nodeapp",
        Language::Node,
        Strategy::Env,
        Some(("package.json", "@aws-sdk/client-secrets-manager")),
    );
    migrate_and_run(
        "nodesdk",
        Language::Node,
        Strategy::Sdk,
        Some(("package.json", "@aws-sdk/client-secrets-manager")),
    );
}
