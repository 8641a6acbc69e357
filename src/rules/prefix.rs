//! The keyword prefixes' automata: a contiguous NFA for the first bytes a rule set walks, the full
//! DFA, built when first needed, once the walks add up. The DFA walks a text about twice as fast,
//! but building it (a few hundred prefixes, ASCII case-insensitive) costs ~3–6 ms, most of a
//! pre-commit run over a small commit; the NFA builds in a third of that, and over the tens of
//! kilobytes such a commit holds the slower walk costs a fraction of a millisecond. Both automata
//! are built from the same patterns with the same options, so they report the same matches in the
//! same order (`tests.rs` walks both over the test corpus).

use aho_corasick::nfa::contiguous;
use aho_corasick::{MatchKind, dfa::DFA};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Bytes walked with the NFA before the DFA is built: a small commit never pays for the DFA, and
/// a large commit or a tree scan pays at most ~1 ms for having started small (the NFA walks ~5
/// ns/byte slower on this machine; the DFA over 8-byte prefixes builds in ~6 ms, so a scan of
/// under ~1 MB would be as fast without it).
pub(super) const NFA_BYTES: usize = 256 << 10;

/// The automata over the keyword prefixes: the NFA built with the rule set (every walk starts with
/// it), the DFA on first use.
#[derive(Debug)]
pub(super) struct Prefixes {
    patterns: Vec<Vec<u8>>,
    nfa: contiguous::NFA,
    /// `None` when it could not be built (too many states for its ids: a user's rules with a
    /// great many keywords); the NFA then walks every text.
    dfa: OnceLock<Option<DFA>>,
    /// Bytes walked with the NFA so far (an estimate across threads is enough).
    walked: AtomicUsize,
}

/// The automaton to walk one text with.
pub(super) enum Pick<'a> {
    /// The small texts' automaton.
    Nfa(&'a contiguous::NFA),
    /// The fast one.
    Dfa(&'a DFA),
}

impl Prefixes {
    /// Builds the NFA over `patterns`.
    pub(super) fn new(patterns: Vec<Vec<u8>>) -> Result<Self, aho_corasick::BuildError> {
        let nfa = contiguous::Builder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::Standard)
            .prefilter(false)
            .build(&patterns)?;
        Ok(Self { patterns, nfa, dfa: OnceLock::new(), walked: AtomicUsize::new(0) })
    }

    /// The automaton for a text of `len` bytes: the DFA when it is built or the NFA's budget is spent.
    pub(super) fn pick(&self, len: usize) -> Pick<'_> {
        if let Some(built) = self.dfa.get() {
            return built.as_ref().map_or(Pick::Nfa(&self.nfa), Pick::Dfa);
        }
        if self.walked.fetch_add(len, Ordering::Relaxed).saturating_add(len) <= NFA_BYTES {
            return Pick::Nfa(&self.nfa);
        }
        self.dfa().map_or(Pick::Nfa(&self.nfa), Pick::Dfa)
    }

    /// The contiguous NFA.
    #[cfg(test)]
    pub(super) fn nfa(&self) -> &contiguous::NFA {
        &self.nfa
    }

    /// The full DFA (built now if not yet), `None` if it can't be. No prefilter: with prefixes
    /// starting with most letters there is none to have (`walk.rs` walks the automaton itself).
    pub(super) fn dfa(&self) -> Option<&DFA> {
        self.dfa
            .get_or_init(|| {
                aho_corasick::dfa::Builder::new()
                    .ascii_case_insensitive(true)
                    .match_kind(MatchKind::Standard)
                    .prefilter(false)
                    .build(&self.patterns)
                    .ok()
            })
            .as_ref()
    }
}
