//! One keyword pass per file for the detectors' gates. The config prefilter, the tolerant
//! tokenizer's line gate, the command-line hints and the SQL keywords each walked the whole file
//! with their own ASCII case-insensitive automaton (aho-corasick has no SIMD prefilter for those:
//! each pass is a byte-wise walk). [`Hits`] holds every occurrence of all their words from one
//! overlapping pass, and each gate reads its view of it ([`Hits::any`], [`Hits::lines`],
//! [`Hits::starts`], [`Hits::sql_keywords`]); the views give what the separate passes gave (no
//! word crosses a line, so a line holds a reported match iff it holds an occurrence). While the
//! scanner analyzes a file ([`scope`]) the file's hits are found once — by the provider rules' own
//! keyword pass when it supplies them ([`crate::rules::RuleSet::detect_with_words`]) — and every
//! gate asking about the file or a slice of it reads them.

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use std::cell::RefCell;
use std::rc::Rc;
use std::sync::LazyLock;

/// The config prefilter's words (`config::PREFILTER`): a config file or text without one holds
/// nothing the config detectors report.
pub(crate) const CONFIG: u8 = 1;
/// The tolerant tokenizer's line gate: the config words and `webhook`, `basic `, `bearer `.
pub(crate) const LINE: u8 = 2;
/// The command-line detector's hints (`cmdline::HINTS`, and `password`).
pub(crate) const HINT: u8 = 4;
/// The SQL detector's keywords (`sql::KEYWORDS`).
pub(crate) const SQL: u8 = 8;
/// Markers of documents parsed whatever their names say (`kind: secret`, `NoEcho`).
pub(crate) const ALWAYS: u8 = 16;
/// Where the language path's word-led patterns begin: the config words and `lang::GATE_WORDS`.
pub(crate) const LANG: u8 = 32;

/// Every gate word (lowercase, distinct) with the classes it belongs to.
pub(crate) static WORDS: LazyLock<Vec<(&'static str, u8)>> = LazyLock::new(|| {
    let mut out: Vec<(&'static str, u8)> = Vec::new();
    let mut add = |w: &'static str, class: u8| match out.iter_mut().find(|(o, _)| *o == w) {
        Some((_, c)) => *c |= class,
        None => out.push((w, class)),
    };
    for w in super::config::PREFILTER {
        add(w, CONFIG | LINE | LANG);
    }
    for w in ["webhook", "basic ", "bearer "] {
        add(w, LINE);
    }
    for w in super::cmdline::HINTS.iter().chain(["password"].iter()) {
        add(w, HINT);
    }
    for w in super::sql::KEYWORDS {
        add(w, SQL);
    }
    for w in super::config::ALWAYS {
        add(w, ALWAYS);
    }
    for w in super::lang::GATE_WORDS {
        add(w, LANG);
    }
    debug_assert!(out.iter().all(|(w, _)| !w.contains('\n') && *w == w.to_ascii_lowercase()));
    out
});

/// The automaton over [`WORDS`] for texts no rule pass supplied hits for.
static AC: LazyLock<AhoCorasick> = LazyLock::new(|| {
    AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .match_kind(MatchKind::Standard)
        .kind(Some(AhoCorasickKind::DFA))
        .build(WORDS.iter().map(|(w, _)| w))
        .expect("static patterns")
});

/// Every occurrence of a gate word in one text.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Hits {
    /// `(start, word)` (an index into [`WORDS`]), sorted.
    at: Vec<(usize, u16)>,
    /// The union of the found words' classes.
    classes: u8,
}

impl Hits {
    /// The hits of `text`: the scanned file's (or a slice of it) from the [`scope`]'s one pass,
    /// else found now.
    pub(crate) fn of(text: &str) -> Rc<Hits> {
        let cached = FILE.with(|f| {
            let mut f = f.borrow_mut();
            let file = f.as_mut()?;
            let (p, n) = (text.as_ptr() as usize, text.len());
            if (p, n) == (file.ptr, file.len) {
                // The registered file itself (the same bytes: borrowed for the whole scope).
                return Some(file.hits.get_or_insert_with(|| Rc::new(Hits::scan(text))).clone());
            }
            let inside = p >= file.ptr && p + n <= file.ptr + file.len;
            file.hits.as_ref().filter(|_| inside).map(|h| Rc::new(h.slice(p - file.ptr, n)))
        });
        cached.unwrap_or_else(|| Rc::new(Hits::scan(text)))
    }

    /// One automaton pass over `text`.
    pub(crate) fn scan(text: &str) -> Hits {
        Hits::from_occurrences(AC.find_overlapping_iter(text).map(|m| (m.start(), m.pattern().as_usize())))
    }

    /// Hits from `(start, word)` occurrences (word: an index into [`WORDS`]), in any order.
    pub(crate) fn from_occurrences(occurrences: impl IntoIterator<Item = (usize, usize)>) -> Hits {
        let mut at: Vec<(usize, u16)> = occurrences.into_iter().map(|(s, w)| (s, w as u16)).collect();
        at.sort_unstable();
        at.dedup();
        let classes = at.iter().fold(0, |c, &(_, w)| c | WORDS[usize::from(w)].1);
        Hits { at, classes }
    }

    /// The hits lying wholly in `[start, start + len)`, relative to `start`.
    pub(crate) fn slice(&self, start: usize, len: usize) -> Hits {
        let from = self.at.partition_point(|&(s, _)| s < start);
        let at: Vec<(usize, u16)> = self.at[from..]
            .iter()
            .take_while(|&&(s, _)| s < start + len)
            .filter(|&&(s, w)| s + WORDS[usize::from(w)].0.len() <= start + len)
            .map(|&(s, w)| (s - start, w))
            .collect();
        let classes = at.iter().fold(0, |c, &(_, w)| c | WORDS[usize::from(w)].1);
        Hits { at, classes }
    }

    /// True when `word` (one of [`WORDS`]) occurs.
    pub(crate) fn holds(&self, word: &str) -> bool {
        let Some(w) = WORDS.iter().position(|(x, _)| *x == word) else { return false };
        self.at.iter().any(|&(_, x)| usize::from(x) == w)
    }

    /// True when a word of `class` occurs.
    pub(crate) fn any(&self, class: u8) -> bool {
        self.classes & class != 0
    }

    /// The starts of the occurrences of `class`'s words, in order (a start twice when two of its
    /// words start there).
    pub(crate) fn starts(&self, class: u8) -> impl Iterator<Item = usize> + '_ {
        self.words(class).map(|(s, _)| s)
    }

    /// The occurrences of `class`'s words as `(start, word)`, in order.
    pub(crate) fn words(&self, class: u8) -> impl Iterator<Item = (usize, &'static str)> + '_ {
        self.at.iter().filter_map(move |&(s, w)| {
            let (word, c) = WORDS[usize::from(w)];
            (c & class != 0).then_some((s, word))
        })
    }

    /// The SQL keywords as `(is identified, start, end)`, in order.
    pub(crate) fn sql_keywords(&self) -> impl Iterator<Item = (bool, usize, usize)> + '_ {
        self.at.iter().filter(|&&(_, w)| WORDS[usize::from(w)].1 & SQL != 0).map(|&(s, w)| {
            let word = WORDS[usize::from(w)].0;
            (word == "identified", s, s + word.len())
        })
    }

    /// The `(start, end)` byte ranges (end before the newline) of the lines of `text` (the text
    /// these hits are of) that hold a word of `class`, in order, each once. Linear: each line is
    /// bounded once.
    pub(crate) fn lines(&self, text: &str, class: u8) -> Vec<(usize, usize)> {
        let b = text.as_bytes();
        let mut out = Vec::new();
        let mut next = 0;
        for s in self.starts(class) {
            if s < next {
                continue;
            }
            let ls = memchr::memrchr(b'\n', &b[next..s]).map(|p| next + p + 1).unwrap_or(next);
            let le = memchr::memchr(b'\n', &b[s..]).map(|p| s + p).unwrap_or(b.len());
            out.push((ls, le));
            next = le + 1;
        }
        out
    }
}

/// The file being analyzed on this thread: its bytes' address, and its hits once found.
struct File {
    ptr: usize,
    len: usize,
    hits: Option<Rc<Hits>>,
}

thread_local! {
    static FILE: RefCell<Option<File>> = const { RefCell::new(None) };
}

/// Clears the registered file when its scope ends (on unwinding too).
struct Registered;

impl Drop for Registered {
    fn drop(&mut self) {
        FILE.with(|f| f.borrow_mut().take());
    }
}

/// Runs `f` with `text` as the file the gates read their hits of (`hits`: found by the caller's
/// own pass, else on first use). Nested scopes keep the outer file.
pub(crate) fn scope<T>(text: &str, hits: Option<Hits>, f: impl FnOnce() -> T) -> T {
    let fresh = FILE.with(|file| {
        let mut file = file.borrow_mut();
        if file.is_some() {
            return false;
        }
        *file = Some(File { ptr: text.as_ptr() as usize, len: text.len(), hits: hits.map(Rc::new) });
        true
    });
    // Built only when registered here: dropping it clears the file.
    let _guard = if fresh { Some(Registered) } else { None };
    f()
}

#[cfg(test)]
pub(crate) mod tests;
