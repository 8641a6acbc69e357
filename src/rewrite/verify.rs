//! Checks after a rewrite: no changed line still holds a migrated value (found by keyed
//! fingerprint over the changed hunks' tokens, so no value is needed), other occurrences of the
//! same word elsewhere in the file are a note, and code must still parse with no more syntax errors
//! than before. Whether each site itself still holds its value is [`crate::site::locate`]'s answer.

use super::lang::{Lang, error_count};
use crate::format::FileFormat;
use crate::model::{Fingerprint, Fingerprinter, Span};
use similar::{ChangeTag, TextDiff};
use std::path::Path;

/// The 1-based lines of `text` holding a token whose keyed fingerprint is one of `targets`.
/// Tokens are taken twice: split at quotes, whitespace and punctuation, and again also at the
/// `:/@?&` of URLs and DSNs, so a value inside a connection string is found too.
pub fn lines_holding(text: &str, fp: &Fingerprinter, targets: &[&Fingerprint]) -> Vec<usize> {
    text.lines().enumerate().filter(|(_, line)| line_hits(line, fp, targets) > 0).map(|(n, _)| n + 1).collect()
}

/// How many times a value with one of the fingerprints `targets` occurs in `text` (per line, the
/// largest of the tokenizations).
pub fn value_count(text: &str, fp: &Fingerprinter, targets: &[&Fingerprint]) -> usize {
    text.lines().map(|line| line_hits(line, fp, targets)).sum()
}

fn line_hits(line: &str, fp: &Fingerprinter, targets: &[&Fingerprint]) -> usize {
    own_line_hits(line, fp, targets, &[])
}

/// [`line_hits`] not counting hoist's own words (`own`): on a line hoist wrote, the ARNs, secret
/// names, keys and variables of its references are its text, not a value left behind — a weak
/// value equal to one of them (`password` as the key `password`, `us-east-1` in an ARN) would
/// otherwise always be "still in the file". A short option's glued value (`-pVALUE`) is a token too.
fn own_line_hits(line: &str, fp: &Fingerprinter, targets: &[&Fingerprint], own: &[&str]) -> usize {
    const COARSE: &[char] = &['"', '\'', '`', '=', ',', ';', '(', ')', '[', ']', '{', '}', '<', '>'];
    const FINE: &[char] = &[':', '/', '@', '?', '&'];
    let blanked;
    let line = if own.is_empty() {
        line
    } else {
        blanked = blank_arns(line);
        blanked.as_str()
    };
    let is_target = |t: &str| !t.is_empty() && !own.contains(&t) && targets.contains(&&fp.fingerprint(t));
    let glued = |t: &str| {
        let b = t.as_bytes();
        (b.len() > 2 && b[0] == b'-' && b[1].is_ascii_alphabetic() && is_target(&t[2..])) as usize
    };
    let hits = |tokens: &mut dyn Iterator<Item = &str>| -> usize {
        tokens.map(|t| (is_target(t) as usize).max(glued(t))).sum()
    };
    let coarse = hits(&mut line.split(|c: char| c.is_whitespace() || COARSE.contains(&c)));
    let fine = hits(&mut line.split(|c: char| c.is_whitespace() || COARSE.contains(&c) || FINE.contains(&c)));
    let whole =
        [Some(line.trim()), line.split_once('=').map(|(_, v)| v.trim()), line.split_once(": ").map(|(_, v)| v.trim())]
            .into_iter()
            .flatten()
            .filter(|t| is_target(t))
            .count()
            .min(1);
    coarse.max(fine).max(whole)
}

/// Syntax errors (tree-sitter ERROR/MISSING nodes) in `text` for a code file, `None` when hoist
/// has no grammar for the format.
pub fn syntax_errors(path: &Path, text: &str) -> Option<usize> {
    let lang = Lang::of(FileFormat::of_file(path, text))?;
    lang.parse(text).map(|t| error_count(&t))
}

/// What verifying one written file found.
#[derive(Clone, Debug, Default)]
pub struct FileCheck {
    /// Migrated values (by plan line) still on a changed line of the file: an error.
    pub values_left: Vec<usize>,
    /// Lines the rewrite did not change that hold a migrated value's word (the same weak string
    /// as a name, a user or a database elsewhere): a note.
    pub elsewhere: Vec<usize>,
    /// Syntax errors before and after (code files).
    pub errors: Option<(usize, usize)>,
}

impl FileCheck {
    /// True when no value is left on a changed line and no syntax error was added.
    pub fn ok(&self) -> bool {
        self.values_left.is_empty() && self.errors.is_none_or(|(before, after)| after <= before)
    }
}

/// One value rewritten in a file: the plan line, and the fingerprints of the value and of its
/// spelling in the file.
#[derive(Clone, Debug)]
pub struct Migrated {
    /// Line of the site (for the message).
    pub line: usize,
    /// Keyed fingerprints that identify the value's text (decoded, and as spelled).
    pub fingerprints: Vec<Fingerprint>,
}

/// Checks a written file. Over the changed hunks only, each migrated value must occur as many
/// times fewer as it was rewritten (a value left in place on purpose — a `skip` or `manual` site,
/// `kept_old` in `old` and `kept_new` in `new` — doesn't count); the value's word on an unchanged
/// line is reported in [`FileCheck::elsewhere`]. The new text must parse no worse than the old.
/// `own`: the names hoist writes into references (secret names, keys, variables), which don't
/// count on changed lines, nor do the ARNs it writes.
pub fn check_file(
    path: &Path,
    old: Option<&str>,
    new: &str,
    fp: &Fingerprinter,
    migrated: &[Migrated],
    kept: (&[Span], &[Span]),
    own: &[&str],
) -> FileCheck {
    let old_text = blank(old.unwrap_or(""), kept.0);
    let new_text = blank(new, kept.1);
    let diff = TextDiff::from_lines(old_text.as_str(), new_text.as_str());
    let (mut removed_lines, mut added_lines, mut same_lines) = (String::new(), Vec::new(), Vec::new());
    let mut new_line = 0;
    for change in diff.iter_all_changes() {
        match change.tag() {
            ChangeTag::Delete => removed_lines.push_str(change.value()),
            ChangeTag::Insert => {
                new_line += 1;
                added_lines.push((new_line, change.value()));
            }
            ChangeTag::Equal => {
                new_line += 1;
                same_lines.push((new_line, change.value()));
            }
        }
    }
    // A new line that repeats a line the rewrite kept (a trailing comment a rewriter carried to
    // both halves of a split list) adds no new text: it is "elsewhere", not a value left behind.
    let kept_lines: std::collections::HashSet<&str> = same_lines.iter().map(|(_, l)| l.trim()).collect();
    let copies = |l: &str| kept_lines.contains(l.trim());
    let mut values_left = Vec::new();
    let mut elsewhere = Vec::new();
    let mut seen: Vec<&[Fingerprint]> = Vec::new();
    for m in migrated {
        if seen.contains(&m.fingerprints.as_slice()) {
            continue;
        }
        seen.push(&m.fingerprints);
        let targets: Vec<&Fingerprint> = m.fingerprints.iter().collect();
        let rewritten = migrated.iter().filter(|o| o.fingerprints == m.fingerprints).count();
        let before = value_count(&removed_lines, fp, &targets);
        let after: usize =
            added_lines.iter().filter(|(_, l)| !copies(l)).map(|(_, l)| own_line_hits(l, fp, &targets, own)).sum();
        if after > before.saturating_sub(rewritten) {
            values_left.push(m.line);
        }
        let unchanged = same_lines.iter().chain(added_lines.iter().filter(|(_, l)| copies(l)));
        elsewhere.extend(unchanged.filter(|(_, l)| line_hits(l, fp, &targets) > 0).map(|(n, _)| *n));
    }
    elsewhere.sort_unstable();
    elsewhere.dedup();
    let errors = syntax_errors(path, new).map(|after| (old.and_then(|o| syntax_errors(path, o)).unwrap_or(0), after));
    FileCheck { values_left, elsewhere, errors }
}

/// `line` with each Secrets Manager ARN hoist may have written (`arn:aws…` up to a quote, space,
/// bracket or comma) turned into spaces.
fn blank_arns(line: &str) -> String {
    let mut out = line.to_string();
    let mut from = 0;
    while let Some(i) = out[from..].find("arn:aws").map(|i| i + from) {
        let end = out[i..]
            .find(|c: char| c.is_whitespace() || matches!(c, '\'' | '"' | '`' | ')' | ']' | '}' | ','))
            .map_or(out.len(), |e| i + e);
        out.replace_range(i..end, &" ".repeat(end - i));
        from = end;
    }
    out
}

/// `text` with the bytes of `spans` (values left in place on purpose) turned into spaces, line
/// breaks kept, so offsets and lines stay where they were.
fn blank(text: &str, spans: &[Span]) -> String {
    let mut bytes = text.as_bytes().to_vec();
    for s in spans {
        if s.end <= bytes.len() && text.is_char_boundary(s.start) && text.is_char_boundary(s.end) {
            for b in &mut bytes[s.start..s.end] {
                if *b != b'\n' {
                    *b = b' ';
                }
            }
        }
    }
    String::from_utf8(bytes).expect("whole characters became spaces")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(fp: &Fingerprinter, line: usize, v: &str) -> Migrated {
        Migrated { line, fingerprints: vec![fp.fingerprint(v)] }
    }

    #[test]
    fn finds_values_in_dsns_and_assignments() {
        let fp = Fingerprinter::new(b"k".to_vec());
        let text = "a = 1\nurl = \"postgres://u:hunter2@h/db\"\npass = two words here\n";
        assert_eq!(lines_holding(text, &fp, &[&fp.fingerprint("hunter2")]), vec![2]);
        assert_eq!(lines_holding(text, &fp, &[&fp.fingerprint("two words here")]), vec![3]);
        assert!(lines_holding(text, &fp, &[&fp.fingerprint("absent")]).is_empty());
        assert_eq!(value_count("a 5432\nb = \"5432\" # 5432\n", &fp, &[&fp.fingerprint("5432")]), 3);
    }

    #[test]
    fn a_common_word_on_an_unchanged_line_is_a_note_not_an_error() {
        let fp = Fingerprinter::new(b"k".to_vec());
        let old = "engine = \"postgres\"\npassword = \"postgres\"\nname = \"postgres\"\n";
        let new = "engine = \"postgres\"\npassword = var.db_password\nname = \"postgres\"\n";
        let c = check_file(Path::new("main.tf"), Some(old), new, &fp, &[m(&fp, 2, "postgres")], (&[], &[]), &[]);
        assert!(c.ok(), "{c:?}");
        assert_eq!(c.elsewhere, vec![1, 3]);
    }

    #[test]
    fn a_copy_of_a_kept_line_is_a_note() {
        let fp = Fingerprinter::new(b"k".to_vec());
        let old = "env = [\n  { v = \"pgpass\" },\n  # url = \"pg://u:pgpass@h\"\n]\n";
        let new = "env = [\n  # url = \"pg://u:pgpass@h\"\n]\nsecrets = [\n  { v = ARN },\n  # url = \"pg://u:pgpass@h\"\n]\n";
        let c = check_file(Path::new("a.tf"), Some(old), new, &fp, &[m(&fp, 2, "pgpass")], (&[], &[]), &[]);
        assert!(c.ok(), "{c:?}");
        assert!(!c.elsewhere.is_empty());
        let moved = "env = [\n  # url = \"pg://u:pgpass@h\"\n]\n  { v = \"pgpass\" },\n";
        let c = check_file(Path::new("a.tf"), Some(old), moved, &fp, &[m(&fp, 2, "pgpass")], (&[], &[]), &[]);
        assert!(!c.ok(), "a value moved to a new line is left behind: {c:?}");
    }

    #[test]
    fn a_value_left_on_a_changed_line_is_an_error_unless_it_was_kept_on_purpose() {
        let fp = Fingerprinter::new(b"k".to_vec());
        let old = "url = \"redis://:s3cretpw@cache:6379\"\n";
        let bad = "url = os.environ[\"PW\"] + \"s3cretpw\"\n";
        let c = check_file(Path::new("a.txt"), Some(old), bad, &fp, &[m(&fp, 1, "s3cretpw")], (&[], &[]), &[]);
        assert_eq!(c.values_left, vec![1]);
        // The host stays on the rewritten line as a `skip` site: not an error.
        let new = "url = f\"redis://:{os.environ['PW']}@cache:6379\"\n";
        let (ko, kn) = (old.find("cache").unwrap(), new.find("cache").unwrap());
        let c = check_file(
            Path::new("a.txt"),
            Some(old),
            new,
            &fp,
            &[m(&fp, 1, "s3cretpw")],
            (&[Span::new(ko, ko + 5)], &[Span::new(kn, kn + 5)]),
            &[],
        );
        assert!(c.ok(), "{c:?}");
    }

    #[test]
    fn hoists_own_words_and_a_glued_option_value_are_no_value_left_behind() {
        let fp = Fingerprinter::new(b"k".to_vec());
        // The value is the key's name and the ARN's region: the reference hoist wrote spells both.
        let old = "def export(path, password=\"password\", region='us-east-1'):\n";
        let new = "def export(path, password=get('arn:aws:secretsmanager:us-east-1:1:secret:a/password-x', \
                   'password'), region=get('arn:aws:secretsmanager:us-east-1:1:secret:a/password-x', 'region')):\n";
        let migrated = [m(&fp, 1, "password"), m(&fp, 1, "us-east-1")];
        let c = check_file(
            Path::new("a.py"),
            Some(old),
            new,
            &fp,
            &migrated,
            (&[], &[]),
            &["a/password", "password", "region"],
        );
        assert!(c.values_left.is_empty(), "{c:?}");
        // Without the names, the same lines read as values left behind.
        let c = check_file(Path::new("a.py"), Some(old), new, &fp, &migrated, (&[], &[]), &[]);
        assert!(!c.values_left.is_empty(), "{c:?}");
        // `-pVALUE` counts as the value: the user of the same name stays, the password went.
        let old = "mysql -u cactiuser -pcactiuser cacti\n";
        let new = "mysql -u cactiuser -p\"${MYSQL_PASSWORD:?set it}\" cacti\n";
        let c = check_file(Path::new("a.sh"), Some(old), new, &fp, &[m(&fp, 1, "cactiuser")], (&[], &[]), &[]);
        assert!(c.values_left.is_empty(), "{c:?}");
        let bad = "mysql -u cactiuser -pcactiuser -p\"${MYSQL_PASSWORD:?set it}\" cacti\n";
        let c = check_file(Path::new("a.sh"), Some(old), bad, &fp, &[m(&fp, 1, "cactiuser")], (&[], &[]), &[]);
        assert_eq!(c.values_left, vec![1]);
    }
}
