//! Where the language path's word-led patterns can begin, and their matches found only there.
//! The prefilter and the window-site patterns (`PREFILTER`, `ESCAPED`, `TYPED`, `LOOSE`) each
//! searched every byte of every code file; every match of theirs begins at a gate word the
//! file's one keyword pass already found (class `words::LANG`: a credential word, `://`, a sink's
//! name — or the start of the identifier holding it, for `\w*basic_?auth`), or a few bytes before
//! a `key` (`api_key`, `access.key`). Searching anchored at those starts, in order and skipping
//! those inside the last match, gives what `find_iter` gives: the leftmost match is the first
//! start where one begins. (The tests compare the two over generated texts and `testdata/`.)

use crate::detect::words::{self, Hits};
use regex_automata::hybrid::dfa::{Cache, DFA};
use regex_automata::util::pool::Pool;
use regex_automata::{Anchored, Input};
use std::ops::Range;
use std::panic::{RefUnwindSafe, UnwindSafe};
use std::sync::Arc;

/// The gate words a match of the word-led patterns begins with or holds near its start (all
/// lowercase; the keyword pass matches them ASCII case-insensitively), besides the config
/// prefilter's (`config::PREFILTER`: `pass`, `pwd`, `secret`, `token`, `key`, `auth`, `cred`, `://`
/// and the other languages' words), which `words.rs` puts in this class too.
pub(crate) const GATE_WORDS: &[&str] = &["connect", "pdo", "mysql", "sequelize", "basic", "curl"];

/// The words that name a kind of key before `[_.-]?key` in [`super::WORDS`] (`api_key`,
/// `signing-key`, `access.key`).
pub(super) const KEYED: &[&str] = &[
    "api",
    "private",
    "access",
    "app",
    "license",
    "session",
    "signing",
    "encryption",
    "master",
    "auth",
    "validation",
    "decryption",
    "hmac",
    "jwt",
];

/// The anchored searches' budget: bytes stepped over all starts, per byte of text (and a floor).
/// Past it (a text dense with words inside long runs of name bytes) the rest is searched the
/// ordinary way, which is linear: the anchored work stays a small multiple of the text.
const BUDGET_PER_BYTE: usize = 4;
const BUDGET_FLOOR: usize = 16 * 1024;

type CachePool = Pool<Cache, Box<dyn Fn() -> Cache + Send + Sync + RefUnwindSafe + UnwindSafe>>;

/// A word-led pattern, searched only at the starts of [`starts`]: its lazy DFA walked from each
/// start (the meta regex's set-up per search cost more than the walk), and the pattern's ordinary
/// search for what the budget doesn't cover.
pub(super) struct Led {
    dfa: Arc<DFA>,
    caches: CachePool,
    full: regex::bytes::Regex,
}

impl Led {
    /// Compiles `pattern` as `regex::bytes::Regex` does (matches needn't be UTF-8).
    pub fn new(pattern: &str) -> Led {
        let full = regex::bytes::Regex::new(pattern).expect("static pattern compiles");
        let dfa = DFA::builder()
            .syntax(regex_automata::util::syntax::Config::new().utf8(false))
            .build(pattern)
            .expect("static pattern compiles");
        let dfa = Arc::new(dfa);
        let of = dfa.clone();
        Led { dfa, caches: Pool::new(Box::new(move || of.create_cache())), full }
    }

    /// The end of the leftmost-first match beginning at `at`, if one does; `Err` when the budget
    /// ran out (or the lazy DFA gave up).
    fn end_at(&self, cache: &mut Cache, text: &[u8], at: usize, budget: &mut usize) -> Result<Option<usize>, ()> {
        let input = Input::new(text).span(at..text.len()).anchored(Anchored::Yes);
        let mut sid = self.dfa.start_state_forward(cache, &input).map_err(drop)?;
        let mut end = None;
        for (i, &byte) in text.iter().enumerate().skip(at) {
            *budget = budget.checked_sub(1).ok_or(())?;
            sid = self.dfa.next_state(cache, sid, byte).map_err(drop)?;
            if sid.is_tagged() {
                if sid.is_match() {
                    // (Matches are reported one byte late: this one ended before `byte`.)
                    end = Some(i);
                } else if sid.is_dead() {
                    return Ok(end);
                } else if sid.is_quit() {
                    return Err(());
                }
            }
        }
        sid = self.dfa.next_eoi_state(cache, sid).map_err(drop)?;
        Ok(if sid.is_match() { Some(text.len()) } else { end })
    }

    /// The matches `find_iter` reports, given every position a match may begin at (sorted).
    pub fn find_all(&self, text: &[u8], starts: &[usize]) -> Vec<Range<usize>> {
        let mut out: Vec<Range<usize>> = Vec::new();
        let mut cache = self.caches.get();
        let mut budget = BUDGET_FLOOR + BUDGET_PER_BYTE * text.len();
        let mut next = 0;
        for &s in starts {
            if s < next {
                continue;
            }
            match self.end_at(&mut cache, text, s, &mut budget) {
                Ok(Some(end)) => {
                    out.push(s..end);
                    next = end.max(s + 1);
                }
                Ok(None) => {}
                Err(()) => {
                    // (From `s` on: no match begins between `next` and `s`.)
                    let mut at = s;
                    while let Some(m) = self.full.find_at(text, at) {
                        out.push(m.range());
                        at = m.end().max(m.start() + 1);
                    }
                    break;
                }
            }
        }
        out
    }

    /// True when a match begins at one of `starts`.
    pub fn any(&self, text: &[u8], starts: &[usize]) -> bool {
        let mut cache = self.caches.get();
        let mut budget = BUDGET_FLOOR + BUDGET_PER_BYTE * text.len();
        for &s in starts {
            match self.end_at(&mut cache, text, s, &mut budget) {
                Ok(Some(_)) => return true,
                Ok(None) => {}
                Err(()) => return self.full.is_match_at(text, s),
            }
        }
        false
    }
}

/// Every position of `text` where a word-led match may begin: each gate word's start, the start
/// of the identifier holding it, and the starts of `<keyed>[_.-]?` before each `key`. Sorted.
pub(super) fn starts(text: &str) -> Vec<usize> {
    starts_of(text.as_bytes(), &Hits::of(text))
}

fn starts_of(b: &[u8], hits: &Hits) -> Vec<usize> {
    let is_word = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
    let mut out = Vec::new();
    // (The last start walked back from and the identifier start found: a run of name bytes is
    // walked once, however many words it holds.)
    let (mut last, mut last_ident) = (usize::MAX, 0);
    for (s, word) in hits.words(words::LANG) {
        out.push(s);
        let mut i = s;
        while i > 0 && is_word(b[i - 1]) {
            if i == last {
                i = last_ident;
                break;
            }
            i -= 1;
        }
        (last, last_ident) = (s, i);
        if i < s {
            out.push(i);
        }
        if word == "key" {
            for k in KEYED {
                for sep in [0, 1] {
                    let Some(from) = s.checked_sub(k.len() + sep) else { continue };
                    let gap_ok = sep == 0 || matches!(b[s - 1], b'_' | b'-' | b'.');
                    if gap_ok && b[from..from + k.len()].eq_ignore_ascii_case(k.as_bytes()) {
                        out.push(from);
                    }
                }
            }
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

#[cfg(test)]
mod tests;
