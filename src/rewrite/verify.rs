//! Checks after a rewrite: a migrated value must not be anywhere in the new text (found by keyed
//! fingerprint over the file's tokens, so no value is needed), and code must still parse with no
//! more syntax errors than before.

use super::lang::{Lang, error_count};
use crate::format::FileFormat;
use crate::model::{Fingerprint, Fingerprinter};
use std::path::Path;

/// The 1-based line of a token of `text` whose keyed fingerprint is `target`, if any. Tokens are
/// taken twice: split at quotes, whitespace and punctuation, and again also at the `:/@?&`
/// of URLs and DSNs, so a value inside a connection string is found too.
pub fn value_present(text: &str, fp: &Fingerprinter, target: &Fingerprint) -> Option<usize> {
    text.lines().position(|line| line_hits(line, fp, target) > 0).map(|n| n + 1)
}

/// How many times the value with fingerprint `target` occurs in `text` (per line, the larger of
/// the two tokenizations).
pub fn value_count(text: &str, fp: &Fingerprinter, target: &Fingerprint) -> usize {
    text.lines().map(|line| line_hits(line, fp, target)).sum()
}

fn line_hits(line: &str, fp: &Fingerprinter, target: &Fingerprint) -> usize {
    const COARSE: &[char] = &['"', '\'', '`', '=', ',', ';', '(', ')', '[', ']', '{', '}', '<', '>'];
    const FINE: &[char] = &[':', '/', '@', '?', '&'];
    let hits = |tokens: &mut dyn Iterator<Item = &str>| {
        tokens.filter(|t| !t.is_empty() && fp.fingerprint(t) == *target).count()
    };
    let coarse = hits(&mut line.split(|c: char| c.is_whitespace() || COARSE.contains(&c)));
    let fine = hits(&mut line.split(|c: char| c.is_whitespace() || COARSE.contains(&c) || FINE.contains(&c)));
    let whole =
        [Some(line.trim()), line.split_once('=').map(|(_, v)| v.trim()), line.split_once(": ").map(|(_, v)| v.trim())]
            .into_iter()
            .flatten()
            .filter(|t| !t.is_empty() && fp.fingerprint(t) == *target)
            .count()
            .min(1);
    coarse.max(fine).max(whole)
}

/// Syntax errors (tree-sitter ERROR/MISSING nodes) in `text` for a code file, `None` when hoist
/// has no grammar for the format.
pub fn syntax_errors(path: &Path, text: &str) -> Option<usize> {
    let lang = Lang::of(FileFormat::of(path))?;
    lang.parse(text).map(|t| error_count(&t))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_values_in_dsns_and_assignments() {
        let fp = Fingerprinter::new(b"k".to_vec());
        let text = "a = 1\nurl = \"postgres://u:hunter2@h/db\"\npass = two words here\n";
        assert_eq!(value_present(text, &fp, &fp.fingerprint("hunter2")), Some(2));
        assert_eq!(value_present(text, &fp, &fp.fingerprint("two words here")), Some(3));
        assert_eq!(value_present(text, &fp, &fp.fingerprint("absent")), None);
        assert_eq!(value_count("a 5432\nb = \"5432\" # 5432\n", &fp, &fp.fingerprint("5432")), 3);
    }
}

/// What verifying one written file found.
#[derive(Clone, Debug, Default)]
pub struct FileCheck {
    /// Migrated values (by plan line) still present in the file.
    pub values_left: Vec<usize>,
    /// Syntax errors before and after (code files).
    pub errors: Option<(usize, usize)>,
}

impl FileCheck {
    /// True when no value is left and no syntax error was added.
    pub fn ok(&self) -> bool {
        self.values_left.is_empty() && self.errors.is_none_or(|(before, after)| after <= before)
    }
}

/// Checks a written file: each value rewritten at `migrated` sites `(line, fingerprint)` must
/// occur that many times less than before (the same short value elsewhere, a port in a comment,
/// is not the site's), and the new text must parse no worse than the old.
pub fn check_file(
    path: &Path,
    old: Option<&str>,
    new: &str,
    fp: &Fingerprinter,
    migrated: &[(usize, Fingerprint)],
) -> FileCheck {
    let mut values_left = Vec::new();
    let mut seen: Vec<&Fingerprint> = Vec::new();
    for (line, f) in migrated {
        if seen.contains(&f) {
            continue;
        }
        seen.push(f);
        let removed = migrated.iter().filter(|(_, g)| g == f).count();
        let before = old.map_or(0, |o| value_count(o, fp, f));
        if value_count(new, fp, f) > before.saturating_sub(removed) {
            values_left.push(*line);
        }
    }
    let errors = syntax_errors(path, new).map(|after| (old.and_then(|o| syntax_errors(path, o)).unwrap_or(0), after));
    FileCheck { values_left, errors }
}
