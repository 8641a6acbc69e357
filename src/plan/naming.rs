//! Secret names: the environment a path belongs to, the group a set of findings forms (database
//! engine, provider, credential name), the name template, and the rules Secrets Manager puts on
//! names (characters, length, no `-XXXXXX` ending).

use crate::detect::judge;
use crate::model::{Finding, Kind};

/// Longest name Secrets Manager returns.
pub const MAX_NAME_LEN: usize = 256;

/// The default name template.
pub const DEFAULT_TEMPLATE: &str = "{app}/{env}/{group}";

/// The environment a path names, normalised (`production` → `prod`, `development` → `dev`,
/// `stage` → `staging`), from its directories and file name (`deploy/prod/…`, `.env.production`,
/// `values-prod.yaml`). The deepest mention wins; `None` when the path names none.
pub fn env_of_path(path: &str) -> Option<String> {
    // In a test program (`tests/test_api.py`) "test" says what the file is, not where it runs;
    // a settings or deployment file in a `test/` folder (`deploy/test/.env`) is the test
    // environment's, and must not merge with dev's or prod's by an equal value.
    let p = std::path::Path::new(path);
    use crate::format::FileFormat as F;
    let code = !matches!(
        F::of(p),
        F::Yaml | F::Json | F::Hcl | F::Xml | F::Dotenv | F::Properties | F::Ini | F::Toml | F::Dockerfile
    );
    let test_file = crate::scan::is_test_path(p) && code;
    let mut found = None;
    for token in path.split(['/', '\\', '.', '-', '_']) {
        if let Some(e) = normalise_env(token).filter(|e| !(test_file && *e == "test")) {
            found = Some(e.to_string());
        }
    }
    found
}

/// A recognised environment word in its normal form.
pub fn normalise_env(token: &str) -> Option<&'static str> {
    Some(match token.to_ascii_lowercase().as_str() {
        "prod" | "production" | "prd" => "prod",
        "staging" | "stage" | "stg" => "staging",
        "dev" | "development" => "dev",
        "qa" => "qa",
        "test" => "test",
        "uat" => "uat",
        _ => return None,
    })
}

/// Database engines hoist names secrets after, with the words that mean them.
const ENGINES: &[(&str, &[&str])] = &[
    ("postgres", &["postgres", "postgresql", "psql", "pg", "pgsql", "psycopg", "psycopg2", "asyncpg", "postgis"]),
    ("mysql", &["mysql", "mysqli", "pymysql", "mysqldb"]),
    ("mariadb", &["mariadb", "maria"]),
    ("oracle", &["oracle", "oracledb"]),
    ("sqlserver", &["sqlserver", "mssql", "pymssql", "tds"]),
    ("mongodb", &["mongodb", "mongo", "pymongo"]),
    ("redis", &["redis", "rediss", "valkey", "elasticache"]),
    ("redshift", &["redshift"]),
    ("db2", &["db2"]),
    ("cassandra", &["cassandra"]),
];

/// Well-known ports, a last hint at the engine.
const PORTS: &[(&str, &str)] = &[
    ("5432", "postgres"),
    ("3306", "mysql"),
    ("1433", "sqlserver"),
    ("1521", "oracle"),
    ("27017", "mongodb"),
    ("6379", "redis"),
    ("5439", "redshift"),
];

/// The engine a word stands for (`postgresql` → `postgres`, `django.db.backends.mysql` → `mysql`).
pub fn engine_of(text: &str) -> Option<&'static str> {
    for token in judge::words(text) {
        for (engine, words) in ENGINES {
            if words.contains(&token.as_str()) {
                return Some(engine);
            }
        }
    }
    None
}

/// Rule families that say how a value was found rather than whose it is; they never name a group.
const GENERIC_FAMILIES: &[&str] = &[
    "generic",
    "config",
    "dsn",
    "uri",
    "url",
    "jdbc",
    "connection",
    "password",
    "secret",
    "keyword",
    "entropy",
    "env",
    "dotenv",
    "deploy",
    "ecs",
    "compose",
    "kubernetes",
    "kubernetes-secret",
    "k8s",
    "terraform",
    "cloudformation",
    "code",
    "context",
    "database",
    "db",
    "user",
];

/// The provider family of a rule id (`stripe.secret-key` → `stripe`), unless it is a generic one.
pub fn provider_of(rule: &str) -> Option<&str> {
    let family = rule.split('.').next()?;
    (!family.is_empty() && rule.contains('.') && !GENERIC_FAMILIES.contains(&family)).then_some(family)
}

/// The engine hinted by a group label (`settings.py#postgres:databases_default` → `postgres`).
fn engine_of_label(group: &str) -> Option<&'static str> {
    let label = group.rsplit_once('#').map(|(_, l)| l).unwrap_or(group);
    let (hint, _) = label.split_once(':')?;
    engine_of(hint)
}

/// The engine of a set of findings: an `engine` value, a label hint, a name or rule that says it,
/// or a well-known port. Values are looked at in memory only; only the engine word leaves.
pub fn engine_of_findings(members: &[&Finding]) -> Option<&'static str> {
    let from_value =
        |key: &str| members.iter().filter(|f| f.key.as_deref() == Some(key)).find_map(|f| engine_of(f.value.expose()));
    from_value("engine")
        .or_else(|| members.iter().find_map(|f| f.group.as_deref().and_then(engine_of_label)))
        .or_else(|| members.iter().find_map(|f| f.name.as_deref().and_then(engine_of)))
        .or_else(|| members.iter().find_map(|f| engine_of(&f.rule)))
        .or_else(|| {
            members
                .iter()
                .filter(|f| f.key.as_deref() == Some("port"))
                .find_map(|f| PORTS.iter().find(|(p, _)| f.value.expose().trim() == *p).map(|(_, e)| *e))
        })
}

/// Words in a name that say "database" without naming an engine.
const DB_WORDS: &[&str] = &["db", "database", "datasource", "databases", "sql", "rds", "aurora", "jdbc"];

/// Labels that say nothing about what a group is for.
const GENERIC_LABELS: &[&str] = &[
    "default",
    "config",
    "configuration",
    "settings",
    "main",
    "app",
    "application",
    "credentials",
    "creds",
    "secrets",
    "secret",
    "env",
    "environment",
    "common",
    "base",
    "global",
    "local",
    "prod",
    "production",
    "staging",
    "stage",
    "dev",
    "development",
    "test",
    "values",
    "data",
    "spec",
    "properties",
];

/// The detector's label of a group, reduced to its last dotted segment without a `-N`
/// disambiguator (`docker-compose.yml#api.github` → `github`), unless it is generic.
fn label_of(f: &Finding, keys: &[&str]) -> Option<String> {
    let label = f.group.as_deref()?.rsplit_once('#')?.1;
    let label = label.rsplit_once(':').map_or(label, |(_, l)| l);
    let last = label.rsplit('.').next().unwrap_or(label);
    let last = last.rsplit_once('-').filter(|(_, n)| n.parse::<u32>().is_ok()).map_or(last, |(l, _)| l);
    let s = slug(last);
    let generic = s.is_empty()
        || GENERIC_LABELS.contains(&s.as_str())
        || keys.iter().any(|k| slug(k) == s)
        || s.starts_with(|c: char| c.is_ascii_digit());
    (!generic).then_some(s)
}

/// The group part of a secret's name for a cluster of findings whose JSON keys are `keys`:
/// the database engine (or `database`), `redis`, the provider family, the detector's label for a
/// credential with companions (`smtp`), else a slug of the credential's name.
pub fn group_of(members: &[&Finding], keys: &[&str]) -> String {
    let has = |k: &str| keys.contains(&k);
    if let Some(e) = engine_of_findings(members) {
        return e.to_string();
    }
    // host/port/username also come with SMTP, LDAP, FTP…: a database needs a database word.
    let db_named = members.iter().any(|f| {
        let label = f.group.as_deref().map(|g| g.rsplit_once('#').map_or(g, |(_, l)| l));
        [f.name.as_deref(), label]
            .into_iter()
            .flatten()
            .any(|n| judge::words(n).iter().any(|w| DB_WORDS.contains(&w.as_str())))
    });
    if has("dbname") || has("password") && db_named {
        return "database".into();
    }
    let secrets = members.iter().filter(|f| f.kind == Kind::Secret);
    if let Some(p) = secrets.clone().find_map(|f| provider_of(&f.rule)) {
        return slug(p);
    }
    if keys.len() >= 2
        && let Some(l) = members.iter().find_map(|f| label_of(f, keys))
    {
        return l;
    }
    let first = secrets.clone().next().copied().or(members.first().copied());
    let named = first.and_then(|f| f.name.as_deref()).map(slug).filter(|s| !s.is_empty());
    named
        .or_else(|| first.map(|f| slug(f.rule.rsplit('.').next().unwrap_or(&f.rule))).filter(|s| !s.is_empty()))
        .unwrap_or_else(|| "secret".into())
}

/// A lowercase, `-`-joined slug of a name in any style (`jwtSigningKey` → `jwt-signing-key`).
pub fn slug(name: &str) -> String {
    judge::words(name).join("-")
}

/// Fills the name template. Empty segments (no environment) are dropped, so `{app}/{env}/{group}`
/// with no environment gives `app/group`.
pub fn render(template: &str, app: &str, env: Option<&str>, group: &str) -> String {
    let filled = template.replace("{app}", app).replace("{env}", env.unwrap_or("")).replace("{group}", group);
    let parts: Vec<&str> = filled.split('/').filter(|p| !p.is_empty()).collect();
    parts.join("/")
}

/// Checks a name template: it must contain `{group}` (or every secret of an environment would
/// get one name) and no placeholder other than `{app}`, `{env}`, `{group}`.
pub fn check_template(template: &str) -> Result<(), String> {
    if !template.contains("{group}") {
        return Err(format!("name template {template:?} has no {{group}}; every secret would get the same name"));
    }
    let rest = template.replace("{app}", "").replace("{env}", "").replace("{group}", "");
    if rest.contains('{') || rest.contains('}') {
        return Err(format!("name template {template:?}: only {{app}}, {{env}} and {{group}} are known"));
    }
    Ok(())
}

/// True for a character Secrets Manager allows in a name.
pub fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "/_+=.@-".contains(c)
}

/// True when `name` ends in `-` plus six characters, which partial-ARN lookups mistake for the
/// random suffix every secret ARN ends with (`db-secret` would resolve as secret `db`).
pub fn has_arn_like_suffix(name: &str) -> bool {
    let b = name.as_bytes();
    b.len() >= 7 && b[b.len() - 7] == b'-'
}

/// Makes any text a valid secret name: disallowed characters become `-` (runs collapse), the
/// result is cut to 256 characters, and an ending of `-` plus six characters gets its hyphen
/// changed to `_` (`app/prod/db-secret` → `app/prod/db_secret`): same length and meaning, and
/// `_` never starts an ARN suffix.
pub fn sanitise(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        let c = if is_name_char(c) { c } else { '-' };
        if c == '-' && out.ends_with('-') {
            continue;
        }
        out.push(c);
    }
    let mut out = out.trim_matches(|c| c == '-' || c == '/').to_string();
    if out.len() > MAX_NAME_LEN {
        out.truncate(MAX_NAME_LEN);
    }
    fix_arn_suffix(&out)
}

/// `name` with `-{n}` appended, cut before the suffix when needed so it stays ≤ 256 characters
/// (a cut after it would make every number the same name).
pub fn numbered(name: &str, n: usize) -> String {
    let suffix = format!("-{n}");
    let mut base = sanitise(name);
    let keep = MAX_NAME_LEN - suffix.len();
    if base.len() > keep {
        let mut cut = keep;
        while !base.is_char_boundary(cut) {
            cut -= 1;
        }
        base.truncate(cut);
    }
    fix_arn_suffix(&format!("{base}{suffix}"))
}

/// The fixed form of a name that ends in `-` plus six characters (see [`sanitise`]).
pub fn fix_arn_suffix(name: &str) -> String {
    if !has_arn_like_suffix(name) {
        return name.to_string();
    }
    let at = name.len() - 7;
    format!("{}_{}", &name[..at], &name[at + 1..])
}

/// A valid environment variable name (`[A-Za-z_][A-Za-z0-9_]*`).
pub fn is_env_var(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// True for an `UPPER_SNAKE` name, the way environment variables are written.
pub fn is_upper_snake(name: &str) -> bool {
    is_env_var(name) && name.chars().any(|c| c.is_ascii_uppercase()) && !name.chars().any(|c| c.is_ascii_lowercase())
}

/// `dbPassword` → `DB_PASSWORD`, `spring.datasource.password` → `SPRING_DATASOURCE_PASSWORD`.
pub fn upper_snake(name: &str) -> String {
    let s = judge::words(name).join("_").to_ascii_uppercase();
    let s: String = s.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '_' }).collect();
    if s.starts_with(|c: char| c.is_ascii_digit()) { format!("_{s}") } else { s }
}

/// A JSON key in snake case (`dbPassword` → `db_password`); `value` when nothing is left.
pub fn snake_key(name: &str) -> String {
    let s = judge::words(name).join("_");
    if s.is_empty() { "value".into() } else { s }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn environments_from_paths() {
        assert_eq!(env_of_path(".env.production").as_deref(), Some("prod"));
        assert_eq!(env_of_path("deploy/values-prod.yaml").as_deref(), Some("prod"));
        assert_eq!(env_of_path("infra/staging/main.tf").as_deref(), Some("staging"));
        assert_eq!(env_of_path("config/development.py").as_deref(), Some("dev"));
        assert_eq!(env_of_path("prod/app/.env.qa").as_deref(), Some("qa"));
        assert_eq!(env_of_path("src/app/settings.py"), None);
        assert_eq!(env_of_path("products/api.py"), None);
        assert_eq!(env_of_path("tests/conftest.py"), None);
        assert_eq!(env_of_path("tests/test_api.py"), None);
        assert_eq!(env_of_path("config/environments/test.rb").as_deref(), Some("test"));
        // A settings file in a `test/` folder is the test environment's; a test program isn't.
        assert_eq!(env_of_path("deploy/test/.env").as_deref(), Some("test"));
        assert_eq!(env_of_path("k8s/test/api.yaml").as_deref(), Some("test"));
        assert_eq!(env_of_path("test/test_env.py"), None);
    }

    #[test]
    fn engines_from_words() {
        assert_eq!(engine_of("django.db.backends.postgresql"), Some("postgres"));
        assert_eq!(engine_of("MYSQL_ROOT_PASSWORD"), Some("mysql"));
        assert_eq!(engine_of("mongodb+srv"), Some("mongodb"));
        assert_eq!(engine_of("pg"), Some("postgres"));
        assert_eq!(engine_of("page_size"), None);
    }

    #[test]
    fn providers_from_rule_ids() {
        assert_eq!(provider_of("stripe.secret-key"), Some("stripe"));
        assert_eq!(provider_of("aws.access-key-id"), Some("aws"));
        assert_eq!(provider_of("generic.password"), None);
        assert_eq!(provider_of("dsn.password"), None);
        assert_eq!(provider_of("stripe"), None);
    }

    #[test]
    fn templates_render_and_check() {
        assert_eq!(render(DEFAULT_TEMPLATE, "shop", Some("prod"), "postgres"), "shop/prod/postgres");
        assert_eq!(render(DEFAULT_TEMPLATE, "shop", None, "postgres"), "shop/postgres");
        assert_eq!(render("{env}-{app}-{group}", "shop", None, "redis"), "-shop-redis");
        assert!(check_template("{app}/{env}").is_err());
        assert!(check_template("{app}/{region}/{group}").is_err());
        assert!(check_template("teams/{app}/{group}").is_ok());
    }

    #[test]
    fn names_are_sanitised() {
        assert_eq!(sanitise("my app/prod/db pw!"), "my-app/prod/db-pw");
        assert_eq!(sanitise("app/prod/db-secret"), "app/prod/db_secret");
        assert_eq!(sanitise("app/prod/stripe-api-key"), "app/prod/stripe-api-key");
        assert_eq!(sanitise(&"x".repeat(300)).len(), 256);
        let long = "x".repeat(300);
        assert_ne!(numbered(&long, 2), numbered(&long, 3));
        assert!(numbered(&long, 12).ends_with("x-12") && numbered(&long, 12).len() == 256);
        assert_eq!(numbered("app/db", 100000), "app/db_100000");
        assert!(has_arn_like_suffix("a-123456"));
        assert!(!has_arn_like_suffix("a-12345"));
        assert!(!has_arn_like_suffix("a-1234567"));
        for c in sanitise("ünïcødé/ä@b=c+d.e_f").chars() {
            assert!(is_name_char(c));
        }
    }

    #[test]
    fn env_var_names() {
        assert_eq!(upper_snake("dbPassword"), "DB_PASSWORD");
        assert_eq!(upper_snake("spring.datasource.password"), "SPRING_DATASOURCE_PASSWORD");
        assert!(is_upper_snake("DB_PASSWORD"));
        assert!(!is_upper_snake("dbPassword"));
        assert!(!is_env_var("1X"));
        assert_eq!(snake_key("STRIPE_API_KEY"), "stripe_api_key");
    }
}
