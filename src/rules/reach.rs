//! How far a rule's match can reach from its keyword, and so where in a text its regex must run: a
//! rule whose matches hold one of its keywords and are at most `L` bytes long can only match within
//! `L` bytes of a keyword occurrence, so its regex searches those windows instead of the whole file
//! (on the Python and JavaScript bench trees common keywords such as `meta`, `aws` or `token`
//! made a few rules' regexes read most files end to end: a fifth of the scan's CPU).
//!
//! The windows are searched as ranges of the whole text, so `\b`, `^` and `$` see the bytes around
//! them as in a whole-text search. A match that holds a keyword is inside its keyword's window, and
//! overlapping windows are merged, so the windowed search finds every such match the whole-text
//! search finds.

use super::{Rule, RuleSet};
use regex_automata::util::syntax;
use regex_syntax::hir::{Class, Hir, HirKind};
use std::ops::Range;

/// Past this reach a rule searches the whole text: windows that wide save little and cost a
/// window per keyword occurrence.
const MAX_REACH: usize = 4096;

/// Past this many keyword occurrences in one text a rule searches the whole text (a generated
/// file that repeats a keyword on every line): the windows would cover most of it anyway.
const MAX_WINDOWS: usize = 4096;

/// The longest match of `rule` (bytes), when its regex bounds it (at most [`MAX_REACH`]) and every
/// match provably holds one of its keywords ([`holds_keyword`]): a rule whose keyword is context
/// outside the match, or that can match without one, keeps the whole-text search.
pub(super) fn reach(rule: &Rule) -> Option<usize> {
    let config = syntax::Config::new().unicode(false).utf8(false);
    let hir = syntax::parse_with(&rule.pattern, &config).ok()?;
    let longest = hir.properties().maximum_len().filter(|&l| l <= MAX_REACH)?;
    let keywords: Vec<Vec<u8>> = rule.keywords.iter().map(|k| k.to_ascii_lowercase().into_bytes()).collect();
    holds_keyword(&hir, &keywords).then_some(longest)
}

/// Past this many strings a set of exact strings is given up on ([`exact`]).
const MAX_STRINGS: usize = 256;

/// True when every match of `hir` holds (ASCII case-insensitively) one of `keywords` (lowercase):
/// a concatenation whose run of exactly-known parts spells a keyword in every variant, or one of
/// whose parts holds one; an alternation whose branches all do. Conservative: false when unsure.
fn holds_keyword(hir: &Hir, keywords: &[Vec<u8>]) -> bool {
    let all_hold = |strings: &[Vec<u8>]| {
        !strings.is_empty()
            && strings.iter().all(|s| keywords.iter().any(|k| s.windows(k.len()).any(|w| w == k.as_slice())))
    };
    match hir.kind() {
        HirKind::Concat(parts) => {
            // Runs of consecutive exactly-known parts, as their strings: a keyword can span parts
            // (`(?i)aws` is three one-byte classes).
            let mut run: Option<Vec<Vec<u8>>> = None;
            for part in parts {
                if holds_keyword(part, keywords) {
                    return true;
                }
                run = match (run.take(), exact(part)) {
                    (Some(prefix), Some(next)) => product(&prefix, &next).or(Some(next)),
                    (None, next) => next,
                    (Some(_), None) => None,
                };
                if run.as_deref().is_some_and(all_hold) {
                    return true;
                }
            }
            false
        }
        HirKind::Alternation(branches) => {
            branches.iter().all(|b| holds_keyword(b, keywords)) || exact(hir).is_some_and(|s| all_hold(&s))
        }
        HirKind::Capture(c) => holds_keyword(&c.sub, keywords),
        HirKind::Repetition(r) if r.min >= 1 => holds_keyword(&r.sub, keywords),
        _ => exact(hir).is_some_and(|s| all_hold(&s)),
    }
}

/// Every string `hir` can match, ASCII-lowercased and deduplicated, when there are at most
/// [`MAX_STRINGS`] of them (look-arounds match the empty string: they consume nothing).
fn exact(hir: &Hir) -> Option<Vec<Vec<u8>>> {
    let mut out = match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => vec![Vec::new()],
        HirKind::Literal(lit) => vec![lit.0.to_ascii_lowercase()],
        HirKind::Class(class) => class_bytes(class)?.into_iter().map(|b| vec![b]).collect(),
        HirKind::Capture(c) => exact(&c.sub)?,
        HirKind::Concat(parts) => {
            let mut acc = vec![Vec::new()];
            for part in parts {
                acc = product(&acc, &exact(part)?)?;
            }
            acc
        }
        HirKind::Alternation(branches) => {
            let mut acc = Vec::new();
            for b in branches {
                acc.extend(exact(b)?);
                if acc.len() > MAX_STRINGS {
                    return None;
                }
            }
            acc
        }
        HirKind::Repetition(r) => {
            let max = r.max.filter(|&m| m <= 8)?;
            let sub = exact(&r.sub)?;
            let (mut acc, mut power) = (Vec::new(), vec![Vec::new()]);
            for k in 0..=max {
                if k >= r.min {
                    acc.extend(power.iter().cloned());
                }
                if k < max {
                    power = product(&power, &sub)?;
                }
            }
            acc
        }
    };
    out.sort_unstable();
    out.dedup();
    (out.len() <= MAX_STRINGS).then_some(out)
}

/// Each string of `a` followed by each of `b`, or `None` past [`MAX_STRINGS`].
fn product(a: &[Vec<u8>], b: &[Vec<u8>]) -> Option<Vec<Vec<u8>>> {
    if a.len() * b.len() > MAX_STRINGS {
        return None;
    }
    Some(a.iter().flat_map(|x| b.iter().map(move |y| [x.as_slice(), y].concat())).collect())
}

/// The bytes of a small class, ASCII-lowercased (`[Aa]` is one byte), or `None` for a large one.
fn class_bytes(class: &Class) -> Option<Vec<u8>> {
    let mut bytes = Vec::new();
    match class {
        Class::Bytes(c) => {
            for r in c.ranges() {
                if usize::from(r.end() - r.start()) >= 32 {
                    return None;
                }
                bytes.extend((r.start()..=r.end()).map(|b| b.to_ascii_lowercase()));
            }
        }
        Class::Unicode(c) => {
            for r in c.ranges() {
                let (s, e) = (u32::from(r.start()), u32::from(r.end()));
                if e > 0x7f || e - s >= 32 {
                    return None;
                }
                bytes.extend((s..=e).map(|b| (b as u8).to_ascii_lowercase()));
            }
        }
    }
    bytes.sort_unstable();
    bytes.dedup();
    (bytes.len() <= 16).then_some(bytes)
}

impl RuleSet {
    /// For each rule (indexed as the set's rules), where its regex must search a text of
    /// `text_len` bytes whose rule-keyword occurrences are `occurrences` (`(start, keyword)`):
    /// merged windows, sorted, or `None` for the whole text (a rule without a reach, or with too
    /// many occurrences). Rules without occurrences get `None` too: they are not candidates.
    pub(super) fn windows(&self, text_len: usize, occurrences: &[(usize, usize)]) -> Vec<Option<Vec<Range<usize>>>> {
        let n = self.rules.len();
        let mut out: Vec<Option<Vec<Range<usize>>>> = vec![None; n];
        let mut whole = vec![false; n];
        for &(start, w) in occurrences {
            let len = self.words[w].len();
            for &r in &self.owners[w] {
                if whole[r] {
                    continue;
                }
                let Some(reach) = self.rules[r].reach() else {
                    whole[r] = true;
                    continue;
                };
                let windows = out[r].get_or_insert_with(Vec::new);
                if windows.len() == MAX_WINDOWS {
                    whole[r] = true;
                    continue;
                }
                windows.push((start + len).saturating_sub(reach)..(start + reach).min(text_len));
            }
        }
        for (windows, whole) in out.iter_mut().zip(whole) {
            if whole {
                *windows = None;
            } else if let Some(w) = windows {
                *w = merged(std::mem::take(w));
                // Windows covering half the text search it about as fast whole.
                if w.iter().map(|r| r.len()).sum::<usize>() * 2 >= text_len {
                    *windows = None;
                }
            }
        }
        out
    }
}

/// `windows` sorted and with overlapping or touching ones joined.
fn merged(mut windows: Vec<Range<usize>>) -> Vec<Range<usize>> {
    windows.sort_unstable_by_key(|r| r.start);
    let mut out: Vec<Range<usize>> = Vec::with_capacity(windows.len());
    for w in windows {
        match out.last_mut() {
            Some(last) if w.start <= last.end => last.end = last.end.max(w.end),
            _ => out.push(w),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(pattern: &str, keywords: &[&str], examples: &[&str]) -> Rule {
        Rule {
            id: "t.rule".into(),
            name: "t".into(),
            pattern: pattern.into(),
            keywords: keywords.iter().map(|k| k.to_string()).collect(),
            entropy: None,
            kind: crate::model::Kind::Secret,
            group: None,
            key: None,
            examples: examples.iter().map(|e| e.to_string()).collect(),
            negative_examples: vec!["nothing here".into()],
            source: String::new(),
        }
    }

    #[test]
    fn bounded_rules_whose_matches_hold_a_keyword_have_a_reach() {
        let r = rule(r"(?i)tok_(?P<secret>[a-z0-9]{20})\b", &["tok_"], &["x = tok_abcdefghij0123456789"]);
        assert_eq!(reach(&r), Some(24));
        // `.` without Unicode is one byte.
        let r = rule(r"(?i)aws.{0,20}?(?P<secret>[A-Z]{4})", &["aws"], &["AWS_KEY=ABCD"]);
        assert_eq!(reach(&r), Some(27));
    }

    #[test]
    fn unbounded_or_context_keyword_rules_search_the_whole_text() {
        let r = rule(r"tok_(?P<secret>[a-z0-9]+)", &["tok_"], &["tok_abc"]);
        assert_eq!(reach(&r), None, "unbounded");
        let r = rule(r"\b(?P<secret>[0-9a-f]{8})\b", &["heroku"], &["heroku: deadbeef"]);
        assert_eq!(reach(&r), None, "the keyword is context, outside the match");
        let r = rule(r"tok_(?P<secret>[a-z]{5000})", &["tok_"], &[]);
        assert_eq!(reach(&r), None, "past MAX_REACH");
    }

    #[test]
    fn windows_merge_and_give_way_to_the_whole_text() {
        assert_eq!(merged(vec![10..20, 0..5, 4..8, 20..25, 30..31]), vec![0..8, 10..25, 30..31]);
        let set =
            RuleSet::new(vec![rule(r"(?i)tok_(?P<secret>[a-z0-9]{20})\b", &["tok_"], &["tok_abcdefghij0123456789"])])
                .unwrap();
        let w = set.words.iter().position(|w| w == b"tok_").unwrap();
        let windows = set.windows(10_000, &[(100, w), (110, w), (5000, w)]);
        assert_eq!(windows[0], Some(vec![80..134, 4980..5024]));
        // Half the text covered: searched whole.
        assert_eq!(set.windows(100, &[(10, w), (60, w)])[0], None);
    }

    #[test]
    fn the_keyword_proof_follows_case_classes_alternations_and_optional_parts() {
        let holds = |pattern: &str, keywords: &[&str]| {
            let hir = syntax::parse_with(pattern, &syntax::Config::new().unicode(false).utf8(false)).unwrap();
            let k: Vec<Vec<u8>> = keywords.iter().map(|k| k.as_bytes().to_vec()).collect();
            holds_keyword(&hir, &k)
        };
        assert!(holds(r"(?i)aws_[a-z]{4}", &["aws"]), "case classes spell the keyword");
        assert!(
            holds(r"\bS[ACMNOUVX]A[A-P]", &["sua", "saa", "soa", "sna", "sca", "sxa", "sma", "sva"]),
            "every variant"
        );
        assert!(!holds(r"S[ACMNOUVX]A", &["sua", "saa"]), "a variant without a keyword");
        assert!(holds(r"(?:fb[_.]|facebook)secret", &["fb_", "fb.", "facebook"]));
        assert!(!holds(r"(?:\bfb|facebook)[a-z_]{0,5}secret", &["fb_", "facebook"]), "`fb` then a class");
        assert!(holds(r"x(?:api[_.\-]?key)=", &["api_key", "api.key", "api-key", "apikey"]), "optional separator");
        assert!(!holds(r"x(?:api[_.\-]?key)=", &["api_key", "apikey"]));
        assert!(holds(r"(?P<secret>tok_[a-z]+)", &["tok_"]), "inside a capture and before a repetition");
        assert!(!holds(r"(?:tok_)?[a-z]+", &["tok_"]), "optional keyword");
    }

    #[test]
    fn the_rules_that_read_most_of_a_scan_are_windowed() {
        let set = RuleSet::builtin().unwrap();
        let reach = |id: &str| set.compiled().iter().find(|r| r.rule.id == id).unwrap().reach();
        // The costliest regexes of the Python/JavaScript bench trees (benches/RESULTS.md).
        for id in [
            "facebook.app-secret",
            "generic.named-api-key",
            "npm.npmrc-auth",
            "aws.secret-access-key",
            "nats.nkey-seed",
        ] {
            assert!(reach(id).is_some(), "{id}");
        }
        let windowed = set.compiled().iter().filter(|r| r.reach().is_some()).count();
        assert!(windowed * 10 >= set.len() * 8, "{windowed} of {} rules", set.len());
    }

    /// Every rule's examples and negative examples, far apart in one text among filler, with
    /// the test fixtures: the windowed search finds what the whole-text search finds.
    #[test]
    fn windowed_detection_finds_what_the_whole_text_search_finds() {
        let set = RuleSet::builtin().unwrap();
        let filler = "    result = compute(value, other) + offset  # an ordinary line of code\n".repeat(6);
        let mut text = String::new();
        for r in set.rules() {
            for ex in r.examples.iter().chain(&r.negative_examples) {
                text.push_str(ex);
                text.push('\n');
                text.push_str(&filler);
            }
        }
        let mut texts = vec![text];
        texts.extend(crate::testdata::texts().into_iter().map(|(_, t)| format!("{filler}{t}{filler}")));
        let mut windowed = 0;
        for text in &texts {
            let bytes = text.as_bytes();
            let mut words = Vec::new();
            set.candidates_and_gates(bytes, super::super::walk::Sink { gates: None, words: Some(&mut words) });
            windowed += set.windows(bytes.len(), &words).iter().filter(|w| w.is_some()).count();
            let (found, _) = set.detect_with_words(bytes);
            assert_eq!(format!("{found:?}"), format!("{:?}", set.detect(bytes)));
        }
        assert!(windowed > 300, "the texts exercise windows ({windowed})");
    }
}
