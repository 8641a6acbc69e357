//! Planner tests: which strategy each site gets (env, sdk, manual) and why.

use super::*;

#[test]
fn provider_token_alone_is_json_with_one_key_and_sdk_in_python() {
    let mut f = secret("billing/charge.py", 40, "sk_live_abc", None, "STRIPE_KEY", None);
    f.rule = "stripe.secret-key".into();
    let p = build(&[f], &opts()).unwrap().plan;
    let s = secret_named(&p, "shop/stripe");
    assert_eq!(s.shape, crate::model::Shape::Json);
    assert_eq!(s.keys.len(), 1);
    assert_eq!(s.keys[0].key, "stripe_key");
    assert_eq!(s.keys[0].sites[0].strategy, Strategy::Sdk);
    assert_eq!(s.keys[0].sites[0].env_var.as_deref(), Some("STRIPE_KEY"));
}

#[test]
fn strategies_for_go_tests_and_unknown_config() {
    let fs = vec![
        secret("cmd/server/main.go", 10, "jwt-1", None, "jwtSigningKey", None),
        secret("tests/test_api.py", 10, "fixture-pw", None, "password", None),
        secret("conf/app.yaml", 10, "yaml-pw", None, "smtp_password", None),
    ];
    let p = build(&fs, &opts()).unwrap().plan;
    let site = |n: &str| &secret_named(&p, n).keys[0].sites[0];
    let go = site("shop/jwt-signing-key");
    // Go code read by nothing that injects the value reads Secrets Manager (hoistSecret), env first.
    assert_eq!(go.strategy, Strategy::Sdk);
    assert_eq!(go.env_var.as_deref(), Some("JWT_SIGNING_KEY"));
    let test = site("shop/password");
    assert_eq!(test.strategy, Strategy::Skip);
    assert!(test.reason.is_some());
    let yaml = site("shop/smtp-password");
    assert_eq!(yaml.strategy, Strategy::Manual);
}

#[test]
fn deployment_kinds_choose_their_strategy() {
    let cases = [
        ("ecs-task-definition", Some("web"), "API_TOKEN", Strategy::Env, "API_TOKEN"),
        ("docker-compose", Some("web"), "API_TOKEN", Strategy::Env, "API_TOKEN"),
        ("terraform", Some("web"), "API_TOKEN", Strategy::Env, "API_TOKEN"),
        // Resource arguments are no variables: a data source, and a derived variable name.
        ("terraform", Some("aws_db_instance.orders"), "password", Strategy::Sdk, "PASSWORD"),
        ("cloudformation", Some("OrdersDb"), "MasterUserPassword", Strategy::Sdk, "MASTER_USER_PASSWORD"),
        ("cloudformation", Some("TaskDef"), "API_TOKEN", Strategy::Env, "API_TOKEN"),
        ("kubernetes", Some("web"), "API_TOKEN", Strategy::Env, "API_TOKEN"),
        ("kubernetes-secret", Some("orders-db"), "API_TOKEN", Strategy::Env, "API_TOKEN"),
        // Leaves the image; the reason says who gives it at run time / as a build secret.
        ("dockerfile", None, "API_TOKEN", Strategy::Env, "API_TOKEN"),
        ("dockerfile-arg", None, "NPM_TOKEN", Strategy::Env, "NPM_TOKEN"),
    ];
    for (i, (kind, container, name, want, var)) in cases.into_iter().enumerate() {
        let mut f = secret("deploy/x.yaml", 1, &format!("value-{i}"), None, name, None);
        f.deploy = Some(crate::model::DeployInfo {
            kind: kind.into(),
            container: container.map(str::to_string),
            embedded: false,
        });
        let p = build(&[f], &opts()).unwrap().plan;
        let site = &p.secrets[0].keys[0].sites[0];
        assert_eq!(site.strategy, want, "{kind} {container:?}");
        assert_eq!(site.env_var.as_deref(), Some(var), "{kind} {container:?}");
        assert_eq!(site.reason.is_some(), want == Strategy::Manual || kind.starts_with("dockerfile"), "{kind}");
    }
}

#[test]
fn a_task_definition_written_inside_a_script_is_manual_in_the_plan_as_in_the_diff() {
    // detect::extra reads task definitions in heredocs / `--cli-input-json '…'` and says so in the
    // deploy info; the rewriter leaves them (the script isn't the document), so the plan must not
    // promise `env`. The detector's word decides, not the file's name: a task definition read as
    // itself is `env` whatever its name (`taskdef` without an extension).
    for (path, embedded, want) in [
        ("deploy/register.sh", true, Strategy::Manual),
        ("deploy/ci.yml", true, Strategy::Manual),
        ("deploy/td.json", false, Strategy::Env),
        ("deploy/taskdef", false, Strategy::Env),
    ] {
        let mut f = secret(path, 1, "value-embedded", None, "API_TOKEN", None);
        let info =
            crate::model::DeployInfo { kind: "ecs-task-definition".into(), container: Some("web".into()), embedded };
        f.deploy = Some(info);
        let p = build(&[f], &opts()).unwrap().plan;
        let site = &p.secrets[0].keys[0].sites[0];
        assert_eq!(site.strategy, want, "{path}");
        if want == Strategy::Manual {
            assert!(site.reason.as_deref().unwrap().contains("inside this script"), "{:?}", site.reason);
        }
    }
}

#[test]
fn code_reading_a_variable_a_dotenv_file_defines_uses_env() {
    // The value's variable is defined in .env: env works; a value no .env defines reads the SDK.
    let fs = vec![
        secret(".env", 1, "tok-1", None, "API_TOKEN", None),
        secret("cmd/main.go", 1, "tok-1", None, "API_TOKEN", None),
        secret("cmd/other.go", 1, "tok-2", None, "OTHER_TOKEN", None),
    ];
    let p = build(&fs, &opts()).unwrap().plan;
    let strategies: Vec<(&str, Strategy)> = p.sites().map(|(_, _, t)| (t.path.to_str().unwrap(), t.strategy)).collect();
    assert_eq!(strategies, [(".env", Strategy::Env), ("cmd/main.go", Strategy::Env), ("cmd/other.go", Strategy::Sdk)]);
}

#[test]
fn a_dotenv_value_alone_does_not_make_code_read_the_environment() {
    // settings.py's PORT matches .env's DB_PORT, but nothing deploys DB_PORT: the code must not
    // start reading a variable production never sets. PASSWORD is injected by the task definition.
    let g = Some("app/settings.py#default");
    let task = "deploy/task.json";
    let fs = vec![
        secret(".env", 1, "pw", Some(".env#db"), "DB_PASSWORD", Some("password")),
        cfg(".env", 20, "5432", Some(".env#db"), "DB_PORT", "port"),
        secret("app/settings.py", 10, "pw", g, "PASSWORD", Some("password")),
        cfg("app/settings.py", 30, "5432", g, "PORT", "port"),
        deployed(
            secret(task, 10, "pw", Some("deploy/task.json#api"), "DB_PASSWORD", None),
            "ecs-task-definition",
            "api",
        ),
    ];
    let p = build(&fs, &opts()).unwrap().plan;
    let got: Vec<(&str, &str, Strategy)> =
        p.sites().map(|(_, k, t)| (k.key.as_str(), t.path.to_str().unwrap(), t.strategy)).collect();
    assert_eq!(
        got,
        [
            ("port", ".env", Strategy::Env),
            ("port", "app/settings.py", Strategy::Sdk),
            ("password", ".env", Strategy::Env),
            ("password", "app/settings.py", Strategy::Env),
            ("password", "deploy/task.json", Strategy::Env),
        ]
    );
}

#[test]
fn a_nameless_code_site_follows_the_dotenv_that_defines_its_key() {
    let mut code = secret("settings.py", 10, "AKIA-ish", Some("settings.py#aws"), "x", Some("aws_access_key_id"));
    code.name = None;
    let fs =
        vec![secret(".env", 1, "AKIA-ish", Some(".env#aws"), "AWS_ACCESS_KEY_ID", Some("aws_access_key_id")), code];
    let p = build(&fs, &opts()).unwrap().plan;
    let got: Vec<(Strategy, &str)> = p.sites().map(|(_, _, t)| (t.strategy, t.env_var.as_deref().unwrap())).collect();
    assert_eq!(got, [(Strategy::Env, "AWS_ACCESS_KEY_ID"), (Strategy::Env, "AWS_ACCESS_KEY_ID")]);
}
