//! The rules' keyword pass: the prefix automaton walked over a text, its matches confirmed as
//! whole keywords, and the gate words the detectors share recorded on the way. The walk is generic
//! over the automaton: a small text takes the NFA, a large one the DFA (`prefix.rs`).

use super::prefix::Pick;
use super::{PREFIX, RuleSet};
use aho_corasick::Anchored;
use aho_corasick::automaton::{Automaton, StateID};

/// What a keyword pass records besides the rule keywords it reports: every occurrence of a gate
/// word (`(start, gate word)`) and of a rule keyword (`(start, keyword)`, in text order but for
/// keywords of different lengths ending close together), each when asked for.
#[derive(Default)]
pub(super) struct Sink<'a> {
    /// Gate-word occurrences, for the detectors.
    pub gates: Option<&'a mut Vec<(usize, usize)>>,
    /// Rule-keyword occurrences, for running each rule only around its keywords (`reach.rs`).
    pub words: Option<&'a mut Vec<(usize, usize)>>,
}

impl RuleSet {
    /// Calls `found` with each rule keyword (index into `words`) at its first occurrence in
    /// `text`, until it returns false, and records the occurrences `sink` asks for: every
    /// occurrence of a keyword starts with an occurrence of its prefix, and the overlapping search
    /// reports every prefix occurrence.
    ///
    /// The search walks the DFA here rather than through `find_overlapping_iter`, and walks it
    /// twice at once: each step of a walk waits for the table load of the step before, so one walk
    /// leaves the core idle most of the time, and two independent ones (the text's halves) run in
    /// about the time of one. The second walk starts [`PREFIX`] bytes before the middle (from there
    /// on its state is the one a single walk has, since no prefix is longer), its matches are held
    /// until the first half's are reported, and so every caller hears the same matches in the same
    /// order (by end, then in the automaton's order within one end) as from one walk.
    pub(super) fn keywords_in(&self, text: &[u8], sink: Sink<'_>, found: impl FnMut(usize) -> bool) {
        match self.prefilter.pick(text.len()) {
            Pick::Nfa(nfa) => self.keywords_with(nfa, text, sink, found),
            Pick::Dfa(dfa) => self.keywords_with(dfa, text, sink, found),
        }
    }

    /// [`RuleSet::keywords_in`] with the automaton `dfa` (either: the name says how it is walked).
    pub(super) fn keywords_with<A: Automaton>(
        &self,
        dfa: &A,
        text: &[u8],
        mut sink: Sink<'_>,
        mut found: impl FnMut(usize) -> bool,
    ) {
        let mut seen = vec![false; self.words.len()];
        let Ok(start) = dfa.start_state(Anchored::No) else { return };
        let mut hits = |at: usize, sid: StateID| self.state_hits(dfa, text, at, sid, &mut seen, &mut sink, &mut found);
        // Below this the second walk's set-up costs more than it saves.
        const TWO_WALKS: usize = 256;
        let (mut sid, mut from) = (start, 0);
        if text.len() >= TWO_WALKS {
            let mid = text.len() / 2;
            let second = mid - PREFIX;
            let mut later: Vec<(usize, StateID)> = Vec::new();
            let mut sid_b = start;
            for (i, (&x, &y)) in text[..mid].iter().zip(&text[second..second + mid]).enumerate() {
                sid = dfa.next_state(Anchored::No, sid, x);
                sid_b = dfa.next_state(Anchored::No, sid_b, y);
                if dfa.is_special(sid_b) && second + i >= mid {
                    later.push((second + i, sid_b));
                }
                if dfa.is_special(sid) && !hits(i, sid) {
                    return;
                }
            }
            for (at, s) in later {
                if !hits(at, s) {
                    return;
                }
            }
            (sid, from) = (sid_b, second + mid);
        }
        for (at, &byte) in text.iter().enumerate().skip(from) {
            sid = dfa.next_state(Anchored::No, sid, byte);
            if dfa.is_special(sid) && !hits(at, sid) {
                return;
            }
        }
    }

    /// The matches of state `sid`, reached at byte `at` (a special state: without a prefilter a
    /// match state, or the dead state an unanchored standard search never reaches); false when
    /// `found` says stop.
    #[allow(clippy::too_many_arguments)]
    fn state_hits<A: Automaton>(
        &self,
        dfa: &A,
        text: &[u8],
        at: usize,
        sid: StateID,
        seen: &mut [bool],
        sink: &mut Sink<'_>,
        found: &mut impl FnMut(usize) -> bool,
    ) -> bool {
        if !dfa.is_match(sid) {
            return !dfa.is_dead(sid);
        }
        for k in 0..dfa.match_len(sid) {
            let p = dfa.match_pattern(sid, k);
            if !self.prefix_hit(text, at + 1 - dfa.pattern_len(p), p.as_usize(), seen, sink, found) {
                return false;
            }
        }
        true
    }

    /// One occurrence of prefix `p` at `start`: confirms its keywords there, records gate words
    /// (and rule words, when the sink asks), and reports rule keywords not seen before to `found`;
    /// false when `found` says stop.
    fn prefix_hit(
        &self,
        text: &[u8],
        start: usize,
        p: usize,
        seen: &mut [bool],
        sink: &mut Sink<'_>,
        found: &mut impl FnMut(usize) -> bool,
    ) -> bool {
        let rest = &text[start..];
        for &w in &self.prefix_words[p] {
            let owned = !self.owners[w].is_empty();
            let rule_word = !seen[w] && owned;
            let record = owned && sink.words.is_some();
            let gate = if sink.gates.is_some() { self.gates[w] } else { None };
            if !rule_word && !record && gate.is_none() {
                continue;
            }
            let word = &self.words[w];
            if rest.len() < word.len() || !rest[..word.len()].eq_ignore_ascii_case(word) {
                continue;
            }
            if let (Some(g), Some(out)) = (gate, sink.gates.as_deref_mut()) {
                out.push((start, g));
            }
            if let (true, Some(out)) = (record, sink.words.as_deref_mut()) {
                out.push((start, w));
            }
            if rule_word {
                seen[w] = true;
                if !found(w) {
                    return false;
                }
            }
        }
        true
    }
}
