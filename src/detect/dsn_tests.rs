//! Unit tests for connection-string parsing.

use super::*;

/// (key, text of the span, decoded value) for each part.
fn parts(text: &str) -> Vec<(&'static str, String, String)> {
    parse(text)
        .unwrap_or_else(|| panic!("not parsed: {text}"))
        .parts
        .iter()
        .map(|p| (p.key, text[p.span.start..p.span.end].to_string(), p.value.clone()))
        .collect()
}

fn keyed(text: &str) -> Vec<(&'static str, String)> {
    parts(text).into_iter().map(|(k, _, v)| (k, v)).collect()
}

fn kv(pairs: &[(&'static str, &str)]) -> Vec<(&'static str, String)> {
    pairs.iter().map(|(k, v)| (*k, v.to_string())).collect()
}

#[test]
fn postgres_url_with_percent_encoded_password() {
    let t = "postgresql://app:p%40ss%3Aword@db.internal:5432/orders?sslmode=require";
    let p = parts(t);
    assert_eq!(p[0], ("engine", "postgresql".into(), "postgres".into()));
    assert_eq!(p[1], ("username", "app".into(), "app".into()));
    assert_eq!(p[2], ("password", "p%40ss%3Aword".into(), "p@ss:word".into()));
    assert_eq!(p[3], ("host", "db.internal".into(), "db.internal".into()));
    assert_eq!(p[4], ("port", "5432".into(), "5432".into()));
    assert_eq!(p[5], ("dbname", "orders".into(), "orders".into()));
}

#[test]
fn sqlalchemy_driver_scheme_and_raw_at_in_password() {
    let k = keyed("mysql+pymysql://root:se@cret@10.0.0.5/shop");
    assert_eq!(
        k,
        kv(&[
            ("engine", "mysql"),
            ("username", "root"),
            ("password", "se@cret"),
            ("host", "10.0.0.5"),
            ("dbname", "shop")
        ])
    );
}

#[test]
fn mongodb_srv_and_host_lists() {
    let k = keyed("mongodb+srv://svc:Zx9Qw2@cluster0.abcd.mongodb.net/prod?retryWrites=true");
    assert_eq!(k[0], ("engine", "mongo".into()));
    assert_eq!(k[2], ("password", "Zx9Qw2".into()));
    assert_eq!(k[3], ("host", "cluster0.abcd.mongodb.net".into()));
    let k = keyed("mongodb://u:pw1@h1:27017,h2:27017/admin");
    assert_eq!(k[3], ("host", "h1".into()));
    assert_eq!(k[4], ("port", "27017".into()));
}

#[test]
fn redis_password_only_userinfo() {
    let k = keyed("rediss://:s3cretRedis@cache.example.net:6380/0");
    assert_eq!(
        k,
        kv(&[("engine", "redis"), ("password", "s3cretRedis"), ("host", "cache.example.net"), ("port", "6380")])
    );
}

#[test]
fn jdbc_query_and_semicolon_params() {
    let k = keyed("jdbc:postgresql://pg:5432/app?user=svc&password=hunter22");
    assert_eq!(
        k,
        kv(&[
            ("engine", "postgres"),
            ("host", "pg"),
            ("port", "5432"),
            ("dbname", "app"),
            ("username", "svc"),
            ("password", "hunter22")
        ])
    );
    let k = keyed("jdbc:sqlserver://sql1:1433;databaseName=crm;user=sa;password=Str0ng!Pass");
    assert!(k.contains(&("engine", "sqlserver".into())));
    assert!(k.contains(&("dbname", "crm".into())));
    assert!(k.contains(&("password", "Str0ng!Pass".into())));
    let k = keyed("jdbc:mysql://u:p4ss@h/db");
    assert!(k.contains(&("password", "p4ss".into())));
    let k = keyed("jdbc:oracle:thin:scott/tiger9@//ora.local:1521/ORCL");
    assert_eq!(
        k,
        kv(&[
            ("engine", "oracle"),
            ("username", "scott"),
            ("password", "tiger9"),
            ("host", "ora.local"),
            ("port", "1521")
        ])
    );
}

#[test]
fn ado_and_odbc_strings() {
    let t = "Server=tcp:sql.example.net,1433;Initial Catalog=Billing;User Id=billing;Password=\"B1ll;ng\";Encrypt=True";
    let p = parts(t);
    let pw = p.iter().find(|x| x.0 == "password").unwrap();
    assert_eq!(pw.1, "B1ll;ng");
    assert!(p.contains(&("host", "sql.example.net".into(), "sql.example.net".into())));
    assert!(p.contains(&("port", "1433".into(), "1433".into())));
    assert!(p.contains(&("dbname", "Billing".into(), "Billing".into())));
    let k = keyed("Driver={PostgreSQL Unicode};Server=pg;Port=5432;Database=x;Uid=u;Pwd={a;b}");
    assert!(k.contains(&("engine", "postgres".into())));
    assert!(k.contains(&("password", "a;b".into())));
}

#[test]
fn not_connection_strings() {
    for t in
        ["https://example.com/path", "a=b;c=d", "hello world", "s3://bucket/key", "Server=x;Trusted_Connection=True"]
    {
        assert!(parse(t).is_none_or(|d| !d.has_password()), "{t}");
    }
    assert!(parse("https://example.com/path").is_none());
}

#[test]
fn detections_need_a_real_password_and_offset_spans() {
    let t = "postgres://app:Xk29sLq@db:5432/main";
    let d = detections(t, 100, Some("DATABASE_URL"), "g").unwrap();
    let pw = d.iter().find(|x| x.kind == Kind::Secret).unwrap();
    assert_eq!(pw.span, Span::new(115, 122));
    assert_eq!(pw.rule, "dsn.password");
    assert!(d.iter().all(|x| x.group.as_deref() == Some("g")));
    assert!(detections("postgres://app:${DB_PASS}@db/main", 0, None, "g").is_none());
    assert!(detections("postgres://app:changeme@db/main", 0, None, "g").is_none());
    assert!(detections("postgres://db:5432/main", 0, None, "g").is_none());
    assert!(parse_dsn("https://user:ghp_abcdefABCDEF1234567890@github.com", 0).is_some());
}
