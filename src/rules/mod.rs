//! Provider rules as data: loading the YAML rule files, validating them, and matching them with an
//! Aho-Corasick keyword prefilter so each regex runs only on files that contain one of its keywords.

mod accept;
mod compile;
mod entropy;
mod load;
mod prefix;
mod reach;
mod walk;

pub use compile::Compile;
pub use entropy::{looks_random, shannon_entropy};
pub use load::{BUILTIN_RULE_FILES, RuleFile, builtin_rules};

use crate::model::{Detection, Kind, SecretValue, Severity, Span};
use compile::{compile, with_value_group};
use regex_automata::meta::Regex;
use regex_automata::util::captures::Captures;
use regex_automata::util::iter::Searcher;
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, Ordering};

/// One rule as written in a `patterns/*.yaml` file or a user's config.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    /// Stable id, `family.name` (`aws.access-key-id`).
    pub id: String,
    /// Human name.
    pub name: String,
    /// Regex; the capture named `secret`, or else group 1, is the value.
    pub pattern: String,
    /// Literal keywords (case-insensitive); the regex runs only where one occurs.
    pub keywords: Vec<String>,
    /// Minimum Shannon entropy (bits per character) of the captured value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entropy: Option<f64>,
    /// `secret` (default) or `config`.
    #[serde(default = "default_kind")]
    pub kind: Kind,
    /// Planner group (`aws`, `stripe`…): values of one group in one file form one secret.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    /// JSON key inside the group's secret (`access_key_id`…).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// Texts the rule must match (each must yield a finding).
    pub examples: Vec<String>,
    /// Texts the rule must not match.
    pub negative_examples: Vec<String>,
    /// File the rule came from (filled in by the loader).
    #[serde(skip_deserializing, default)]
    pub source: String,
}

fn default_kind() -> Kind {
    Kind::Secret
}

/// Why a rule is unusable.
#[derive(Debug, thiserror::Error)]
pub enum RuleError {
    /// The YAML doesn't parse or has unknown fields.
    #[error("{file}: {message}")]
    Parse {
        /// Source file.
        file: String,
        /// Parser message.
        message: String,
    },
    /// The regex doesn't compile.
    #[error("rule {id}: bad pattern: {message}")]
    Regex {
        /// Rule id.
        id: String,
        /// Compiler message.
        message: String,
    },
    /// A structural problem: no capture group, no keywords, no examples, duplicate id.
    #[error("rule {id}: {message}")]
    Invalid {
        /// Rule id.
        id: String,
        /// What is wrong.
        message: String,
    },
    /// An example that should match doesn't, or a negative that shouldn't does.
    #[error("rule {id}: {message}")]
    Example {
        /// Rule id.
        id: String,
        /// Which example failed.
        message: String,
    },
}

/// A rule with its regex. User rules are compiled when loaded (loading validates them, and the
/// validating compile is the one kept); built-in rules compile on first use, so a pre-commit run
/// compiles only the rules whose keywords occur in the staged files. The regex is `regex`'s own
/// engine (`regex::bytes::Regex` is a wrapper of it), used directly for the [`Compile::Quick`]
/// option the wrapper doesn't offer.
#[derive(Debug)]
pub struct CompiledRule {
    /// The rule.
    pub rule: Rule,
    /// The regex and the index of the capture that holds the value (the `secret` group, else 1).
    compiled: OnceLock<(Regex, usize)>,
    /// How far a match reaches from its keyword, if bounded ([`reach::reach`]).
    reach: OnceLock<Option<usize>>,
}

impl CompiledRule {
    fn new(rule: Rule) -> Result<Self, RuleError> {
        let regex = validate_shape(&rule, Compile::Full)?;
        Ok(Self { rule, compiled: OnceLock::from(with_value_group(regex)), reach: OnceLock::new() })
    }

    /// A built-in rule: the rule self-test proves its regex compiles, has a value capture and
    /// passes its examples, so startup only checks the fields that cost nothing.
    fn new_builtin(rule: Rule) -> Result<Self, RuleError> {
        validate_fields(&rule)?;
        Ok(Self { rule, compiled: OnceLock::new(), reach: OnceLock::new() })
    }

    fn compiled(&self, how: Compile) -> &(Regex, usize) {
        self.compiled.get_or_init(|| {
            with_value_group(compile(&self.rule, how).expect("built-in rules compile (tests/rules_selftest.rs)"))
        })
    }

    /// The longest match, when bounded and every match holds a keyword: the rule's regex need
    /// search only that far around its keywords' occurrences (`reach.rs`).
    fn reach(&self) -> Option<usize> {
        *self.reach.get_or_init(|| reach::reach(&self.rule))
    }

    /// The compiled regex.
    pub fn regex(&self) -> &Regex {
        &self.compiled(Compile::Full).0
    }

    /// Runs the rule over `text`, pushing accepted matches.
    pub fn find_into(&self, text: &[u8], out: &mut Vec<Detection>) {
        self.find_with(text, None, out, Compile::Full)
    }

    /// [`CompiledRule::find_into`] searching only `windows` of `text` (sorted and disjoint;
    /// `None`: all of it), compiling the regex `how` if this is its first use. A window is searched
    /// as a range of the whole text, so assertions at its edges see the bytes beyond.
    fn find_with(&self, text: &[u8], windows: Option<&[Range<usize>]>, out: &mut Vec<Detection>, how: Compile) {
        let (regex, value_group) = self.compiled(how);
        let whole = 0..text.len();
        let windows = windows.unwrap_or(std::slice::from_ref(&whole));
        // One `Captures` for all windows (`captures_iter` allocates one per call, and a file can
        // have thousands of windows); the `Searcher` steps past matches as `captures_iter` does.
        let mut caps = regex.create_captures();
        for w in windows {
            let mut searcher = Searcher::new(regex_automata::Input::new(text).range(w.clone()));
            while searcher
                .advance(|input| {
                    regex.search_captures(input, &mut caps);
                    Ok(caps.get_match())
                })
                .is_some()
            {
                self.push_match(text, &caps, *value_group, out);
            }
        }
    }

    /// The detection of one match, unless its value is no credential.
    fn push_match(&self, text: &[u8], caps: &Captures, value_group: usize, out: &mut Vec<Detection>) {
        let Some(m) = caps.get_group(value_group) else { return };
        let value = String::from_utf8_lossy(&text[m.range()]);
        if !accept::is_credential(&self.rule, text, m.range(), &value) {
            return;
        }
        out.push(Detection {
            rule: self.rule.id.clone(),
            kind: self.rule.kind,
            span: Span::new(m.start, m.end),
            value: SecretValue::new(value.into_owned()),
            name: None,
            group: self.rule.group.clone(),
            key: self.rule.key.clone(),
            deploy: None,
            severity: Severity::High,
        });
    }

    /// Checks the rule's own examples and negative examples.
    pub fn check_examples(&self) -> Result<(), RuleError> {
        for ex in &self.rule.examples {
            let mut found = Vec::new();
            self.find_into(ex.as_bytes(), &mut found);
            if found.is_empty() {
                return Err(RuleError::Example {
                    id: self.rule.id.clone(),
                    message: format!("example does not match: {ex:?}"),
                });
            }
            if !keyword_hit(&self.rule.keywords, ex) {
                return Err(RuleError::Example {
                    id: self.rule.id.clone(),
                    message: format!("example holds none of the keywords, so the prefilter would skip it: {ex:?}"),
                });
            }
        }
        for neg in &self.rule.negative_examples {
            let mut found = Vec::new();
            self.find_into(neg.as_bytes(), &mut found);
            if !found.is_empty() {
                return Err(RuleError::Example {
                    id: self.rule.id.clone(),
                    message: format!("negative example matches: {neg:?}"),
                });
            }
        }
        Ok(())
    }
}

fn keyword_hit(keywords: &[String], text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    keywords.iter().any(|k| lower.contains(&k.to_ascii_lowercase()))
}

fn validate_shape(rule: &Rule, how: Compile) -> Result<Regex, RuleError> {
    let invalid = |message: &str| RuleError::Invalid { id: rule.id.clone(), message: message.into() };
    if rule.id.trim().is_empty() {
        return Err(invalid("empty id"));
    }
    let re = compile(rule, how)?;
    if re.captures_len() < 2 {
        return Err(invalid("pattern needs a capture group (named `secret`, or group 1) for the value"));
    }
    validate_fields(rule)?;
    Ok(re)
}

/// The checks that need no regex compilation.
fn validate_fields(rule: &Rule) -> Result<(), RuleError> {
    let invalid = |message: &str| RuleError::Invalid { id: rule.id.clone(), message: message.into() };
    if rule.id.trim().is_empty() {
        return Err(invalid("empty id"));
    }
    if rule.keywords.is_empty() || rule.keywords.iter().any(|k| k.len() < 2) {
        return Err(invalid("needs at least one keyword of two or more characters for the prefilter"));
    }
    if rule.examples.is_empty() || rule.negative_examples.is_empty() {
        return Err(invalid("needs at least one example and one negative example"));
    }
    Ok(())
}

/// A set of rules behind one keyword prefilter.
#[derive(Debug)]
pub struct RuleSet {
    rules: Vec<CompiledRule>,
    /// The keywords' first [`PREFIX`] bytes (deduplicated): an automaton over these is a few
    /// times smaller than one over the whole keywords, so its table stays in cache (the overlapping
    /// keyword search was the largest single entry of a scan's profile) and it builds faster at
    /// start-up; each prefix hit is confirmed against its keywords in place.
    prefilter: prefix::Prefixes,
    /// For each prefix pattern, the keywords (indices into `words`) that start with it.
    prefix_words: Vec<Vec<usize>>,
    /// The distinct keywords, ASCII-lowercased.
    words: Vec<Vec<u8>>,
    /// For each keyword, the rules it enables (none for a gate word no rule has).
    owners: Vec<Vec<usize>>,
    /// For each keyword, the detectors' gate word it also is (an index into
    /// [`crate::detect::words::WORDS`]): the detectors' keyword gates read the occurrences this
    /// pass finds ([`RuleSet::detect_with_words`]) instead of walking the file again.
    gates: Vec<Option<usize>>,
    /// Built-in rules first used from now on compile [`Compile::Quick`] ([`RuleSet::prepare_for`]).
    quick: AtomicBool,
}

/// How many leading bytes of each keyword the prefilter automaton holds. Past the prefix a
/// keyword is confirmed by comparing bytes, once per occurrence of its prefix: at 4 bytes the
/// prefix `type` of `typeform` matched every `type` of a TypeScript tree (413k of its 2.35M
/// prefix matches, 604k of which were keywords); 8 bytes cut the JavaScript tree's scan time
/// ~6 % (Python ~6 %, config ~2 %), 12 no further.
const PREFIX: usize = 8;

impl RuleSet {
    /// Builds a set, rejecting duplicate ids and malformed rules.
    pub fn new(rules: Vec<Rule>) -> Result<Self, RuleError> {
        Self::build(Vec::new(), rules)
    }

    /// Builds a set from built-in rules (regexes compiled on first use; the rule self-test proves
    /// them) and other rules (compiled and checked now, so a bad user rule fails at load).
    pub fn with_builtin(builtin: Vec<Rule>, others: Vec<Rule>) -> Result<Self, RuleError> {
        Self::build(builtin, others)
    }

    fn build(builtin: Vec<Rule>, others: Vec<Rule>) -> Result<Self, RuleError> {
        let mut seen = HashSet::new();
        let mut compiled = Vec::with_capacity(builtin.len() + others.len());
        let n_builtin = builtin.len();
        for (i, r) in builtin.into_iter().chain(others).enumerate() {
            if !seen.insert(r.id.clone()) {
                return Err(RuleError::Invalid { id: r.id, message: "duplicate rule id".into() });
            }
            compiled.push(if i < n_builtin { CompiledRule::new_builtin(r)? } else { CompiledRule::new(r)? });
        }
        // Distinct keywords and prefixes by hash: a linear search per keyword (~550 of them, ~460
        // prefixes) was a millisecond of every start.
        let mut words: Vec<String> = Vec::new();
        let mut owners: Vec<Vec<usize>> = Vec::new();
        let mut index: HashMap<String, usize> = HashMap::new();
        for (i, r) in compiled.iter().enumerate() {
            for k in &r.rule.keywords {
                let k = k.to_ascii_lowercase();
                match index.get(&k) {
                    Some(&p) => owners[p].push(i),
                    None => {
                        index.insert(k.clone(), words.len());
                        words.push(k);
                        owners.push(vec![i]);
                    }
                }
            }
        }
        let mut gates = vec![None; words.len()];
        for (g, (w, _)) in crate::detect::words::WORDS.iter().enumerate() {
            match index.get(*w) {
                Some(&p) => gates[p] = Some(g),
                None => {
                    words.push(w.to_string());
                    owners.push(Vec::new());
                    gates.push(Some(g));
                }
            }
        }
        let words: Vec<Vec<u8>> = words.into_iter().map(String::into_bytes).collect();
        let mut prefixes: Vec<Vec<u8>> = Vec::new();
        let mut prefix_index: HashMap<&[u8], usize> = HashMap::new();
        let mut prefix_words: Vec<Vec<usize>> = Vec::new();
        for (i, w) in words.iter().enumerate() {
            let p = &w[..w.len().min(PREFIX)];
            match prefix_index.get(p) {
                Some(&j) => prefix_words[j].push(i),
                None => {
                    prefix_index.insert(p, prefixes.len());
                    prefixes.push(p.to_vec());
                    prefix_words.push(vec![i]);
                }
            }
        }
        drop(prefix_index);
        // Automata rather than one: the default picks an NFA above ~100 patterns, but a full DFA over
        // a few hundred short prefixes is small and the fastest to walk; only its build is slow.
        let prefilter = prefix::Prefixes::new(prefixes)
            .map_err(|e| RuleError::Invalid { id: "<prefilter>".into(), message: e.to_string() })?;
        Ok(Self { rules: compiled, prefilter, prefix_words, words, owners, gates, quick: AtomicBool::new(false) })
    }

    /// The built-in rules embedded from `patterns/`.
    pub fn builtin() -> Result<Self, RuleError> {
        Self::new(load::builtin_rules()?)
    }

    /// Readies the set for scanning about `bytes` more bytes (what scanning them will cost decides
    /// how best to start; either way the set finds the same). Fewer than the keyword NFA's budget:
    /// the rules first used from now on compile [`Compile::Quick`], as compiling is then most of a
    /// rule's cost. More: they compile [`Compile::Full`], and the keyword DFA is built now rather
    /// than after the NFA has walked its budget.
    pub fn prepare_for(&self, bytes: usize) {
        let small = bytes < prefix::NFA_BYTES;
        self.quick.store(small, Ordering::Relaxed);
        if !small {
            self.prefilter.dfa();
        }
    }

    /// The rules in the set.
    pub fn rules(&self) -> impl Iterator<Item = &Rule> {
        self.rules.iter().map(|r| &r.rule)
    }

    /// The compiled rules (for example checks).
    pub fn compiled(&self) -> &[CompiledRule] {
        &self.rules
    }

    /// Number of rules.
    pub fn len(&self) -> usize {
        self.rules.len()
    }

    /// True when there are no rules.
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// Which rules have a keyword in `text`.
    pub fn candidates(&self, text: &[u8]) -> Vec<usize> {
        self.candidates_and_gates(text, walk::Sink::default())
    }

    /// [`RuleSet::candidates`], adding the gate words' occurrences to `gate_hits` when given.
    fn candidates_and_gates(&self, text: &[u8], sink: walk::Sink<'_>) -> Vec<usize> {
        let mut hit = vec![false; self.rules.len()];
        self.keywords_in(text, sink, |w| {
            for &r in &self.owners[w] {
                hit[r] = true;
            }
            true
        });
        hit.iter().enumerate().filter(|(_, h)| **h).map(|(i, _)| i).collect()
    }

    /// True when any keyword of any rule occurs in `text`.
    pub fn any_keyword(&self, text: &[u8]) -> bool {
        let mut any = false;
        self.keywords_in(text, walk::Sink::default(), |_| {
            any = true;
            false
        });
        any
    }

    /// All rule detections in `text`, one per span (the first rule in file order wins a tie).
    /// Each regex searches the whole text: the reference [`RuleSet::detect_with_words`] is
    /// tested against.
    pub fn detect(&self, text: &[u8]) -> Vec<Detection> {
        self.detect_candidates(text, self.candidates(text), &[])
    }

    /// [`RuleSet::detect`], and where the detectors' gate words occur in `text`, from the same
    /// keyword pass (the scanner hands them to the detectors: one pass over the file for all).
    /// The pass also records where each rule keyword occurs, so a rule whose matches are short
    /// and hold a keyword searches only around those (`reach.rs`): the same findings.
    pub fn detect_with_words(&self, text: &[u8]) -> (Vec<Detection>, crate::detect::words::Hits) {
        let (mut gate_hits, mut words) = (Vec::new(), Vec::new());
        let candidates =
            self.candidates_and_gates(text, walk::Sink { gates: Some(&mut gate_hits), words: Some(&mut words) });
        let windows = self.windows(text.len(), &words);
        (self.detect_candidates(text, candidates, &windows), crate::detect::words::Hits::from_occurrences(gate_hits))
    }

    /// The candidates' detections, rule `i` searching `windows[i]` of `text` when there is one.
    fn detect_candidates(
        &self,
        text: &[u8],
        candidates: Vec<usize>,
        windows: &[Option<Vec<Range<usize>>>],
    ) -> Vec<Detection> {
        let mut out = Vec::new();
        let how = if self.quick.load(Ordering::Relaxed) { Compile::Quick } else { Compile::Full };
        for i in candidates {
            let w = windows.get(i).and_then(Option::as_deref);
            self.rules[i].find_with(text, w, &mut out, how);
        }
        // Longest span first at each start; on a tie a provider rule beats a generic one (a JWT that is
        // a monday.com token is reported as monday.com), then file order.
        out.sort_by_key(|d| (d.span.start, std::cmp::Reverse(d.span.end), d.rule.starts_with("generic.")));
        out.dedup_by(|b, a| a.span.overlaps(&b.span));
        out
    }
}

#[cfg(test)]
mod tests;
