//! Unit tests of the judge: credential names, placeholders, weak values and sites.

use super::*;

#[test]
fn splits_naming_styles() {
    assert_eq!(words("dbPassword"), ["db", "password"]);
    assert_eq!(words("DB_PASSWORD"), ["db", "password"]);
    assert_eq!(words("spring.datasource.password"), ["spring", "datasource", "password"]);
    assert_eq!(words("HTTPApiKey"), ["http", "api", "key"]);
}

#[test]
fn secret_names() {
    for n in [
        "password",
        "DB_PASSWORD",
        "dbPasswd",
        "api_key",
        "apiKey",
        "STRIPE_SECRET_KEY",
        "client-secret",
        "authToken",
        "Kennwort",
        "mot_de_passe",
        "AUTHKEY",
        "hmackey",
        "cookieValidationKey",
        "validationKey",
        "JWT_KEY",
        "ses_smtp_password_v4",
        "testPasswordOld",
        "password_new",
        "API_TOKEN_V2",
        "secondary_secret",
        "key_store_password",
        "trustStorePassword",
        "ldap_manager_password",
        "keystore_file_password",
        "manager_password",
        "BCRYPT_AUTH_PASS",
    ] {
        assert!(is_secret_name(n), "{n}");
    }
    for n in [
        "password_file",
        "token_url",
        "SECRET_NAME",
        "passwordLength",
        "bypass",
        "username",
        "host",
        "compass",
        "monkey",
        "hotkey",
        "password_version",
        "next_token_url",
        "primary_key",
        "GRAYLOG_ROOT_PASSWORD_SHA2",
        "password_store",
        "secret_provider",
        "token_file",
        "password_manager_url",
        "store_password",
        "provider password",
        "md5_password",
        "password_sha256",
    ] {
        assert!(!is_secret_name(n), "{n}");
    }
}

#[test]
fn env_defaults_are_defaults_only() {
    assert_eq!(env_default("${DB_PASSWORD:-s3cret}"), Some((15, "s3cret")));
    assert_eq!(env_default("${db.password:s3cret}"), Some((14, "s3cret")));
    assert_eq!(env_default("${PASSWORD:=pw4}"), Some((12, "pw4")));
    // An error message and an alternative value are no defaults.
    assert_eq!(env_default("${DB_PASSWORD:?set DB_PASSWORD}"), None);
    assert_eq!(env_default("${DB_PASSWORD:+--password=x}"), None);
    assert_eq!(env_default("${A:-${B:-pw}}"), None);
}

#[test]
fn config_keys_and_prefixes() {
    assert_eq!(config_key("DB_HOST"), Some("host"));
    assert_eq!(config_key("dbUser"), Some("username"));
    assert_eq!(config_key("POSTGRES_DB"), Some("dbname"));
    assert_eq!(config_key("database_name"), Some("dbname"));
    assert_eq!(config_key("color"), None);
    assert_eq!(name_prefix("DB_PASSWORD").as_deref(), Some("db"));
    assert_eq!(secret_key("POSTGRES_PASSWORD"), "password");
    assert_eq!(secret_key("stripeApiKey"), "stripe_api_key");
}

#[test]
fn literal_values() {
    for v in ["hunter2", "s3cr3t!", "Tr0ub4dor&3"] {
        assert!(is_literal_value(v), "{v}");
    }
    for v in [
        "",
        "${DB_PASS}",
        "{{ db_pass }}",
        "%(pw)s",
        "$(cat x)",
        "$PASSWORD",
        "changeme",
        "<password>",
        "***",
        "xxx",
        "{{resolve:secretsmanager:x}}",
    ] {
        assert!(!is_literal_value(v), "{v}");
    }
}
