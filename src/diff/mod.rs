//! Unified diffs of the files a rewrite would write (`similar`), with every known secret value
//! redacted unless the user asks to see them, coloured for a terminal, and a `--stat` summary.
//! Printers write to `&mut dyn Write`.

use similar::{ChangeTag, TextDiff};
use std::io::{self, Write};

/// How to render.
#[derive(Clone, Debug, Default)]
pub struct DiffOptions {
    /// ANSI colours.
    pub color: bool,
    /// Values to replace with `<redacted>` (empty with `--show-secrets`).
    pub redact: Vec<String>,
    /// `--show-secrets`: no [`redact_credentials`] on the lines hoist leaves either.
    pub reveal: bool,
}

/// The replacement text for a redacted value.
pub const REDACTED: &str = "<redacted>";

/// Shortest value also redacted wherever its text occurs (a safety net beside the exact spans):
/// a short config value such as a port or a database name would blank out unrelated words.
pub const MIN_SUBSTRING_REDACT: usize = 8;

/// Replaces the given byte spans of `text` with [`REDACTED`] (spans sorted or not; overlaps merged).
pub fn mask(text: &str, spans: &[crate::model::Span]) -> String {
    let mut spans: Vec<_> = spans.iter().filter(|s| s.end <= text.len()).copied().collect();
    spans.sort();
    let mut out = String::with_capacity(text.len());
    let mut pos = 0;
    for s in spans {
        if s.start < pos {
            pos = pos.max(s.end);
            continue;
        }
        if !text.is_char_boundary(s.start) || !text.is_char_boundary(s.end) {
            continue;
        }
        out.push_str(&text[pos..s.start]);
        out.push_str(REDACTED);
        pos = s.end;
    }
    out.push_str(&text[pos..]);
    out
}

/// Writes the unified diff of one file (`old` = `None` for a new file) with `a/`/`b/` headers.
pub fn write_file_diff(
    out: &mut dyn Write,
    path: &str,
    old: Option<&str>,
    new: &str,
    opts: &DiffOptions,
) -> io::Result<()> {
    let before = old.unwrap_or("");
    let diff = TextDiff::from_lines(before, new);
    let a = if old.is_some() { format!("a/{path}") } else { "/dev/null".to_string() };
    let b = format!("b/{path}");
    let text = diff.unified_diff().context_radius(3).header(&a, &b).to_string();
    let mut values: Vec<&str> = opts.redact.iter().map(String::as_str).filter(|v| !v.is_empty()).collect();
    values.sort_by_key(|v| std::cmp::Reverse(v.len()));
    for line in text.split_inclusive('\n') {
        let (style, body) = classify(line);
        let body = match style {
            Style::Header => body.to_string(),
            // Lines hoist doesn't write can hold values it never planned (removed from the plan,
            // a stale site, one it didn't detect): credential-shaped values there go too.
            Style::Context | Style::Removed if !opts.reveal => {
                redact_credentials(&redact(body, &values, MIN_SUBSTRING_REDACT))
            }
            _ => redact(body, &values, MIN_SUBSTRING_REDACT),
        };
        if opts.color {
            let code = match style {
                Style::Header => "\x1b[1m",
                Style::Hunk => "\x1b[36m",
                Style::Removed => "\x1b[31m",
                Style::Added => "\x1b[32m",
                Style::Context => "",
            };
            let (content, nl) = body.strip_suffix('\n').map_or((body.as_str(), ""), |c| (c, "\n"));
            if code.is_empty() {
                write!(out, "{content}{nl}")?;
            } else {
                write!(out, "{code}{content}\x1b[0m{nl}")?;
            }
        } else {
            out.write_all(body.as_bytes())?;
        }
    }
    Ok(())
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Style {
    Header,
    Hunk,
    Removed,
    Added,
    Context,
}

fn classify(line: &str) -> (Style, &str) {
    let style = if line.starts_with("--- ") || line.starts_with("+++ ") {
        Style::Header
    } else if line.starts_with("@@") {
        Style::Hunk
    } else if line.starts_with('-') {
        Style::Removed
    } else if line.starts_with('+') {
        Style::Added
    } else {
        Style::Context
    };
    (style, line)
}

/// Replaces every occurrence of the values (longest first) of at least `min` bytes that stands
/// on its own (not inside a longer word: `postgres` is redacted in `image: postgres`, not in
/// `postgresql`).
pub fn redact(line: &str, values: &[&str], min: usize) -> String {
    let mut s = line.to_string();
    for v in values {
        if v.len() < min || !s.contains(v) {
            continue;
        }
        let mut out = String::with_capacity(s.len());
        let mut pos = 0;
        for (i, _) in s.match_indices(v) {
            if i < pos {
                continue;
            }
            let before = s[..i].chars().next_back();
            let after = s[i + v.len()..].chars().next();
            let word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
            if word(before) || word(after) {
                continue;
            }
            out.push_str(&s[pos..i]);
            out.push_str(REDACTED);
            pos = i + v.len();
        }
        out.push_str(&s[pos..]);
        s = out;
    }
    s
}

/// Words that make a line a credential assignment (lowercase, matched inside identifiers:
/// `DB_PASSWORD`, `apiToken`, `client-secret`).
const CREDENTIAL_WORDS: &[&str] = &[
    "pass",
    "pwd",
    "secret",
    "token",
    "apikey",
    "api_key",
    "api-key",
    "auth",
    "credential",
    "private",
    "access_key",
    "accesskey",
    "signing",
    "salt",
    "cookie",
    "session",
    "dsn",
    "conn",
];

/// The redaction rule for lines hoist leaves as they are (diff context and removed lines): on a
/// line whose text names a credential ([`CREDENTIAL_WORDS`]), every quoted string and the value
/// of an unquoted `key = value` / `key: value` whose key names one; on any line, the password
/// of a URL's `user:password@`. References (`<redacted>`, ARNs, `${…}`) stay readable.
pub fn redact_credentials(line: &str) -> String {
    let lower = line.to_ascii_lowercase();
    let mut spans: Vec<crate::model::Span> = url_passwords(line);
    if CREDENTIAL_WORDS.iter().any(|w| lower.contains(w)) {
        spans.extend(quoted(line));
        spans.extend(unquoted_value(line, &lower));
    }
    let spans: Vec<crate::model::Span> = spans
        .into_iter()
        .filter(|s| {
            let t = &line[s.start..s.end];
            !(t.is_empty() || t == REDACTED || t.starts_with("arn:") || t.contains("${") || t.contains(REDACTED))
        })
        .collect();
    mask(line, &spans)
}

/// Contents of every quoted string on the line (`"…"`, `'…'`, `` `…` ``, backslash escapes
/// honoured); an unterminated one runs to the end of the line.
fn quoted(line: &str) -> Vec<crate::model::Span> {
    let b = line.as_bytes();
    let end_of_line = line.trim_end_matches(['\n', '\r']).len();
    let mut out = Vec::new();
    let mut i = 1; // after the diff marker
    while i < end_of_line {
        let q = b[i];
        if !matches!(q, b'"' | b'\'' | b'`') {
            i += 1;
            continue;
        }
        // An apostrophe inside a word (`don't`) opens nothing.
        if q == b'\'' && i > 0 && b[i - 1].is_ascii_alphanumeric() {
            i += 1;
            continue;
        }
        let start = i + 1;
        let mut j = start;
        while j < end_of_line && b[j] != q {
            j += if b[j] == b'\\' { 2 } else { 1 };
        }
        let stop = j.min(end_of_line);
        out.push(crate::model::Span::new(start, stop));
        i = stop + 1;
    }
    out
}

/// The value of `key = value`, `key: value` or `KEY=value` when the key names a credential and
/// the value isn't quoted (quoted ones are covered by [`quoted`]).
fn unquoted_value(line: &str, lower: &str) -> Vec<crate::model::Span> {
    let end = line.trim_end_matches(['\n', '\r']).len();
    let Some(sep) = line[..end].find(['=', ':']) else { return Vec::new() };
    if sep < 1 || !CREDENTIAL_WORDS.iter().any(|w| lower[1..sep].contains(w)) {
        return Vec::new();
    }
    let rest = &line[sep + 1..end];
    let start = sep + 1 + (rest.len() - rest.trim_start().len());
    let value = line[start..end].trim_end();
    if value.is_empty() || value.starts_with(['"', '\'', '`']) {
        return Vec::new();
    }
    vec![crate::model::Span::new(start, start + value.len())]
}

/// The password of every `scheme://user:password@` on the line.
fn url_passwords(line: &str) -> Vec<crate::model::Span> {
    let mut out = Vec::new();
    for (i, _) in line.match_indices("://") {
        let auth_start = i + 3;
        let tail = &line[auth_start..];
        let auth_len =
            tail.find(|c: char| c == '/' || c.is_whitespace() || matches!(c, '"' | '\'' | '`')).unwrap_or(tail.len());
        let auth = &tail[..auth_len];
        if let (Some(at), Some(colon)) = (auth.rfind('@'), auth.find(':'))
            && colon < at
        {
            out.push(crate::model::Span::new(auth_start + colon + 1, auth_start + at));
        }
    }
    out
}

/// Lines added and removed between two texts.
pub fn line_counts(old: &str, new: &str) -> (usize, usize) {
    let diff = TextDiff::from_lines(old, new);
    let mut added = 0;
    let mut removed = 0;
    for change in diff.iter_all_changes() {
        match change.tag() {
            ChangeTag::Insert => added += 1,
            ChangeTag::Delete => removed += 1,
            ChangeTag::Equal => {}
        }
    }
    (added, removed)
}

/// `git diff --stat`-style summary: one line per file, then the totals.
pub fn write_stat(out: &mut dyn Write, files: &[(String, usize, usize)], color: bool) -> io::Result<()> {
    let width = files.iter().map(|(p, _, _)| p.len()).max().unwrap_or(0);
    let (mut ta, mut tr) = (0, 0);
    for (path, added, removed) in files {
        ta += added;
        tr += removed;
        let (plus, minus) = ("+".repeat((*added).min(40)), "-".repeat((*removed).min(40)));
        if color {
            writeln!(out, " {path:<width$} | {:>4} \x1b[32m{plus}\x1b[31m{minus}\x1b[0m", added + removed)?;
        } else {
            writeln!(out, " {path:<width$} | {:>4} {plus}{minus}", added + removed)?;
        }
    }
    writeln!(
        out,
        " {} file{} changed, {ta} insertion{}(+), {tr} deletion{}(-)",
        files.len(),
        if files.len() == 1 { "" } else { "s" },
        if ta == 1 { "" } else { "s" },
        if tr == 1 { "" } else { "s" }
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn removed_lines_are_redacted_and_headers_kept() {
        let mut out = Vec::new();
        let opts = DiffOptions { color: false, redact: vec!["hunter2-long".into()], reveal: false };
        let old = "a = 1\npw = \"hunter2-long\"\n# short: orders\n";
        let at = old.find("hunter2").unwrap();
        let masked = mask(old, &[crate::model::Span::new(at, at + 12)]);
        let new = "a = 1\npw = os.environ[\"PW\"]\n# short: orders\n";
        write_file_diff(&mut out, "app.py", Some(&masked), new, &opts).unwrap();
        let s = String::from_utf8(out).unwrap();
        assert!(s.starts_with("--- a/app.py\n+++ b/app.py\n@@"), "{s}");
        assert!(s.contains("-pw = \"<redacted>\"\n"), "{s}");
        assert!(s.contains("+pw = os.environ[\"PW\"]\n"), "{s}");
        assert!(!s.contains("hunter2"));
        assert!(s.contains(" # short: orders\n"), "short values are masked by span, not by text: {s}");
    }

    #[test]
    fn values_hoist_never_planned_are_redacted_on_lines_it_leaves() {
        for (line, gone) in [
            (" OTHER_PASSWORD = \"pa\\\"ss\\\\w0rd'Zk\"\n", "w0rd"),
            (" client_secret: 'Kq7pLmNz9xWv'\n", "Kq7pLm"),
            ("-API_TOKEN=tok_Zq8Pl4nted\n", "Zq8Pl4"),
            (" db.password: hunter2hunter2 # old\n", "hunter2"),
            (" url = os.getenv('X', 'postgres://app:Pl4ntedPw@db/app')\n", "Pl4nted"),
            (" DATABASE_URL=mysql://root:Zq8Secret@h:3306/x\n", "Zq8Secret"),
        ] {
            let out = redact_credentials(line);
            assert!(!out.contains(gone) && out.contains(REDACTED), "{line:?} -> {out:?}");
        }
        // Lines without a credential word, and references, stay readable.
        for line in
            [" name = \"orders\"\n", " token = os.environ[\"<redacted>\"]\n", " key: \"arn:aws:secretsmanager:x\"\n"]
        {
            assert_eq!(redact_credentials(line), line);
        }
        assert_eq!(redact_credentials(" password = \"${DB_PASSWORD:?x}\"\n"), " password = \"${DB_PASSWORD:?x}\"\n");
    }

    #[test]
    fn substring_redaction_spares_longer_words() {
        assert_eq!(redact("x postgresql postgres:16", &["postgres"], 8), "x postgresql <redacted>:16");
    }

    #[test]
    fn new_files_diff_from_dev_null_and_stat_totals() {
        let mut out = Vec::new();
        write_file_diff(&mut out, "h.py", None, "x = 1\n", &DiffOptions::default()).unwrap();
        assert!(String::from_utf8(out).unwrap().starts_with("--- /dev/null\n+++ b/h.py\n"));
        assert_eq!(line_counts("a\nb\n", "a\nc\nd\n"), (2, 1));
        let mut out = Vec::new();
        write_stat(&mut out, &[("a.py".into(), 2, 1)], false).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            " a.py |    3 ++-\n 1 file changed, 2 insertions(+), 1 deletion(-)\n"
        );
    }
}
