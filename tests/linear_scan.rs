//! Scan time grows linearly with the size of large literals (issue #14): one list/array/map literal
//! per format at n and 8n elements, each with a planted credential beside it that must still be
//! found. Linear is 8×, quadratic 64×; the bound (24×, best of 3) is generous for a loaded machine.
//! The measured table is `benches/curves.sh` (in `benches/RESULTS.md`).

use hoist::model::Fingerprinter;
use hoist::rules::RuleSet;
use hoist::scan::Scanner;
use std::path::Path;
use std::time::{Duration, Instant};

const CANARY: &str = "Zq7vR2mK9xL4pW8n";

fn items(n: usize, quote: char) -> Vec<String> {
    (0..n).map(|i| if i % 2 == 0 { (i * 7).to_string() } else { format!("{quote}s{i}{quote}") }).collect()
}

/// (file name, contents) for each shape at `n` elements.
fn shapes(n: usize) -> Vec<(&'static str, String)> {
    let list = |q| items(n, q).join(",\n  ");
    let pairs = |sep: &str| (0..n).map(|i| format!("\"k{i}\"{sep} \"v{i}\"")).collect::<Vec<_>>().join(",\n  ");
    vec![
        ("list.py", format!("db_password = \"{CANARY}\"\ndata = [\n  {}\n]\n", list('"'))),
        ("tuple.py", format!("db_password = \"{CANARY}\"\ndata = {}\n", items(n, '"').join(", "))),
        ("call.py", format!("db_password = \"{CANARY}\"\nf(\n  {}\n)\n", list('"'))),
        ("dict.py", format!("db_password = \"{CANARY}\"\ndata = {{\n  {}\n}}\n", pairs(":"))),
        ("list.js", format!("const dbPassword = \"{CANARY}\";\nconst data = [\n  {}\n];\n", list('\''))),
        (
            "list.go",
            format!(
                "package main\n\nvar dbPassword = \"{CANARY}\"\nvar data = []interface{{}}{{\n  {},\n}}\n",
                list('"')
            ),
        ),
        (
            "List.java",
            format!(
                "class List {{\n  String dbPassword = \"{CANARY}\";\n  Object[] d = {{\n  {}\n}};\n}}\n",
                list('"')
            ),
        ),
        ("list.json", format!("{{\"db_password\": \"{CANARY}\", \"data\": [\n  {}\n]}}\n", list('"'))),
        ("map.json", format!("{{\"db_password\": \"{CANARY}\", \"data\": {{\n  {}\n}}}}\n", pairs(":"))),
        (
            "list.yaml",
            format!(
                "db_password: {CANARY}\ndata:\n{}",
                items(n, '\'').iter().map(|x| format!("  - {x}\n")).collect::<String>()
            ),
        ),
        (
            "list.tf",
            format!(
                "resource \"aws_db_instance\" \"x\" {{\n  password = \"{CANARY}\"\n}}\nlocals {{\n  data = [\n  {}\n  ]\n}}\n",
                list('"')
            ),
        ),
        (
            "list.xml",
            format!(
                "<config>\n<password>{CANARY}</password>\n<data>\n{}</data>\n</config>\n",
                (0..n).map(|i| format!("<i>v{i}</i>\n")).collect::<String>()
            ),
        ),
    ]
}

fn scanner() -> Scanner {
    Scanner::new(RuleSet::builtin().expect("built-in rules load"), Fingerprinter::new(vec![7u8; 32]))
}

fn best_of_3(s: &Scanner, name: &str, text: &str) -> (Duration, bool) {
    let mut best = Duration::MAX;
    let mut found = false;
    for _ in 0..3 {
        let t = Instant::now();
        let out = s.scan_bytes(Path::new(name), text.as_bytes());
        best = best.min(t.elapsed());
        found = out.findings.iter().any(|f| f.value.expose() == CANARY);
    }
    (best, found)
}

#[test]
fn large_literals_scan_in_linear_time() {
    let s = scanner();
    let (small, large) = (2_000, 16_000);
    let mut table = Vec::new();
    for ((name, a), (_, b)) in shapes(small).into_iter().zip(shapes(large)) {
        let (ta, fa) = best_of_3(&s, name, &a);
        let (tb, fb) = best_of_3(&s, name, &b);
        table.push(format!("{name}: {small} → {:?}, {large} → {:?}", ta, tb));
        assert!(fa && fb, "{name}: the planted credential beside the literal was not found");
        // 8× the elements: linear is 8×; allow 24× plus 20 ms of noise.
        assert!(tb <= ta * 24 + Duration::from_millis(20), "{name} grows superlinearly: {}", table.last().unwrap());
    }
    eprintln!("{}", table.join("\n"));
}

/// Grammar-less code and text (`.rs`, `.c`, no extension) are read by the linear detectors
/// alone: linear in size even when every line names a key or a token, and pathological nesting
/// needs no depth limit there. Only when the sniffer names a grammar (a YAML-looking `.txt`) is
/// the nesting checked before parsing, and the limit noted.
#[test]
fn grammar_less_files_scan_in_linear_time_and_skip_the_depth_check() {
    let s = scanner();
    let rust = |n: usize| {
        let body: String = (0..n).map(|i| format!("    let key{i} = map.get(&token_{i}).copied();\n")).collect();
        format!("fn f() {{\n    let db_password = \"{CANARY}\";\n{body}}}\n")
    };
    let (ta, fa) = best_of_3(&s, "src/lib.rs", &rust(1_000));
    let (tb, fb) = best_of_3(&s, "src/lib.rs", &rust(8_000)); // ~400 KB: under the budget
    assert!(fa && fb, "the credential among the key/token lines was not found");
    assert!(tb <= ta * 24 + Duration::from_millis(20), "lib.rs grows superlinearly: {ta:?} → {tb:?}");

    let n = 100_000;
    let deep_c = format!("char *db_password = \"{CANARY}\";\nint x = {}1{};\n", "(".repeat(n), ")".repeat(n));
    let t = Instant::now();
    let out = s.scan_bytes(Path::new("deep.c"), deep_c.as_bytes());
    assert!(t.elapsed() < Duration::from_secs(1), "deep.c: {:?}", t.elapsed());
    assert!(out.findings.iter().any(|f| f.value.expose() == CANARY), "deep.c: credential lost");
    assert!(out.limits.is_empty(), "deep.c is read in full by the linear detectors: {:?}", out.limits);

    let deep_yaml = format!("password: {CANARY}\nx: {}1{}\n", "[".repeat(n), "]".repeat(n));
    let t = Instant::now();
    let out = s.scan_bytes(Path::new("notes.txt"), deep_yaml.as_bytes());
    assert!(t.elapsed() < Duration::from_secs(1), "notes.txt: {:?}", t.elapsed());
    assert!(out.findings.iter().any(|f| f.value.expose() == CANARY), "notes.txt: credential lost");
    assert!(out.limits.contains(&hoist::scan::Limit::Depth), "sniffed YAML not parsed, noted: {:?}", out.limits);
}

/// Credential-dense files (a test suite's one `describe` block of logins and a table of
/// connections; Go tests whose raw-string server configs sit at column 0) scan in linear time: the
/// windows of hits that share a statement or a table, and the labels of a file's many `password`s,
/// are found once, not once per hit. 4× the size: linear is 4×, quadratic 16×; the bound is 12×.
#[test]
fn credential_dense_files_scan_in_linear_time() {
    let js = |n: usize| {
        let mut s = format!("describe('connections', function() {{\n    const dbPassword = \"{CANARY}\";\n");
        for i in 0..n {
            s.push_str(&format!(
                "    it('logs in user {i}', function() {{\n        const token = 'tk{i}abcdef';\n        return login({{user: 'u{i}', password: 'pw{i}xyz'}})\n            .then(res => {{\n                assert.equal(res.name, 'n{i}');\n            }});\n    }});\n"
            ));
        }
        s.push_str("    const rows = [\n");
        for i in 0..n {
            s.push_str(&format!("        ['db{i}', {{host: 'h{i}', user: 'u{i}', password: 'p{i}'}}],\n"));
        }
        s + "    ];\n});\n"
    };
    let go = |n: usize| {
        let mut s = format!("package server\n\nvar dbPassword = \"{CANARY}\"\n\n");
        for i in 0..n {
            s.push_str(&format!(
                "func TestAuth{i}(t *testing.T) {{\n\tconf := createConfFile(t, []byte(`\nlisten: 127.0.0.1:-1\nauthorization {{\n  users: [ {{user: u{i}, password: pw{i}}} ]\n}}\n`))\n\tdefer removeFile(t, conf)\n}}\n\n"
            ));
        }
        s
    };
    let s = scanner();
    for (name, n, make) in [("suite.test.js", 240, &js as &dyn Fn(usize) -> String), ("auth_test.go", 420, &go)] {
        let (a, b) = (make(n), make(4 * n));
        assert!(a.len() > 64 * 1024 && b.len() < 512 * 1024, "{name}: both sizes windowed, under the budget");
        let (ta, fa) = best_of_3(&s, name, &a);
        let (tb, fb) = best_of_3(&s, name, &b);
        assert!(fa && fb, "{name}: the planted credential was not found");
        assert!(tb <= ta * 12 + Duration::from_millis(20), "{name} grows superlinearly: {ta:?} → {tb:?}");
    }
}
