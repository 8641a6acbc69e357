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
    const COARSE: &[char] = &['"', '\'', '`', '=', ',', ';', '(', ')', '[', ']', '{', '}', '<', '>'];
    const FINE: &[char] = &[':', '/', '@', '?', '&'];
    for (n, line) in text.lines().enumerate() {
        let coarse = line.split(|c: char| c.is_whitespace() || COARSE.contains(&c));
        let fine = line.split(|c: char| c.is_whitespace() || COARSE.contains(&c) || FINE.contains(&c));
        let trimmed = line.trim();
        let hit = coarse
            .chain(fine)
            .chain(std::iter::once(trimmed))
            .chain(line.split_once('=').map(|(_, v)| v.trim()))
            .chain(line.split_once(": ").map(|(_, v)| v.trim()))
            .filter(|t| !t.is_empty())
            .any(|t| fp.fingerprint(t) == *target);
        if hit {
            return Some(n + 1);
        }
    }
    None
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

/// Checks a written file: each `(line, fingerprint)` migrated from it must be gone, and the new
/// text must parse no worse than the old.
pub fn check_file(
    path: &Path,
    old: Option<&str>,
    new: &str,
    fp: &Fingerprinter,
    migrated: &[(usize, Fingerprint)],
) -> FileCheck {
    let values_left =
        migrated.iter().filter(|(_, f)| value_present(new, fp, f).is_some()).map(|(line, _)| *line).collect();
    let errors = syntax_errors(path, new).map(|after| (old.and_then(|o| syntax_errors(path, o)).unwrap_or(0), after));
    FileCheck { values_left, errors }
}
