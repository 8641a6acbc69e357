//! Unit tests of the rule set: the keyword prefilter automaton, rule validation, regex and entropy checks.

use super::*;

fn rule(pattern: &str) -> Rule {
    Rule {
        id: "t.r".into(),
        name: "t".into(),
        pattern: pattern.into(),
        keywords: vec!["tok_".into()],
        entropy: Some(3.0),
        kind: Kind::Secret,
        group: None,
        key: None,
        examples: vec!["x = tok_a8F3kd93KdlqP0z".into()],
        negative_examples: vec!["tok_aaaaaaaaaaaaaaa".into()],
        source: String::new(),
    }
}

#[test]
fn the_builtin_prefilter_is_a_small_dfa() {
    let set = RuleSet::builtin().unwrap();
    assert_eq!(set.prefilter.kind(), AhoCorasickKind::DFA);
    assert!(set.prefilter.memory_usage() < 16 << 20, "{} bytes", set.prefilter.memory_usage());
}

#[test]
fn prefix_hits_are_confirmed_against_whole_keywords() {
    let mut a = rule(r"(tok_[a-zA-Z0-9]{15})");
    a.keywords = vec!["tok_".into(), "TOKEN_live".into()];
    let mut b = rule(r"(toke[a-zA-Z0-9]{15})");
    b.id = "t.b".into();
    b.keywords = vec!["token_test".into(), "ab".into()];
    let set = RuleSet::new(vec![a, b]).unwrap();
    assert_eq!(set.candidates(b"x token_LIVE y"), [0]);
    assert_eq!(set.candidates(b"x Token_Test"), [1]);
    assert_eq!(set.candidates(b"token_tes tok"), Vec::<usize>::new());
    assert_eq!(set.candidates(b"tok_ab"), [0, 1]);
    assert_eq!(set.candidates(b"token_live"), [0]); // overlapping: `token_live` holds no `tok_`
    assert!(set.any_keyword(b"..aB.."));
    assert!(!set.any_keyword(b"token_tes"));
}

#[test]
fn a_rule_without_capture_is_rejected() {
    assert!(RuleSet::new(vec![rule("tok_[a-zA-Z0-9]{15}")]).is_err());
}

#[test]
fn prefilter_gates_the_regex_and_entropy_rejects_repeats() {
    let set = RuleSet::new(vec![rule(r"(tok_[a-zA-Z0-9]{15})")]).unwrap();
    set.compiled()[0].check_examples().unwrap();
    let d = set.detect(b"a = \"TOK_a8F3kd93KdlqP0z\" tok_a8F3kd93KdlqP0z");
    assert_eq!(d.len(), 1);
    assert_eq!(d[0].span, Span::new(26, 45));
    assert!(set.detect(b"nothing here").is_empty());
}
