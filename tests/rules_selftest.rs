//! Every built-in rule proves its examples and negative examples, and every rule file on disk is
//! loaded (a file with the wrong extension or a parse error can't silently drop rules).

use hoist::rules::{BUILTIN_RULE_FILES, RuleFile, RuleSet};

#[test]
fn every_rule_file_on_disk_is_embedded() {
    let on_disk: Vec<String> =
        std::fs::read_dir("patterns").unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    assert!(on_disk.iter().all(|n| n.ends_with(".yaml")), "only .yaml rule files: {on_disk:?}");
    assert_eq!(on_disk.len(), BUILTIN_RULE_FILES.len());
    let from_disk: usize = on_disk
        .iter()
        .map(|n| RuleFile::parse(n, &std::fs::read_to_string(format!("patterns/{n}")).unwrap()).unwrap().len())
        .sum();
    let set = RuleSet::builtin().unwrap();
    assert_eq!(set.len(), from_disk);
}

#[test]
fn every_rule_passes_its_examples() {
    let set = RuleSet::builtin().unwrap();
    let failures: Vec<String> =
        set.compiled().iter().filter_map(|r| r.check_examples().err()).map(|e| e.to_string()).collect();
    assert!(failures.is_empty(), "{} failing rules:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn at_least_450_builtin_rules_each_with_examples_negatives_and_a_capture() {
    let set = RuleSet::builtin().unwrap();
    assert!(set.len() >= 450, "only {} built-in rules", set.len());
    for r in set.compiled() {
        assert!(!r.rule.examples.is_empty(), "{} has no example", r.rule.id);
        assert!(!r.rule.negative_examples.is_empty(), "{} has no negative example", r.rule.id);
        assert!(r.regex().captures_len() >= 2, "{} has no capture group", r.rule.id);
        assert!(!r.rule.keywords.is_empty(), "{} has no keyword", r.rule.id);
        assert!(r.rule.id.contains('.'), "{}: ids are family.name", r.rule.id);
    }
}

const GOOD_RULE: &str = r#"rules:
  - id: acme.api-key
    name: Acme API key
    pattern: '\b(acme_[A-Za-z0-9]{24})\b'
    keywords: [acme_]
    entropy: 3.5
    examples: ['ACME_KEY=acme_Q8Zr2LmX0pVt7sKwJ3nB4cD6']
    negative_examples: ['ACME_KEY=acme_xxxxxxxxxxxxxxxxxxxxxxxx']
"#;

#[test]
fn the_loader_enforces_capture_examples_negatives_and_keywords() {
    assert_eq!(RuleSet::new(RuleFile::parse("good.yaml", GOOD_RULE).unwrap()).unwrap().len(), 1);
    let broken = [
        (GOOD_RULE.replace(r"\b(acme_[A-Za-z0-9]{24})\b", r"\bacme_[A-Za-z0-9]{24}\b"), "capture group"),
        (
            GOOD_RULE.replace("    examples: ['ACME_KEY=acme_Q8Zr2LmX0pVt7sKwJ3nB4cD6']\n", "    examples: []\n"),
            "example",
        ),
        (
            GOOD_RULE.replace(
                "    negative_examples: ['ACME_KEY=acme_xxxxxxxxxxxxxxxxxxxxxxxx']\n",
                "    negative_examples: []\n",
            ),
            "negative",
        ),
        (GOOD_RULE.replace("keywords: [acme_]", "keywords: []"), "keyword"),
        (GOOD_RULE.replace(r"{24})\b'", r"{24})\b(?<'"), "bad pattern"),
    ];
    for (text, why) in broken {
        let err = RuleFile::parse("bad.yaml", &text).and_then(RuleSet::new).expect_err(why).to_string();
        assert!(err.contains("acme.api-key"), "{why}: {err}");
    }
    let missing_field = GOOD_RULE.replace("    negative_examples: ['ACME_KEY=acme_xxxxxxxxxxxxxxxxxxxxxxxx']\n", "");
    assert!(RuleFile::parse("bad.yaml", &missing_field).is_err(), "negative_examples is required");
    let unknown = GOOD_RULE.replace("    entropy: 3.5\n", "    entropy: 3.5\n    entrophy: 2\n");
    assert!(RuleFile::parse("bad.yaml", &unknown).is_err(), "unknown fields are errors");
}

fn rules_check(text: &str) -> (i32, String) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("mine.yaml");
    std::fs::write(&file, text).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_hoist"))
        .args(["rules", "check"])
        .arg(&file)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    (out.status.code().unwrap(), text)
}

#[test]
fn rules_check_accepts_good_files_and_names_the_failing_rule() {
    let (code, out) = rules_check(GOOD_RULE);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("ok") && out.contains("acme.api-key"), "{out}");

    // An example that the pattern doesn't match (23 characters instead of 24).
    let (code, out) =
        rules_check(&GOOD_RULE.replace("acme_Q8Zr2LmX0pVt7sKwJ3nB4cD6'", "acme_Q8Zr2LmX0pVt7sKwJ3nB4cD'"));
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("FAIL") && out.contains("acme.api-key") && out.contains("does not match"), "{out}");

    // A negative example that matches.
    let (code, out) = rules_check(&GOOD_RULE.replace("acme_xxxxxxxxxxxxxxxxxxxxxxxx", "acme_R7yT2LmX0pVt7sKwJ3nB4cD6"));
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("acme.api-key") && out.contains("negative example matches"), "{out}");

    let (code, out) = rules_check("rules:\n  - id: acme.x\n    name: [unclosed\n");
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("mine.yaml"), "the message names the file: {out}");
}
