//! Unit tests of `generic` (moved out to keep the module under ~500 lines).

use super::*;
use crate::detect::judge;

fn found(text: &str, values: Values) -> Vec<(String, String)> {
    pairs(text, 0, values).into_iter().map(|p| (p.name, text[p.span.start..p.span.end].to_string())).collect()
}

#[test]
fn reads_the_common_shapes() {
    let t = "password = \"world\"\n{user: \"admin\", pass: \"s3cr3t!\"}\nCONNECT {\\\"user\\\":\\\"derek\\\",\\\"pass\\\":\\\"s3\\\"}\n-e MYSQL_ROOT_PASSWORD=abc123 \\\nCREATE USER x IDENTIFIED BY 'pw9'\nurl: https://h/x\n";
    let got = found(t, Values::Any);
    let names: Vec<&str> = got.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["password", "user", "pass", "user", "pass", "MYSQL_ROOT_PASSWORD", "password"]);
    assert_eq!(got[2].1, "s3cr3t!");
    assert_eq!(got[4].1, "s3");
    assert_eq!(got[5].1, "abc123");
    assert_eq!(got[6].1, "pw9");
}

/// Every shape [`pairs`] reads whose judgement can report something: the gate must keep it.
const GATE_SHAPES: &str = "let x = 1;\nfn key(&self) -> &str { \"k\" }\npassword = \"world\"\n\n\
    {user: \"admin\", pass: \"s3cr3t!\"}\nhost: db.internal\ndb_user = \"app\"\n-e MYSQL_ROOT_PASSWORD=abc123 \\\n\
    CREATE USER x IDENTIFIED BY 'pw9'\ndb_host = \"postgres://u:p4ss@db/x\"\n\
    db_server = \"Server=db;Uid=sa;Pwd=Xq9;\"\nSLACK_WEBHOOK: https://hooks.example/T0/B1\n\
    req.header(\"Authorization\", \"Basic dXNlcjpwYXNzd29yZA==\")\nh = \"Bearer abcdef0123456789xyz\"\n\
    mot_de_passe = 'Zx81-q'\nsenha: 'Qq19zz'\nApiKey = \"K9x-77\"\ndb_server: \"jdbc:mysql://h/db;password=Pq1\"\n";

#[test]
fn the_gate_keeps_every_line_with_a_secret_pair_and_only_lines_with_a_word() {
    for values in [Values::Any, Values::Quoted] {
        let all = pairs(GATE_SHAPES, 0, values);
        let gated = gate_pairs(GATE_SHAPES, values);
        let wanted: Vec<_> = all
            .iter()
            .filter(|p| judge::is_secret_name(&p.name) || p.value.contains("://") || p.value.contains(';'))
            .map(|p| (p.name.clone(), p.span))
            .collect();
        assert!(wanted.len() >= 11, "{wanted:?}");
        for w in &wanted {
            assert!(gated.iter().any(|g| (g.name.clone(), g.span) == *w), "{w:?} not in {gated:?}");
        }
        // The companions on other lines (`host:`, `user:` beside no word) are left to the whole-text pass.
        assert!(gated.len() < all.len());
    }
    let lines: Vec<&str> = gate_lines(GATE_SHAPES).into_iter().map(|(s, e)| &GATE_SHAPES[s..e]).collect();
    assert!(lines.contains(&"fn key(&self) -> &str { \"k\" }"), "{lines:?}");
    assert!(!lines.iter().any(|l| l.starts_with("let x") || l.starts_with("host:")), "{lines:?}");
    assert_eq!(gate_lines("no word here\n"), []);
    assert_eq!(gate_lines("a token"), [(0, 7)]);
}

#[test]
fn skips_expressions_comparisons_and_prose() {
    let t = "if password == other:\npassword: the one you chose\ntoken = getToken()\nx := password\n";
    assert!(found(t, Values::Any).iter().all(|(n, _)| n != "password" && n != "token"), "{:?}", found(t, Values::Any));
    assert!(found("secret = abc123\n", Values::Quoted).is_empty());
}

#[test]
fn typed_declarations_are_read_by_the_name_before_the_type() {
    let t = "val dbPassword: String = \"kt-Pw-91xQ\"\nconst DB_TOKEN: &'static str = \"rs-Tok-77q\";\n\
        let apiKey: Swift.String? = \"sw-Key-12z\"\nstatic SECRET: std::string::String = x();\n\
        let port: Int = 5432\nfoo: bar, password = \"pl41n\"\nprivate val label: String = \"Password\"\n";
    let got = found(t, Values::Any);
    assert_eq!(
        got,
        [
            ("dbPassword".to_string(), "kt-Pw-91xQ".to_string()),
            ("DB_TOKEN".to_string(), "rs-Tok-77q".to_string()),
            ("apiKey".to_string(), "sw-Key-12z".to_string()),
            ("password".to_string(), "pl41n".to_string()),
        ]
    );
    // Where the word before `=` is itself a credential name, it stays the name.
    assert_eq!(found("x: T, token = \"abc\"\n", Values::Quoted), [("token".to_string(), "abc".to_string())]);
}

#[test]
fn the_gate_paragraphs_judge_to_what_the_whole_text_judges_to() {
    let mut texts: Vec<String> = vec![
        String::new(),
        "db_host = \"orders-db\"\ndb_user = \"orders\"\ndb_password = \"Pw-91xQ7\"\n\nredis_host = \"cache\"\n".into(),
        "host: a\n\n\n  \t\npassword: Zq81-x\nuser: app\n\nport: 5432\npassword: Zq81-y".into(),
        "\npassword = 'first-line-Pw9'\r\n\r\nurl = postgres://app:Lit3ral@db/x\r\nuser = app\r\n".into(),
        "token = \"a1\"\nnothing here\n\ntoken = \"b2\"\n".repeat(50),
    ];
    let mut stack = vec![std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/detect")];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(dir).unwrap().flatten() {
            match e.path() {
                p if p.is_dir() => stack.push(p),
                p => texts.extend(std::fs::read_to_string(p).ok()),
            }
        }
    }
    assert!(texts.len() > 100);
    for t in &texts {
        for values in [Values::Any, Values::Quoted] {
            let mut whole = Sink::default();
            into_sink(t, 0, values, &mut whole);
            let mut parts = Sink::default();
            paragraphs_into_sink(t, values, &mut parts);
            assert_eq!(super::super::entry::judge(parts), super::super::entry::judge(whole), "{t}");
        }
        for (s, e) in paragraphs::gate_paragraphs(t) {
            assert!(s == 0 || t.as_bytes()[s - 1] == b'\n');
            assert!(e == t.len() || t.as_bytes()[e] == b'\n');
        }
    }
}
