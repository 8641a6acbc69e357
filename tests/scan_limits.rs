//! No file can stall or blind the scan (issues #14, #16 items 4–5): deeply nested documents are
//! read as far as the depth limit in well under a second and the rest of the tree still reports;
//! each former silent pass (long YAML, one long line in a `.js`, a stray NUL, a BOM before the first
//! `.env` key, long values, unterminated JSON/YAML) is found or named in the summary; the per-file
//! budget and generated files fall back to rules and line detectors, reported; the hook exits 2
//! when a staged file couldn't be scanned in full.

mod hook_util;
use assert_cmd::Command;
use hoist::model::Fingerprinter;
use hoist::rules::RuleSet;
use hoist::scan::{Limit, Scanner, WalkOptions};
use hook_util::{Repo, text};
use std::path::Path;
use std::time::{Duration, Instant};

const CANARY: &str = "Zq7vR2mK9xL4pW8nQ3tY";

fn scanner() -> Scanner {
    Scanner::new(RuleSet::builtin().expect("built-in rules load"), Fingerprinter::new(vec![7u8; 32]))
}

/// The values found in one file, and the limits it reported.
fn scan(s: &Scanner, name: &str, text: &str) -> (Vec<String>, Vec<Limit>) {
    let out = s.scan_bytes(Path::new(name), text.as_bytes());
    assert!(out.skipped.is_none(), "{name} skipped: {:?}", out.skipped);
    (out.findings.iter().map(|f| f.value.expose().to_string()).collect(), out.limits)
}

fn found(values: &[String], v: &str) -> bool {
    values.iter().any(|x| x == v)
}

/// A file of the same format and about `len` bytes whose values sit side by side instead of inside
/// each other: the linear reference for the nested one.
fn flat_twin(name: &str, len: usize) -> String {
    let n = len / 4;
    match name.rsplit('.').next() {
        Some("json") => format!("{{\"x\": [{}1]}}", "1, ".repeat(n)),
        Some("tf") => format!("resource \"a\" \"b\" {{\n  x = [{}1]\n}}\n", "1, ".repeat(n)),
        Some("xml") => format!("<c>{}</c>", "<a/>".repeat(n)),
        _ => format!("x: [{}1]\n", "1, ".repeat(n)),
    }
}

/// The shortest of `runs` timings of `f`: the run least disturbed by the rest of the machine.
fn best_of(runs: usize, mut f: impl FnMut()) -> Duration {
    (0..runs)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .min()
        .unwrap()
}

#[test]
fn deep_nesting_is_read_to_the_limit_quickly_and_the_tree_still_reports() {
    let n = 100_000;
    let dir = tempfile::tempdir().unwrap();
    let deep = [
        ("deep.json", format!("{{\"password\": \"{CANARY}A\", \"x\": {}1{}}}", "[".repeat(n), "]".repeat(n))),
        (
            "deep.tf",
            format!(
                "resource \"a\" \"b\" {{\n  password = \"{CANARY}B\"\n  x = {}1{}\n}}\n",
                "[".repeat(n),
                "]".repeat(n)
            ),
        ),
        ("deep.xml", format!("<c><password>{CANARY}C</password>{}{}</c>", "<a>".repeat(n), "</a>".repeat(n))),
        ("deep.yaml", format!("password: {CANARY}D\nx: {}1{}\n", "[".repeat(n), "]".repeat(n))),
    ];
    let mut s = scanner();
    s.lang_budget = 4 << 20; // exercise the parsers themselves, not the budget
    for (name, text) in &deep {
        // The bound is relative to the same parser over a flat file of the same size, so a loaded
        // machine or a debug build slows both alike; what it catches is nesting that costs more
        // than its bytes (an abort, a stall, quadratic descent), which blows far past 10×.
        let flat = flat_twin(name, text.len());
        let flat_time = best_of(3, || drop(scan(&s, name, &flat)));
        let deep_time = best_of(3, || drop(scan(&s, name, text)));
        eprintln!("{name}: deep {deep_time:?}, flat {flat_time:?}");
        assert!(
            deep_time < flat_time * 10 + Duration::from_millis(200),
            "{name}: deep {deep_time:?} vs the same size flat {flat_time:?}"
        );
        let (values, limits) = scan(&s, name, text);
        assert!(values.iter().any(|v| v.starts_with(CANARY)), "{name}: the value beside the nesting was lost");
        assert!(limits.contains(&Limit::Depth), "{name}: depth limit not reported: {limits:?}");
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    std::fs::write(dir.path().join("sibling.py"), format!("db_password = \"{CANARY}E\"\n")).unwrap();
    let t = Instant::now();
    let report = s.scan_tree(dir.path(), &WalkOptions::default(), &|_| {});
    assert!(t.elapsed() < Duration::from_secs(3), "tree: {:?}", t.elapsed());
    assert!(report.findings.iter().any(|f| f.value.expose() == format!("{CANARY}E")), "sibling canary lost");
    assert_eq!(report.limited.get(&Limit::Depth).map(Vec::len), Some(4), "{:?}", report.limited);

    // Through the binary too: no abort (exit 134), the summary names the depth limit.
    let out = Command::cargo_bin("hoist").unwrap().args(["scan", "--format", "json"]).arg(dir.path()).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stderr).contains("nested deeper than 256 levels"));
}

#[test]
fn yaml_over_32k_lines_is_read_past_the_grammar_row_limit() {
    let mut s = scanner();
    s.lang_budget = 4 << 20;
    let body: String = (0..40_000).map(|i| format!("k{i}: v{i}\n")).collect();
    let text = format!("password: {CANARY}1\n{body}db:\n  password: {CANARY}2\n");
    let (values, limits) = scan(&s, "big.yaml", &text);
    assert!(found(&values, &format!("{CANARY}1")) && found(&values, &format!("{CANARY}2")), "{values:?}");
    assert!(limits.is_empty(), "{limits:?}");
}

#[test]
fn former_silent_passes_are_found() {
    let s = scanner();
    let long = "x".repeat(20_000);
    // One long line in a .js file: still source, fully read.
    let js = format!("const a = 1;\nconst dbPassword = \"{CANARY}3\";\nconst blob = \"{long}\";\nconst b = 2;\n");
    let (v, l) = scan(&s, "app.js", &js);
    assert!(found(&v, &format!("{CANARY}3")), "{v:?}");
    assert!(l.is_empty(), "{l:?}");
    // One NUL byte: not binary.
    let (v, _) = scan(&s, "app.py", &format!("x = 1\0\npassword = \"{CANARY}4\"\n"));
    assert!(found(&v, &format!("{CANARY}4")), "{v:?}");
    // A BOM before the first .env key: the key keeps its name; the span still points at the value.
    let env = format!("\u{feff}DB_PASSWORD={CANARY}5\nOTHER=1\n");
    let out = s.scan_bytes(Path::new(".env"), env.as_bytes());
    let f = out.findings.iter().find(|f| f.value.expose() == format!("{CANARY}5")).expect("first key found");
    assert_eq!(&env.as_bytes()[f.span.start..f.span.end], format!("{CANARY}5").as_bytes());
    assert_eq!(f.name.as_deref(), Some("DB_PASSWORD"));
    // A value over 4,096 characters (a long token or key).
    let big = "Ab9".repeat(2_000);
    let (v, _) = scan(&s, "settings.py", &format!("api_token = \"{big}\"\n"));
    assert!(found(&v, &big), "long value not reported");
    // Unterminated JSON and YAML: what parsed, plus the lines after the break, reported.
    let json = format!("{{\"db\": {{\"password\": \"{CANARY}6\"}}, \"x\": [1, 2,\n \"api_key\": \"{CANARY}7\"\n");
    let (v, l) = scan(&s, "a.json", &json);
    assert!(found(&v, &format!("{CANARY}6")) && found(&v, &format!("{CANARY}7")), "{v:?}");
    assert!(l.contains(&Limit::ParseError), "{l:?}");
    let yaml = format!("db:\n  password: \"{CANARY}8\"\n  other: [1, 2\napi_token: {CANARY}9\n");
    let (v, l) = scan(&s, "a.yaml", &yaml);
    assert!(found(&v, &format!("{CANARY}8")) && found(&v, &format!("{CANARY}9")), "{v:?}");
    assert!(l.contains(&Limit::ParseError), "{l:?}");
}

#[test]
fn minified_generated_and_over_budget_files_get_rules_and_lines_reported() {
    let mut s = scanner();
    let key = "AKIAZ4W3QX7LJ2M5NB6R";
    // Minified: provider rules still run (it used to be skipped whole, even with --include-vendored).
    let min = format!("var a={{k:\"{key}\",x:\"{}\"}};", "y".repeat(6_000));
    let (v, l) = scan(&s, "bundle.js", &min);
    assert!(found(&v, key), "{v:?}");
    assert_eq!(l, vec![Limit::Minified]);
    // Generated: line detectors, unless included.
    let gen_src = format!("# Generated by the protocol buffer compiler.  DO NOT EDIT!\npassword = \"{CANARY}G\"\n");
    let (v, l) = scan(&s, "x.py", &gen_src);
    assert!(found(&v, &format!("{CANARY}G")), "{v:?}");
    assert_eq!(l, vec![Limit::Generated]);
    s.include_generated = true;
    let (_, l) = scan(&s, "x.py", &gen_src);
    assert!(l.is_empty(), "{l:?}");
    // Over the budget: line detectors, reported.
    s.lang_budget = 1_000;
    let big = format!("password: {CANARY}H\n{}", "k: v\n".repeat(400));
    let (v, l) = scan(&s, "c.yaml", &big);
    assert!(found(&v, &format!("{CANARY}H")), "{v:?}");
    assert_eq!(l, vec![Limit::Budget]);
}

#[test]
fn hook_exits_2_when_a_staged_file_could_not_be_scanned_in_full() {
    let repo = Repo::new();
    repo.write("README.md", "hello\n");
    repo.commit_all("start");
    // Over the default 512 KiB budget, no secret the line detectors or rules see.
    let rows: String = (0..60_000).map(|i| format!("key_{i}: value {i}\n")).collect();
    repo.write("data/big.yaml", &format!("api_token_ref: see-vault\n{rows}"));
    repo.git(&["add", "-A"]);
    let o = repo.hoist(&["scan", "--staged"]);
    let out = text(&o);
    assert_eq!(o.status.code(), Some(2), "{out}");
    assert!(out.contains("language-aware detection skipped: budget") && out.contains("data/big.yaml"), "{out}");
}
