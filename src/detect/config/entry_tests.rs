//! Unit tests for the config judgement and grouping.

use super::*;

/// Adds `name=value` entries to one scope, values laid out one after another.
fn sink_with(flat: bool, pairs: &[(&str, &str)]) -> Sink {
    let mut sink = Sink::default();
    let scope = sink.scope("svc", flat);
    let mut at = 0;
    for (n, v) in pairs {
        sink.add(scope, n, v.to_string(), Span::new(at, at + v.len()), true);
        at += v.len() + 1;
    }
    sink
}

fn summary(d: &[Detection]) -> Vec<(String, Kind, String)> {
    d.iter().map(|d| (d.name.clone().unwrap(), d.kind, d.group.clone().unwrap())).collect()
}

#[test]
fn flat_scopes_group_by_name_prefix() {
    let d = judge(sink_with(
        true,
        &[("DB_HOST", "db"), ("DB_PASSWORD", "pw-81kQz"), ("REDIS_HOST", "cache"), ("STRIPE_API_KEY", "sk-9Lq2Zx7")],
    ));
    let s = summary(&d);
    assert_eq!(s.len(), 3, "{s:?}");
    assert_eq!(s[0], ("DB_HOST".into(), Kind::Config, "svc.db".into()));
    assert_eq!(s[1], ("DB_PASSWORD".into(), Kind::Secret, "svc.db".into()));
    assert_eq!(s[2].2, "svc.stripe_api");
}

#[test]
fn a_shorter_prefix_joins_the_longer_credential() {
    let d = judge(sink_with(true, &[("MYSQL_USER", "app"), ("MYSQL_ROOT_PASSWORD", "r00t-Pw7")]));
    assert_eq!(d.len(), 2);
    assert_eq!(d[0].group, d[1].group);
}

#[test]
fn nested_scopes_take_unprefixed_companions_but_not_foreign_prefixes() {
    let d = judge(sink_with(false, &[("host", "h"), ("redis_host", "r"), ("db_password", "pw-81kQz")]));
    let s = summary(&d);
    assert_eq!(s.iter().map(|x| x.0.as_str()).collect::<Vec<_>>(), ["host", "db_password"]);
}

#[test]
fn config_without_a_credential_is_dropped() {
    assert!(judge(sink_with(false, &[("host", "h"), ("port", "5432"), ("user", "u")])).is_empty());
}

#[test]
fn references_placeholders_and_build_tokens_are_not_secrets() {
    for v in ["${DB_PASSWORD}", "{{ pw }}", "changeme", "@db.password@", "%DB_PASSWORD%", "/run/secrets/db_password"] {
        assert!(judge(sink_with(false, &[("password", v)])).is_empty(), "{v}");
    }
    let mut sink = sink_with(false, &[("password", "pw-81kQz")]);
    sink.entries[0].literal = false;
    assert!(judge(sink).is_empty());
}

#[test]
fn mechanism_names_and_inner_pass_are_not_credentials() {
    for n in ["password.encoder", "needless_pass_by_value", "token_generator"] {
        assert!(judge(sink_with(false, &[(n, "bcrypt-x1")])).is_empty(), "{n}");
    }
    assert_eq!(judge(sink_with(false, &[("DB_PASS", "pw-81kQz")])).len(), 1);
}

#[test]
fn connection_strings_are_split_and_url_parts_join_a_credential() {
    let v = "postgres://app:pw-81kQz@db:5432/main";
    let d = judge(sink_with(true, &[("DATABASE_URL", v)]));
    let keys: Vec<_> = d.iter().map(|d| d.key.clone().unwrap()).collect();
    assert_eq!(keys, ["engine", "username", "password", "host", "port", "dbname"]);
    assert_eq!(d[2].rule, "dsn.password");
    // A URL without a password lends its parts to the credential beside it.
    let d = judge(sink_with(
        true,
        &[("spring.datasource.url", "jdbc:mysql://h:3306/inv"), ("spring.datasource.password", "pw-81kQz")],
    ));
    assert_eq!(d.len(), 5, "{:?}", summary(&d));
    assert!(d.iter().all(|x| x.group == d[0].group));
}

#[test]
fn collection_parents_make_children_credentials() {
    let mut sink = sink_with(false, &[("stripe", "sk-9Lq2Zx7"), ("provider", "vault")]);
    for e in &mut sink.entries {
        e.parent = Some("secrets".into());
    }
    let d = judge(sink);
    assert_eq!(summary(&d), [("stripe".into(), Kind::Secret, "svc".into())]);
}

/// Regressions from scanning botocore/cfn-lint data and crate sources.
#[test]
fn api_model_fields_ids_and_counts_are_not_credentials() {
    for (n, v) in [
        ("input_token", "nextToken"),
        ("limit_key", "MaxResults"),
        ("ChangeTokenStatus", "PENDING"),
        ("PasswordReusePrevention", "12"),
        ("PasswordLastUsed", "2016-09-08T21:47:36Z"),
        ("CloudWatchAPIKeyAccess", "arn:aws:iam::aws:policy/CloudWatchAPIKeyAccess"),
        ("credentials", "team/home#assets/crates-credentials"),
    ] {
        assert!(judge(sink_with(false, &[(n, v)])).is_empty(), "{n}={v}");
    }
    let mut sink = sink_with(false, &[("maximum", "8192"), ("result_key", "items")]);
    for e in &mut sink.entries {
        e.parent = Some("MaxTokens".into());
    }
    assert!(judge(sink).is_empty());
}

#[test]
fn libpq_and_laravel_names_are_understood() {
    let d = judge(sink_with(
        true,
        &[("PGHOST", "db"), ("PGUSER", "app"), ("POSTGRES_PASSWORD", "pw-81kQz"), ("PGPASSWORD", "pw-81kQz")],
    ));
    let keys: Vec<_> = d.iter().map(|d| d.key.clone().unwrap()).collect();
    assert_eq!(keys, ["host", "username", "password", "password"]);
    assert!(d.iter().all(|x| x.group == d[0].group), "{:?}", summary(&d));
    let d = judge(sink_with(true, &[("DB_CONNECTION", "mysql"), ("DB_PASSWORD", "pw-81kQz")]));
    assert_eq!(d[0].key.as_deref(), Some("engine"));
}
