//! Unit tests of the rule set: the keyword prefilter automaton, rule validation, regex and entropy checks.

use super::*;
use aho_corasick::MatchKind;

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
    use aho_corasick::automaton::Automaton;
    let set = RuleSet::builtin().unwrap();
    let dfa = set.prefilter.dfa().expect("the built-in prefixes make a DFA");
    assert!(dfa.memory_usage() < 16 << 20, "{} bytes", dfa.memory_usage());
}

/// What `keywords_in` reported when it used aho-corasick's overlapping iterator: the rule words
/// in the order `found` hears them, and every gate-word occurrence.
fn overlapping_iter_reference(set: &RuleSet, text: &[u8]) -> (Vec<usize>, Vec<(usize, usize)>) {
    let prefixes: Vec<&[u8]> =
        set.prefix_words.iter().map(|ws| &set.words[ws[0]][..set.words[ws[0]].len().min(PREFIX)]).collect();
    let ac = aho_corasick::AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .match_kind(MatchKind::Standard)
        .build(&prefixes)
        .unwrap();
    let (mut found, mut hits, mut seen) = (Vec::new(), Vec::new(), vec![false; set.words.len()]);
    for m in ac.find_overlapping_iter(text) {
        for &w in &set.prefix_words[m.pattern().as_usize()] {
            let word = &set.words[w];
            let rest = &text[m.start()..];
            if rest.len() < word.len() || !rest[..word.len()].eq_ignore_ascii_case(word) {
                continue;
            }
            if let Some(g) = set.gates[w] {
                hits.push((m.start(), g));
            }
            if !seen[w] && !set.owners[w].is_empty() {
                seen[w] = true;
                found.push(w);
            }
        }
    }
    (found, hits)
}

/// The texts the keyword walks are checked over: the detector corpus, and keywords placed across
/// the boundaries of the walks' halves.
fn walk_texts() -> Vec<Vec<u8>> {
    let mut texts: Vec<Vec<u8>> = vec![
        b"".to_vec(),
        b"apikey=1 API_KEY: passwordpass PaSsWoRd token_tokens secret-key-id auth_token bearer basic ".to_vec(),
        b"ghp_ xoxb- AKIA sk_live_ -----BEGIN identified by mysql -p curl -u".to_vec(),
    ];
    let mut stack = vec![std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/detect")];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(dir).unwrap().flatten() {
            match e.path() {
                p if p.is_dir() => stack.push(p),
                p => texts.push(std::fs::read(p).unwrap()),
            }
        }
    }
    // Keywords across the middle of texts of every length around the two-walk threshold.
    let words: [&[u8]; 5] = [b"apikey", b"PASSWORD", b"token_", b"secretkey", b"ghp_"];
    for n in 240..300 {
        let mut t = vec![b'.'; n];
        for (k, w) in words.iter().enumerate() {
            let at = (n / 2 + k * 3).saturating_sub(w.len() / 2 + 2).min(n - w.len());
            t[at..at + w.len()].copy_from_slice(w);
        }
        texts.push(t);
    }
    // And across each quarter's boundary of texts around the four-walk threshold.
    for n in (2040..2060).chain([3001, 4096, 4099, 10_007]) {
        let mut t = vec![b'.'; n];
        for q in 1..4 {
            for (k, w) in words.iter().enumerate() {
                let at = (q * (n / 4) + k * 3).saturating_sub(w.len() / 2 + 2).min(n - w.len());
                t[at..at + w.len()].copy_from_slice(w);
            }
        }
        t[n - 5..].copy_from_slice(b"token");
        texts.push(t);
    }
    assert!(texts.len() > 80);
    texts
}

/// The rule words in the order `found` hears them and the gate hits, walking with `aut`.
fn walk_with<A: aho_corasick::automaton::Automaton>(
    set: &RuleSet,
    aut: &A,
    text: &[u8],
) -> (Vec<usize>, Vec<(usize, usize)>) {
    let (mut found, mut hits) = (Vec::new(), Vec::new());
    set.keywords_with(aut, text, walk::Sink { gates: Some(&mut hits), ..Default::default() }, |w| {
        found.push(w);
        true
    });
    (found, hits)
}

#[test]
fn the_dfa_walk_reports_what_the_overlapping_iterator_reported() {
    let set = RuleSet::builtin().unwrap();
    let texts = walk_texts();
    let dfa = set.prefilter.dfa().unwrap();
    for text in &texts {
        assert_eq!(
            walk_with(&set, dfa, text),
            overlapping_iter_reference(&set, text),
            "{}",
            String::from_utf8_lossy(text)
        );
    }
    // Stopping early still stops.
    let mut n = 0;
    set.keywords_with(dfa, &texts[1], walk::Sink::default(), |_| {
        n += 1;
        false
    });
    assert_eq!(n, 1);
}

#[test]
fn the_small_texts_nfa_reports_exactly_what_the_dfa_reports() {
    let set = RuleSet::builtin().unwrap();
    let (nfa, dfa) = (set.prefilter.nfa(), set.prefilter.dfa().unwrap());
    let mut any = 0;
    for text in &walk_texts() {
        let by_dfa = walk_with(&set, dfa, text);
        any += by_dfa.1.len();
        assert_eq!(walk_with(&set, nfa, text), by_dfa, "{}", String::from_utf8_lossy(text));
    }
    assert!(any > 1000, "the corpus holds gate words ({any})");
}

#[test]
fn the_dfa_is_built_once_the_nfa_has_walked_its_budget() {
    let set = RuleSet::builtin().unwrap();
    let small = vec![b'x'; 1000];
    for _ in 0..prefix::NFA_BYTES / small.len() {
        assert!(matches!(set.prefilter.pick(small.len()), prefix::Pick::Nfa(_)));
    }
    assert!(matches!(set.prefilter.pick(small.len()), prefix::Pick::Dfa(_)));
    assert!(matches!(set.prefilter.pick(1), prefix::Pick::Dfa(_)), "and it stays");
    // Readied for a large scan, a set builds its DFA at once and compiles full.
    let large = RuleSet::builtin().unwrap();
    large.prepare_for(prefix::NFA_BYTES);
    assert!(matches!(large.prefilter.pick(1), prefix::Pick::Dfa(_)));
    assert!(!large.quick.load(Ordering::Relaxed));
    // A large text goes to the DFA at once, and `keywords_in` finds with it what the NFA finds.
    let other = RuleSet::builtin().unwrap();
    let mut text = vec![b'.'; prefix::NFA_BYTES + 10];
    text[100..104].copy_from_slice(b"AKIA");
    let mid = text.len() / 2;
    text[mid - 2..mid + 1].copy_from_slice(b"aws"); // across the two walks' boundary
    text[mid + 50..mid + 55].copy_from_slice(b"ghp_x");
    let mut found = Vec::new();
    other.keywords_in(&text, walk::Sink::default(), |w| {
        found.push(w);
        true
    });
    assert!(matches!(other.prefilter.pick(1), prefix::Pick::Dfa(_)));
    assert!(found.len() >= 3, "{found:?}");
    assert_eq!(found, walk_with(&other, other.prefilter.nfa(), &text).0);
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

#[test]
fn a_quick_compile_finds_what_a_full_one_finds() {
    let set = RuleSet::builtin().unwrap();
    let mut texts = walk_texts();
    texts.truncate(texts.len() - 84); // the corpus, not the dotted boundary texts
    let corpus = texts.concat();
    let mut compared = 0;
    for r in set.compiled() {
        let (full, quick) = (compile(&r.rule, Compile::Full).unwrap(), compile(&r.rule, Compile::Quick).unwrap());
        let examples = r.rule.examples.iter().chain(&r.rule.negative_examples).map(|e| e.as_bytes());
        for text in examples.chain([corpus.as_slice()]) {
            let groups = |re: &Regex| -> Vec<Vec<Option<regex_automata::Span>>> {
                re.captures_iter(text).map(|c| (0..c.group_len()).map(|g| c.get_group(g)).collect()).collect()
            };
            let found = groups(&full);
            compared += found.len();
            assert_eq!(groups(&quick), found, "{}", r.rule.id);
        }
    }
    assert!(compared > 1000, "{compared} matches compared");
    // And a rule set readied for a small scan (quick) detects what one compiling full detects.
    let quick = RuleSet::builtin().unwrap();
    quick.prepare_for(1000);
    assert!(quick.quick.load(Ordering::Relaxed));
    assert_eq!(format!("{:?}", quick.detect(&corpus)), format!("{:?}", set.detect(&corpus)));
}

#[test]
fn a_bad_pattern_is_reported_as_the_regex_crate_words_it() {
    let mut r = rule(r"(tok_[a-z");
    let err = RuleSet::new(vec![r.clone()]).unwrap_err().to_string();
    let regex_says = regex::bytes::RegexBuilder::new(&r.pattern).unicode(false).build().unwrap_err().to_string();
    assert_eq!(err, format!("rule t.r: bad pattern: {regex_says}"));
    r.pattern = r"(tok_\w{1000}){1000}".into();
    assert!(RuleSet::new(vec![r]).unwrap_err().to_string().contains("exceeds size limit"));
}
