//! The one keyword pass against the separate automata it replaced and against a per-line check,
//! on generated texts built from the gate words, their fragments, case changes and separators.

use super::*;
use crate::detect::{cmdline, config, sql};
use aho_corasick::AhoCorasick;

/// Texts built from the words, fragments of them (`pas`, `identifie`), other cases, separators,
/// newlines and non-ASCII bytes: deterministic (xorshift), a few thousand of them.
pub(crate) fn sample_texts() -> Vec<String> {
    let mut pieces: Vec<String> = Vec::new();
    for (w, _) in WORDS.iter() {
        pieces.push(w.to_string());
        pieces.push(w.to_ascii_uppercase());
        pieces.push(w[..w.len() / 2].to_string());
        pieces.push(w[1..].to_string());
        let mut mixed: String = String::new();
        for (i, c) in w.chars().enumerate() {
            mixed.push(if i % 2 == 0 { c.to_ascii_uppercase() } else { c });
        }
        pieces.push(mixed);
    }
    for p in [
        " ",
        " ",
        "\n",
        "\r\n",
        "\n\n",
        "_",
        ":",
        "=",
        "//",
        "-",
        "--",
        "\t",
        "é",
        "€",
        "x",
        "ab",
        "'",
        "\"",
        "(",
        "kind: ",
        "\"kind\": \"",
        "secret\"",
        "set ",
        "basic",
        "bearer",
        "://u:p@h",
        "data ",
        "source",
        "by",
    ] {
        pieces.push(p.to_string());
    }
    let mut next = xorshift(0x9e37_79b9_7f4a_7c15);
    (0..3000)
        .map(|_| {
            let n = (next() % 40) as usize;
            (0..n).map(|_| pieces[(next() % pieces.len() as u64) as usize].as_str()).collect()
        })
        .collect()
}

/// A deterministic xorshift generator from `seed` (non-zero), for generated test inputs.
pub(crate) fn xorshift(mut state: u64) -> impl FnMut() -> u64 {
    move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    }
}

fn ci(words: impl IntoIterator<Item = &'static str>) -> AhoCorasick {
    AhoCorasick::builder().ascii_case_insensitive(true).build(words).unwrap()
}

/// The lines (`(start, end)`, end before the newline) whose lowercase holds one of `words`.
fn per_line(text: &str, words: &[&str]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut off = 0;
    for line in text.split('\n') {
        let low = line.to_ascii_lowercase();
        if words.iter().any(|w| low.contains(w)) {
            out.push((off, off + line.len()));
        }
        off += line.len() + 1;
    }
    out
}

/// The lines holding one of `starts`.
fn lines_of(text: &str, starts: impl IntoIterator<Item = usize>) -> Vec<(usize, usize)> {
    let hits = Hits::from_occurrences(starts.into_iter().map(|s| (s, 0)));
    hits.lines(text, WORDS[0].1)
}

#[test]
fn the_gate_keeps_every_line_a_per_line_check_reads_and_what_each_separate_pass_found() {
    let line_words: Vec<&str> = config::PREFILTER.iter().copied().chain(["webhook", "basic ", "bearer "]).collect();
    let line_gate = ci(line_words.clone());
    let prefilter = ci(config::PREFILTER.iter().copied());
    let always = ci(config::ALWAYS.iter().copied());
    let sql_ac = ci(sql::KEYWORDS);
    let cmd_ac = AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .match_kind(aho_corasick::MatchKind::LeftmostLongest)
        .build(cmdline::HINTS.iter().chain(sql::KEYWORDS.iter()))
        .unwrap();
    let n_hints = cmdline::HINTS.len();
    let (mut gated, mut hinted, mut keyworded) = (0, 0, 0);
    for text in sample_texts() {
        let hits = Hits::scan(&text);
        // The tokenizer's line gate: the lines the old automaton's matches started in, and
        // every line a per-line check reads.
        let old: Vec<(usize, usize)> = lines_of(&text, line_gate.find_iter(&text).map(|m| m.start()));
        assert_eq!(hits.lines(&text, LINE), old, "{text:?}");
        assert_eq!(old, per_line(&text, &line_words), "{text:?}");
        gated += old.len();
        assert_eq!(hits.any(CONFIG), prefilter.is_match(&text), "{text:?}");
        assert_eq!(hits.any(ALWAYS), always.is_match(&text), "{text:?}");
        // The command-line hints (leftmost-longest with the SQL keywords, `identified` no hint).
        let old_hints: Vec<usize> =
            cmd_ac.find_iter(&text).filter(|m| m.pattern().as_usize() != n_hints).map(|m| m.start()).collect();
        let new_hints: Vec<usize> = hits.starts(HINT).collect();
        assert_eq!(lines_of(&text, new_hints), lines_of(&text, old_hints.clone()), "{text:?}");
        assert_eq!(lines_of(&text, old_hints), per_line(&text, cmdline::HINTS), "{text:?}");
        hinted += per_line(&text, cmdline::HINTS).len();
        // The SQL keywords: the same list from the leftmost-longest pass and from their own.
        let old_sql: Vec<(bool, usize, usize)> = cmd_ac
            .find_iter(&text)
            .filter(|m| m.pattern().as_usize() >= n_hints)
            .map(|m| (m.pattern().as_usize() == n_hints, m.start(), m.end()))
            .collect();
        let own_sql: Vec<(bool, usize, usize)> =
            sql_ac.find_iter(&text).map(|m| (m.pattern().as_usize() == 0, m.start(), m.end())).collect();
        let new_sql: Vec<(bool, usize, usize)> = hits.sql_keywords().collect();
        assert_eq!(new_sql, old_sql, "{text:?}");
        assert_eq!(new_sql, own_sql, "{text:?}");
        keyworded += new_sql.len();
    }
    // The samples exercise every view.
    assert!(gated > 3_000 && hinted > 3_000 && keyworded > 1_000, "{gated} {hinted} {keyworded}");
}

#[test]
fn a_slice_of_the_file_gets_the_hits_its_own_pass_would_find() {
    for text in sample_texts().iter().take(500) {
        let whole = Hits::scan(text);
        let cuts: Vec<usize> = text.char_indices().map(|(i, _)| i).chain([text.len()]).step_by(3).collect();
        for &s in &cuts {
            for &e in cuts.iter().filter(|&&e| e >= s).step_by(4) {
                assert_eq!(whole.slice(s, e - s), Hits::scan(&text[s..e]), "{text:?} [{s}..{e}]");
            }
        }
    }
}

#[test]
fn within_a_scope_the_file_and_its_slices_read_the_supplied_hits_and_other_texts_their_own() {
    let text = "user: admin\npassword: hunter2-x\nkind: Secret\n";
    // Supplied hits are used as they are (a scope trusts its caller's pass).
    let supplied = Hits::from_occurrences([(0, 0)]);
    scope(text, Some(supplied.clone()), || {
        assert_eq!(*Hits::of(text), supplied);
        let other = String::from("a token");
        assert_eq!(*Hits::of(&other), Hits::scan(&other));
        // Nested scopes keep the outer file.
        scope(&text[12..], None, || assert_eq!(*Hits::of(text), supplied));
    });
    // Found on first use, then its slices are cut from them.
    scope(text, None, || {
        assert_eq!(*Hits::of(text), Hits::scan(text));
        assert_eq!(*Hits::of(&text[12..31]), Hits::scan(&text[12..31]));
    });
    // Gone after the scope, on unwinding too.
    assert!(FILE.with(|f| f.borrow().is_none()));
    let caught = std::panic::catch_unwind(|| scope(text, None, || panic!("detector bug")));
    assert!(caught.is_err());
    assert!(FILE.with(|f| f.borrow().is_none()));
}

#[test]
fn the_rules_keyword_pass_finds_the_gate_words_their_own_pass_finds() {
    let rules = crate::rules::RuleSet::builtin().unwrap();
    for text in sample_texts() {
        let (found, hits) = rules.detect_with_words(text.as_bytes());
        assert_eq!(hits, Hits::scan(&text), "{text:?}");
        assert_eq!(format!("{found:?}"), format!("{:?}", rules.detect(text.as_bytes())), "{text:?}");
        // Behind a byte-order mark (the scanner's detectors read the text after it).
        let bom = format!("\u{feff}{text}");
        let (_, hits) = rules.detect_with_words(bom.as_bytes());
        assert_eq!(hits.slice(3, text.len()), Hits::scan(&text), "{text:?}");
    }
}
