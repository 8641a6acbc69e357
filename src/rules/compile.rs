//! Compiling a rule's regex: the settings `regex::bytes::RegexBuilder` would use, on the engine
//! behind it (`regex_automata::meta`), which also offers compiling without the optimisations that
//! pay off only over long texts ([`Compile::Quick`]).

use super::{Rule, RuleError};
use regex_automata::meta::{self, Regex};
use regex_automata::util::syntax;

/// How a regex is compiled: both find the same matches with the same captures.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Compile {
    /// With every optimisation for long texts: a literal prefilter (extracting a large pattern's
    /// literals is most of its compile time) and the one-pass DFA for captures.
    Full,
    /// Without those, in about half the time (~0.6 ms less per rule): for a scan of a few small
    /// texts, where compiling is most of a rule's cost (the pre-commit hook's usual commit).
    Quick,
}

/// The regex and the index of the capture that holds the value (the `secret` group, else 1).
pub(super) fn with_value_group(regex: Regex) -> (Regex, usize) {
    let value_group = regex.group_info().to_index(regex_automata::PatternID::ZERO, "secret").unwrap_or(1);
    (regex, value_group)
}

/// The NFA size limit of a rule's regex (16 MiB: a few generic rules are large).
const NFA_LIMIT: usize = 1 << 24;

/// `rule`'s regex, as `regex::bytes::RegexBuilder::new(pattern).unicode(false).size_limit(NFA_LIMIT)`
/// builds it (the settings below are that builder's), compiled `how`.
pub(super) fn compile(rule: &Rule, how: Compile) -> Result<Regex, RuleError> {
    let full = how == Compile::Full;
    let config = meta::Config::new()
        .match_kind(regex_automata::MatchKind::LeftmostFirst)
        .utf8_empty(false)
        .nfa_size_limit(Some(NFA_LIMIT))
        .hybrid_cache_capacity(2 << 20)
        .auto_prefilter(full)
        .onepass(full);
    // ASCII classes: credentials are ASCII, and Unicode-aware `\\s`, `\\w`, `\\b` and negated classes make
    // the automata many times larger and slower without finding anything more.
    let syntax = syntax::Config::new().unicode(false).utf8(false);
    meta::Builder::new().configure(config).syntax(syntax).build(&rule.pattern).map_err(|_| {
        // The error as the `regex` crate words it (the syntax error drawn under the pattern, or
        // the size limit): the engine's own says only "error parsing pattern 0".
        let message = regex::bytes::RegexBuilder::new(&rule.pattern)
            .unicode(false)
            .size_limit(NFA_LIMIT)
            .build()
            .err()
            .map_or_else(|| "does not compile".to_string(), |e| e.to_string());
        RuleError::Regex { id: rule.id.clone(), message }
    })
}
