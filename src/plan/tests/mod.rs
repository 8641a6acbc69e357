//! Planner tests over synthetic findings.

use super::testutil::{TEST_SALT, cfg, deployed, secret};
use super::*;
use crate::model::{Plan, Strategy};

fn opts() -> PlanOptions {
    PlanOptions {
        app: "shop".into(),
        env: None,
        name_template: naming::DEFAULT_TEMPLATE.into(),
        tags: BTreeMap::new(),
        kms_key_id: None,
        salt: TEST_SALT.into(),
        runners: Vec::new(),
    }
}

fn secret_named<'a>(p: &'a Plan, name: &str) -> &'a crate::model::PlannedSecret {
    p.secrets
        .iter()
        .find(|s| s.name == name)
        .unwrap_or_else(|| panic!("no secret {name}; have {:?}", p.secrets.iter().map(|s| &s.name).collect::<Vec<_>>()))
}

/// A Django settings dict, a `.env` and an ECS task definition that all hold one password.
fn demo_findings() -> Vec<crate::model::Finding> {
    let task = "deploy/task-definition.json";
    vec![
        secret(".env", 12, "pw-1", Some(".env#db"), "DB_PASSWORD", Some("password")),
        cfg(".env", 30, "db.internal", Some(".env#db"), "DB_HOST", "host"),
        cfg(".env", 50, "shop", Some(".env#db"), "DB_USER", "username"),
        deployed(
            secret(task, 100, "pw-1", Some(&format!("{task}#web")), "POSTGRES_PASSWORD", Some("password")),
            "ecs-task-definition",
            "web",
        ),
        deployed(
            cfg(task, 160, "db.internal", Some(&format!("{task}#web")), "POSTGRES_HOST", "host"),
            "ecs-task-definition",
            "web",
        ),
        cfg(
            "app/settings.py",
            200,
            "django.db.backends.postgresql",
            Some("app/settings.py#postgres:databases_default"),
            "ENGINE",
            "engine",
        ),
        secret(
            "app/settings.py",
            250,
            "pw-1",
            Some("app/settings.py#postgres:databases_default"),
            "PASSWORD",
            Some("password"),
        ),
        cfg("app/settings.py", 280, "db.internal", Some("app/settings.py#postgres:databases_default"), "HOST", "host"),
        cfg("app/settings.py", 300, "5432", Some("app/settings.py#postgres:databases_default"), "PORT", "port"),
        cfg("app/settings.py", 320, "shop", Some("app/settings.py#postgres:databases_default"), "NAME", "dbname"),
    ]
}

#[test]
fn one_password_in_code_env_file_and_task_definition_is_one_key() {
    let p = build(&demo_findings(), &opts()).unwrap().plan;
    assert_eq!(p.secrets.len(), 1);
    let s = secret_named(&p, "shop/postgres");
    let keys: Vec<&str> = s.keys.iter().map(|k| k.key.as_str()).collect();
    assert_eq!(keys, ["engine", "host", "port", "username", "password", "dbname"]);
    let pw = s.keys.iter().find(|k| k.key == "password").unwrap();
    let sites: Vec<(&str, Strategy, &str)> =
        pw.sites.iter().map(|t| (t.path.to_str().unwrap(), t.strategy, t.env_var.as_deref().unwrap())).collect();
    assert_eq!(
        sites,
        [
            (".env", Strategy::Env, "DB_PASSWORD"),
            ("app/settings.py", Strategy::Env, "POSTGRES_PASSWORD"),
            ("deploy/task-definition.json", Strategy::Env, "POSTGRES_PASSWORD"),
        ]
    );
    assert_eq!(s.tags.get("managed-by").map(String::as_str), Some("hoist"));
    assert!(validate_shape(&p).is_empty(), "{:?}", validate_shape(&p));
}

#[test]
fn the_plan_holds_no_values() {
    let fs = demo_findings();
    let yaml = to_yaml(&build(&fs, &opts()).unwrap().plan);
    for f in &fs {
        let v = f.value.expose();
        // "shop" is also the app name; every other value must be absent.
        if v != "shop" {
            assert!(!yaml.contains(v), "value {v:?} leaked into the plan");
        }
    }
}

#[test]
fn different_values_per_environment_are_separate_secrets() {
    let fs = vec![
        secret("deploy/prod/.env", 1, "prod-pw", Some("deploy/prod/.env#db"), "DB_PASSWORD", Some("password")),
        cfg("deploy/prod/.env", 20, "prod-db", Some("deploy/prod/.env#db"), "DB_HOST", "host"),
        secret(".env.staging", 1, "stage-pw", Some(".env.staging#db"), "DB_PASSWORD", Some("password")),
        cfg(".env.staging", 20, "stage-db", Some(".env.staging#db"), "DB_HOST", "host"),
    ];
    let p = build(&fs, &opts()).unwrap().plan;
    let names: Vec<&str> = p.secrets.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["shop/prod/database", "shop/staging/database"]);
    // One process never sees both environments, so both keep DB_PASSWORD.
    for s in &p.secrets {
        assert_eq!(
            s.keys.iter().find(|k| k.key == "password").unwrap().sites[0].env_var.as_deref(),
            Some("DB_PASSWORD")
        );
    }
}

#[test]
fn clashing_names_get_qualified_and_arn_like_endings_fixed() {
    let fs = vec![
        secret("api/config.py", 1, "tok-a", None, "GITHUB_TOKEN", None),
        secret("worker/config.py", 1, "tok-b", None, "GITHUB_TOKEN", None),
        secret("app.py", 1, "sig", None, "SIGNING_SECRET", None),
    ];
    let p = build(&fs, &opts()).unwrap().plan;
    let names: Vec<&str> = p.secrets.iter().map(|s| s.name.as_str()).collect();
    // `signing-secret` ends in `-` + 6 characters; `github-token-worker` too.
    assert_eq!(names, ["shop/github-token", "shop/github-token_worker", "shop/signing_secret"]);
    assert!(validate_shape(&p).is_empty(), "{:?}", validate_shape(&p));
}

#[test]
fn default_env_template_tags_and_kms() {
    let mut o = opts();
    o.env = Some("production".into());
    o.name_template = "teams/{app}/{group}.{env}".into();
    o.tags.insert("team".into(), "payments".into());
    o.kms_key_id = Some("alias/payments".into());
    let p = build(&[secret("app.py", 1, "x-secret-value", None, "API_KEY", None)], &o).unwrap().plan;
    let s = &p.secrets[0];
    assert_eq!(s.name, "teams/shop/api-key.prod");
    assert_eq!(s.tags.get("team").map(String::as_str), Some("payments"));
    assert_eq!(s.kms_key_id.as_deref(), Some("alias/payments"));
    assert_eq!(p.env.as_deref(), Some("prod"));
    o.name_template = "{app}/{env}".into();
    assert!(matches!(build(&[], &o), Err(PlanError::Template(_))));
}

#[test]
fn derived_env_vars_are_unique_per_environment() {
    let fs = vec![
        secret("a/settings.py", 1, "pw-a", Some("a/settings.py#databases"), "password", Some("password")),
        cfg("a/settings.py", 20, "host-a", Some("a/settings.py#databases"), "host", "host"),
        secret("a/replica.py", 1, "pw-b", Some("a/replica.py#databases"), "password", Some("password")),
        cfg("a/replica.py", 20, "host-b", Some("a/replica.py#databases"), "host", "host"),
        // Another top-level folder is another program: the plain name is free there.
        secret("worker/db.py", 1, "pw-c", Some("worker/db.py#databases"), "password", Some("password")),
        cfg("worker/db.py", 20, "host-c", Some("worker/db.py#databases"), "host", "host"),
    ];
    let p = build(&fs, &opts()).unwrap().plan;
    let vars: Vec<&str> =
        p.sites().filter(|(_, k, _)| k.key == "password").map(|(_, _, t)| t.env_var.as_deref().unwrap()).collect();
    let names: Vec<&str> = p.secrets.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["shop/database", "shop/database-a", "shop/database_worker"]);
    assert_eq!(vars, ["DATABASE_PASSWORD", "DATABASE_PASSWORD_2", "DATABASE_PASSWORD"]);
}

#[test]
fn one_file_never_reads_two_secrets_under_one_variable() {
    // A key first seen in `docker/` (named MYSQL_PASSWORD there) is also read by a script in
    // `server/`, where another secret's derived name would be MYSQL_PASSWORD too: the script would
    // get one value for both. The derived name moves aside in every folder the key is in.
    let fs = vec![
        secret("docker/init.sh", 1, "pw-x", Some("docker/init.sh#mysql"), "MYSQL_PASSWORD", Some("password")),
        secret("server/install.sh", 5, "pw-x", Some("server/install.sh#grant"), "password", Some("password")),
        cfg("server/install.sh", 90, "root", Some("server/install.sh#mysql"), "-u", "username"),
        secret("server/install.sh", 99, "pw-y", Some("server/install.sh#mysql"), "-p", Some("password")),
    ];
    let p = build(&fs, &opts()).unwrap().plan;
    let mut owners: BTreeMap<(String, String), std::collections::BTreeSet<String>> = BTreeMap::new();
    for (s, _, t) in p.sites() {
        let dir = t.path.parent().map(|d| d.display().to_string()).unwrap_or_default();
        owners.entry((dir, t.env_var.clone().unwrap())).or_default().insert(s.name.clone());
    }
    assert!(owners.values().all(|names| names.len() == 1), "{owners:?}");
    assert_eq!(owners.len(), 4, "{owners:?}");
}

#[test]
fn payload_sizes_are_exact() {
    let big = "k".repeat(70_000);
    let planned = build(&[secret("a.py", 1, &big, None, "PRIVATE_KEY", None)], &opts()).unwrap();
    let (name, size) = planned.payload_sizes.iter().next().unwrap();
    assert!(check_payload_size(name, *size).is_err());
    assert!(matches!(validate_shape(&planned.plan)[..], [PlanError::TooLarge { .. }]));
}

#[test]
fn a_key_file_is_a_plain_string_secret_with_a_manual_site() {
    let mut f = secret("certs/server.key", 0, "-----BEGIN RSA PRIVATE KEY-----x", None, "x", None);
    f.name = None;
    f.rule = "private-key.rsa".into();
    let p = build(&[f], &opts()).unwrap().plan;
    let s = secret_named(&p, "shop/private-key");
    assert_eq!(s.shape, crate::model::Shape::String);
    assert_eq!(s.keys[0].key, "value");
    assert_eq!(s.keys[0].sites[0].strategy, Strategy::Manual);
    assert!(s.keys[0].sites[0].reason.as_deref().unwrap().contains("key file"));
}

#[test]
fn a_whole_key_file_is_a_file_site_named_after_the_file_string_or_binary() {
    let mut pem = secret("certs/server.key", 0, "-----BEGIN RSA PRIVATE KEY-----\nx\n", None, "x", None);
    pem.name = None;
    pem.rule = crate::keyfile::TEXT_RULE.into();
    let mut p12 = secret("certs/client.p12", 0, "MIIBAgEDMAA=", None, "x", None);
    p12.name = None;
    p12.rule = "key-file.pkcs12".into();
    let mut fixture = secret("tests/fixtures/test.key", 0, "-----BEGIN EC PRIVATE KEY-----\ny\n", None, "x", None);
    fixture.name = None;
    fixture.rule = crate::keyfile::TEXT_RULE.into();
    let planned = build(&[pem, p12, fixture], &opts()).unwrap();
    let p = planned.plan;
    let s = secret_named(&p, "shop/server-key");
    assert_eq!((s.shape, s.keys[0].key.as_str()), (crate::model::Shape::String, "value"));
    assert_eq!(s.keys[0].sites[0].strategy, Strategy::File);
    let why = s.keys[0].sites[0].reason.as_deref().unwrap();
    assert!(why.contains("hoist run --file certs/server.key") && why.contains("ExternalSecret"), "{why}");
    let b = secret_named(&p, "shop/client-p12");
    assert_eq!((b.shape, b.keys[0].sites[0].strategy), (crate::model::Shape::Binary, Strategy::File));
    assert_eq!(planned.payload_sizes["shop/client-p12"], 8, "the keystore's bytes, not its base64");
    assert!(b.is_referenced(), "apply creates it without --include-manual");
    let t = secret_named(&p, "shop/test-key");
    assert_eq!(t.keys[0].sites[0].strategy, Strategy::Skip, "a test fixture's key stays");
}

#[test]
fn carried_names_win_and_the_default_holder_moves_aside() {
    let fs =
        vec![secret("a.py", 1, "tok-a", None, "API_TOKEN", None), secret("b.py", 1, "tok-b", None, "API_TOKEN", None)];
    let first = build(&fs, &opts()).unwrap().plan;
    let names: Vec<&str> = first.secrets.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["shop/api-token", "shop/api-token-b"]);
    // The user gives b.py's secret the name a.py's secret has by default, and skips a.py.
    let mut edited = first.clone();
    edited.secrets[0].name = "shop/legacy".into();
    edited.secrets[0].keys[0].sites[0].strategy = Strategy::Skip;
    edited.secrets[1].name = "shop/api-token".into();
    let mut again = build(&fs, &opts()).unwrap();
    let r = carry_edits(&edited, &mut again);
    assert_eq!((r.kept, r.secrets_kept, r.new_sites.len(), r.vanished.len()), (2, 2, 0, 0));
    let legacy = again.plan.secret("shop/legacy").unwrap();
    assert!(legacy.is_skipped());
    assert_eq!(legacy.keys[0].sites[0].path, std::path::Path::new("a.py"));
    assert_eq!(again.plan.secret("shop/api-token").unwrap().keys[0].sites[0].path, std::path::Path::new("b.py"));
    assert_eq!(again.plan.active_secrets().count(), 1);
    assert_eq!(again.payload_sizes.len(), 2);
    assert!(again.payload_sizes.contains_key("shop/legacy"));
}

#[test]
fn connection_string_parts_get_their_own_variables() {
    let g = Some("app/db.py#dsn");
    let mut fs = vec![
        secret("app/db.py", 30, "pw-dsn", g, "DATABASE_URL", Some("password")),
        cfg("app/db.py", 40, "db.example", g, "DATABASE_URL", "host"),
        cfg("app/db.py", 24, "app", g, "DATABASE_URL", "username"),
        cfg("app/db.py", 14, "postgres", g, "DATABASE_URL", "engine"),
        secret(".env", 30, "pw-dsn", Some(".env#dsn"), "DATABASE_URL", Some("password")),
    ];
    for f in &mut fs {
        f.rule = format!("dsn.{}", f.key.as_deref().unwrap());
    }
    let p = build(&fs, &opts()).unwrap().plan;
    let s = secret_named(&p, "shop/postgres");
    let vars: Vec<(&str, &str, Strategy)> =
        p.sites().map(|(_, k, t)| (k.key.as_str(), t.env_var.as_deref().unwrap(), t.strategy)).collect();
    assert_eq!(
        vars,
        [
            // Settings inside the URL stay; only the credential is rewritten.
            ("engine", "DATABASE_ENGINE", Strategy::Skip),
            ("host", "DATABASE_HOST", Strategy::Skip),
            ("username", "DATABASE_USERNAME", Strategy::Skip),
            // The `.env` line holds the whole URL: it can't inject the password alone.
            ("password", "DATABASE_PASSWORD", Strategy::Manual),
            ("password", "DATABASE_PASSWORD", Strategy::Sdk),
        ]
    );
    assert_eq!(s.keys.len(), 4);
}

#[test]
fn twenty_thousand_findings_plan_quickly() {
    // 4,000 files, each a credential with four companions; every value shared by ten files.
    let mut fs = Vec::new();
    for i in 0..4000 {
        let path = format!("svc{}/conf{i}.py", i % 40);
        let g = format!("{path}#db");
        let v = i % 400;
        fs.push(secret(&path, 10, &format!("pw-{v}"), Some(&g), "DB_PASSWORD", Some("password")));
        fs.push(cfg(&path, 40, &format!("host-{v}"), Some(&g), "DB_HOST", "host"));
        fs.push(cfg(&path, 70, "5432", Some(&g), "DB_PORT", "port"));
        fs.push(cfg(&path, 90, &format!("user-{v}"), Some(&g), "DB_USER", "username"));
        fs.push(cfg(&path, 120, &format!("db-{v}"), Some(&g), "DB_NAME", "dbname"));
    }
    let t = std::time::Instant::now();
    let p = build(&fs, &opts()).unwrap().plan;
    let took = t.elapsed();
    assert_eq!(p.secrets.len(), 400);
    assert_eq!(p.sites().count(), 20_000);
    assert!(validate_shape(&p).is_empty());
    eprintln!("planned 20,000 findings in {took:?}");
    assert!(took < std::time::Duration::from_secs(20), "{took:?}");
}

#[test]
fn one_word_names_in_code_get_derived_variables_and_url_labels_name_parts() {
    let g = Some("app/settings.py#postgres:default");
    let r = Some("worker/index.js#redis:redis_url");
    let mut fs = vec![
        secret("app/settings.py", 10, "pw-django", g, "PASSWORD", Some("password")),
        cfg("app/settings.py", 40, "db.internal", g, "HOST", "host"),
        secret("worker/index.js", 10, "pw-redis", r, "password", Some("password")),
        cfg("worker/index.js", 40, "cache.internal", r, "host", "host"),
    ];
    fs[2].rule = "database.redis-uri".into();
    fs[3].rule = "dsn.host".into();
    let p = build(&fs, &opts()).unwrap().plan;
    let vars: Vec<(&str, &str)> = p.sites().map(|(s, _, t)| (s.name.as_str(), t.env_var.as_deref().unwrap())).collect();
    assert_eq!(
        vars,
        [
            ("shop/postgres", "POSTGRES_HOST"),
            ("shop/postgres", "POSTGRES_PASSWORD"),
            ("shop/redis", "REDIS_HOST"),
            ("shop/redis", "REDIS_PASSWORD"),
        ]
    );
}

#[test]
fn very_long_names_stay_valid_and_distinct() {
    let mut o = opts();
    o.app = "a".repeat(300);
    let fs: Vec<_> =
        (0..3).map(|i| secret(&format!("f{i}.py"), 1, &format!("v-{i}"), None, "API_TOKEN", None)).collect();
    let p = build(&fs, &o).unwrap().plan;
    assert_eq!(p.secrets.len(), 3);
    assert!(validate_shape(&p).is_empty(), "{:?}", validate_shape(&p));
}

#[test]
fn smtp_credentials_are_named_by_their_label_not_database() {
    let g = Some("config/mail.ini#smtp");
    let fs = vec![
        cfg("config/mail.ini", 10, "smtp.example", g, "host", "host"),
        cfg("config/mail.ini", 30, "587", g, "port", "port"),
        cfg("config/mail.ini", 40, "mailer", g, "username", "username"),
        secret("config/mail.ini", 60, "mail-pw", g, "password", Some("password")),
    ];
    let p = build(&fs, &opts()).unwrap().plan;
    assert_eq!(p.secrets[0].name, "shop/smtp");
    let vars: Vec<&str> = p.sites().map(|(_, _, t)| t.env_var.as_deref().unwrap()).collect();
    assert_eq!(vars, ["SMTP_HOST", "SMTP_PORT", "SMTP_USERNAME", "SMTP_PASSWORD"]);
}

#[test]
fn equal_passwords_of_different_engines_or_databases_stay_apart() {
    let compose = "docker-compose.yml";
    let d = |f| deployed(f, "docker-compose", "x");
    let fs = vec![
        d(secret(compose, 100, "same-pw", Some("docker-compose.yml#mysql"), "MYSQL_PASSWORD", Some("password"))),
        d(cfg(compose, 130, "shop", Some("docker-compose.yml#mysql"), "MYSQL_USER", "username")),
        d(secret(compose, 200, "same-pw", Some("docker-compose.yml#postgres"), "POSTGRES_PASSWORD", Some("password"))),
        d(cfg(compose, 230, "shop", Some("docker-compose.yml#postgres"), "POSTGRES_USER", "username")),
        // Two databases of one engine: the dev and the test database.
        secret("a/dev.py", 10, "db-pw", Some("a/dev.py#postgres:db"), "PASSWORD", Some("password")),
        cfg("a/dev.py", 40, "shop_dev", Some("a/dev.py#postgres:db"), "NAME", "dbname"),
        secret("a/other.py", 10, "db-pw", Some("a/other.py#postgres:db"), "PASSWORD", Some("password")),
        cfg("a/other.py", 40, "shop_test", Some("a/other.py#postgres:db"), "NAME", "dbname"),
    ];
    let p = build(&fs, &opts()).unwrap().plan;
    let names: Vec<&str> = p.secrets.iter().map(|s| s.name.as_str()).collect();
    assert!(names.contains(&"shop/mysql") && names.iter().any(|n| n.starts_with("shop/postgres")), "{names:?}");
    assert_eq!(names.len(), 4, "{names:?}");
    // No dbname was dropped as a "conflict": each database keeps its own.
    let dbnames = p.secrets.iter().filter(|s| s.keys.iter().any(|k| k.key == "dbname")).count();
    assert_eq!(dbnames, 2);
}

mod strategy;
