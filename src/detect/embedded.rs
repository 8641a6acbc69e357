//! Deployment documents written inside another file: task-definition (or any JSON/YAML) documents
//! in shell heredocs (`cat > td.json <<EOF … EOF`) and in the JSON arguments of the AWS CLI
//! (`aws ecs register-task-definition --cli-input-json '…'`, `--container-definitions '[…]'`).
//! Each region is read by the config detectors as the document it is, so an ECS container's
//! `environment` entry keeps its deployment context; the shell's own `$VAR` expansions make it a
//! template, read tolerantly (what parses is kept, the line detectors read the rest). A script's
//! other heredocs (`cat > app.conf <<EOF … password=… EOF`) are text its own grammar doesn't read:
//! [`regions_in_script`] returns them too, for the line detectors.

use crate::format::FileFormat;
use crate::model::{Detection, Span};
use regex::Regex;
use std::sync::LazyLock;

/// A document embedded in a file: its format and where it lies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Region {
    /// JSON or YAML; `Php` for a PHP file a script writes (`cat > config.php <<EOF`); `Text` for a
    /// script's heredoc holding no document.
    pub format: FileFormat,
    /// The document's bytes in the file (a heredoc's body, the inside of a quoted argument).
    pub span: Span,
    /// A heredoc whose delimiter is unquoted: the shell reads `\$`, `\\` and `` \` `` in it as
    /// escapes (the file written holds `$`, `\`, `` ` ``).
    pub expands: bool,
}

impl Region {
    /// A deployment document (JSON or YAML), read in place of what the host's detectors found
    /// in it; PHP and text regions only add what the host's detectors missed.
    pub fn is_document(&self) -> bool {
        matches!(self.format, FileFormat::Json | FileFormat::Yaml)
    }
}

/// `<<EOF`, `<<-'EOF'`, `<< "JSON"`: a heredoc's delimiter (quoted or not).
static HEREDOC: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"<<-?[ \t]*(?:'([A-Za-z_][A-Za-z0-9_]*)'|"([A-Za-z_][A-Za-z0-9_]*)"|([A-Za-z_][A-Za-z0-9_]*))"#)
        .expect("static")
});

/// AWS CLI options whose value is a JSON document, followed by its opening quote.
static CLI_JSON: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"--(?:cli-input-json|container-definitions|cli-input-yaml)(?:=|[ \t]+(?:\\\r?\n[ \t]*)?)([$]?['"])"#)
        .expect("static")
});

/// The start of the first line from `body_start` (a line start) on that is `delim` (trimmed).
/// Such a line holds `delim` with nothing but blanks around it: the occurrences of `delim` are
/// found by a substring search (code is full of `a << b` whose `b` closes nothing, and walking
/// each line of the rest of the file for it cost more than the search).
fn closing_line(text: &str, body_start: usize, delim: &str) -> Option<usize> {
    // Each side is walked only over its blanks (to the newline, or the first other character), so
    // every blank run is read at most twice.
    let alone_before = |at: usize| {
        for (i, c) in text[body_start..at].char_indices().rev() {
            if c == '\n' {
                return Some(body_start + i + 1);
            }
            if !c.is_whitespace() {
                return None;
            }
        }
        Some(body_start)
    };
    let alone_after = |end: usize| text[end..].chars().take_while(|&c| c != '\n').all(char::is_whitespace);
    for p in memchr::memmem::find_iter(&text.as_bytes()[body_start..], delim.as_bytes()) {
        let (at, end) = (body_start + p, body_start + p + delim.len());
        if let Some(line_start) = alone_before(at)
            && alone_after(end)
        {
            return Some(line_start);
        }
    }
    None
}

/// The embedded documents of `text`, in file order. Linear: each heredoc body and quoted argument
/// is walked once from where its opener was found.
pub fn regions(text: &str) -> Vec<Region> {
    find(text, false)
}

/// [`regions`], and every other heredoc body as a `Text` region: in a shell script (or a
/// Dockerfile's `RUN <<EOF`) a heredoc is data the shell's grammar leaves unread — a config file
/// written at deploy time, input for `mysql` or `psql`.
pub fn regions_in_script(text: &str) -> Vec<Region> {
    find(text, true)
}

fn find(text: &str, text_bodies: bool) -> Vec<Region> {
    // Every heredoc opener holds `<<`, every CLI option `--c`.
    let (heredocs, cli) = (memchr::memmem::find(text.as_bytes(), b"<<").is_some(), text.contains("--c"));
    if !heredocs && !cli {
        return Vec::new();
    }
    let mut out = Vec::new();
    let mut next = 0;
    // Per delimiter, the first line from `.0` on that closes it (`.1`, `None`: no line does).
    // Code is full of `a << b` whose `b` closes nothing: each such opener would otherwise walk
    // the rest of the file again (quadratic); a later opener's lines are a suffix of an earlier
    // one's, so the earlier answer stands unless it lies before the later body.
    let mut closers: std::collections::HashMap<&str, (usize, Option<usize>)> = Default::default();
    for c in HEREDOC.captures_iter(text).take_while(|_| heredocs) {
        let m = c.get(0).expect("whole match");
        if m.start() < next {
            continue;
        }
        let delim = c.get(1).or(c.get(2)).or(c.get(3)).expect("one alternative").as_str();
        let expands = c.get(3).is_some();
        let Some(body_start) = text[m.end()..].find('\n').map(|p| m.end() + p + 1) else { break };
        let end = match closers.get(delim) {
            Some(&(from, found)) if from <= body_start && found.is_none_or(|e| e >= body_start) => found,
            _ => {
                let found = closing_line(text, body_start, delim);
                closers.insert(delim, (body_start, found));
                found
            }
        };
        // Unterminated: not a heredoc after all (`$((a << b))`), or one the shell warns about.
        let Some(body_end) = end else { continue };
        let span = Span::new(body_start, body_end);
        match document(text, span) {
            Some(r) => out.push(Region { expands, ..r }),
            None if text_bodies && text[body_start..body_end].trim_start().starts_with("<?php") => {
                out.push(Region { format: FileFormat::Php, span, expands })
            }
            None if text_bodies && body_end > body_start => {
                out.push(Region { format: FileFormat::Text, span, expands })
            }
            None => {}
        }
        next = body_end;
    }
    for c in CLI_JSON.captures_iter(text).take_while(|_| cli) {
        let q = c.get(1).expect("quote");
        let quote = q.as_str().as_bytes()[q.len() - 1];
        let start = q.end();
        // Single quotes end at the next `'`; a double-quoted document is only read when it has no
        // escapes (its bytes are then the document's).
        let Some(len) = text[start..].find(quote as char) else { continue };
        let inner = &text[start..start + len];
        if quote == b'"' && inner.contains('\\') || q.as_str().starts_with('$') {
            continue;
        }
        if out.iter().any(|r: &Region| r.span.start <= start && start < r.span.end) {
            continue;
        }
        if let Some(r) = document(text, Span::new(start, start + len)) {
            out.push(r);
        }
    }
    out.sort_by_key(|r| r.span.start);
    out
}

/// The region `span` of `text` when it holds a JSON or YAML document: JSON starts with `{` or `[`;
/// YAML is taken only when it is a deployment document (a task definition, a CloudFormation
/// template, a Kubernetes object), since a heredoc of `key: value` lines is as often a config
/// the line detectors already read.
fn document(text: &str, span: Span) -> Option<Region> {
    let body = &text[span.start..span.end];
    let t = body.trim_start();
    // `[` opens a JSON array of values, not an INI section (`[client]`).
    let array = t.strip_prefix('[').is_some_and(|r| r.trim_start().starts_with(['{', '[', '"', ']']));
    if t.starts_with('{') || array {
        return Some(Region { format: FileFormat::Json, span, expands: false });
    }
    let deployment = t.contains("containerDefinitions:")
        || t.contains("AWSTemplateFormatVersion")
        || t.contains("apiVersion:") && t.contains("kind:");
    deployment.then_some(Region { format: FileFormat::Yaml, span, expands: false })
}

/// The detections of a PHP region (`cat > config.php <<EOF … EOF`), by the PHP grammar, spans in
/// the host's bytes. In an unquoted heredoc the shell's escapes (`\$DB`) are read as what the
/// file written holds: each escaping backslash becomes a blank (same length, so spans stay), and
/// a value with an escape inside is left to the host's detectors (its bytes aren't its value).
pub fn analyze_php(text: &str, r: &Region) -> Vec<Detection> {
    let body = &text[r.span.start..r.span.end];
    let mut escaped = Vec::new();
    let php = if r.expands {
        let mut b = body.as_bytes().to_vec();
        let mut i = 0;
        while i + 1 < b.len() {
            if b[i] == b'\\' && matches!(b[i + 1], b'$' | b'\\' | b'`') {
                b[i] = b' ';
                escaped.push(i);
                i += 1;
            }
            i += 1;
        }
        String::from_utf8(b).unwrap_or_else(|_| body.to_string())
    } else {
        body.to_string()
    };
    let mut out = super::lang::analyze(FileFormat::Php, &php);
    // `escaped` is in order: the first escape at or after a span's start tells.
    out.retain(|d| escaped.get(escaped.partition_point(|&e| e < d.span.start)).is_none_or(|&e| e >= d.span.end));
    for d in &mut out {
        d.span = Span::new(d.span.start + r.span.start, d.span.end + r.span.start);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_closing_line_is_the_first_line_that_is_the_delimiter() {
        // The line walk the substring search replaced.
        let by_lines = |text: &str, body_start: usize, delim: &str| {
            let mut at = body_start;
            for line in text[body_start..].split_inclusive('\n') {
                if line.trim() == delim {
                    return Some(at);
                }
                at += line.len();
            }
            None
        };
        let texts = [
            "a << EOF\nx EOF\nEOFX\n  EOF \r\nEOF\n",
            "EOF",
            "\nEOF",
            "xEOF\n\u{3000}EOF\u{a0}\n",
            "EOF EOF\nEOFEOF\n\tEOF",
            "b b b\nb\n",
            "é b\n b\n",
            "",
            "\n\n",
        ];
        for t in texts {
            for d in ["EOF", "b", "E"] {
                for start in (0..=t.len()).filter(|&i| i == 0 || t.is_char_boundary(i) && t.as_bytes()[i - 1] == b'\n')
                {
                    assert_eq!(closing_line(t, start, d), by_lines(t, start, d), "{t:?} {start} {d}");
                }
            }
        }
    }

    fn formats(text: &str) -> Vec<(FileFormat, &str)> {
        regions(text).into_iter().map(|r| (r.format, text[r.span.start..r.span.end].trim())).collect()
    }

    #[test]
    fn heredocs_and_cli_arguments() {
        let sh = "cat > td.json <<EOF\n{\"a\": \"$X\"}\nEOF\ncat <<-'YML' > k.yaml\n\tapiVersion: v1\n\tkind: Pod\n\tYML\n\
                  aws ecs register-task-definition --cli-input-json '{\"family\": \"web\"}'\n\
                  aws ecs register-task-definition --family web --container-definitions \\\n  '[{\"name\": \"w\"}]'\n\
                  cat <<EOF\nhello $USER\nEOF\n";
        assert_eq!(
            formats(sh),
            [
                (FileFormat::Json, "{\"a\": \"$X\"}"),
                (FileFormat::Yaml, "apiVersion: v1\n\tkind: Pod"),
                (FileFormat::Json, "{\"family\": \"web\"}"),
                (FileFormat::Json, "[{\"name\": \"w\"}]"),
            ]
        );
    }

    #[test]
    fn shifts_in_code_close_nothing_and_a_heredoc_after_them_is_still_read() {
        let mut code = "let mask = 1 << SHIFT;\nlet top = x << SHIFT | y << BITS;\n".repeat(2000);
        code.push_str("cat > td.json <<EOF\n{\"a\": 1}\nEOF\nlet z = 1 << BITS;\nBITS\n");
        let got: Vec<_> =
            regions_in_script(&code).into_iter().map(|r| (r.format, &code[r.span.start..r.span.end])).collect();
        // No line closes `SHIFT`; the first `<< BITS` opens a body the last line closes: all
        // that follows it, the heredoc too.
        assert_eq!(got.len(), 1, "{:?}", got.iter().map(|(f, t)| (f, t.len())).collect::<Vec<_>>());
        assert_eq!(got[0].0, FileFormat::Text);
        assert!(got[0].1.starts_with("let mask") && got[0].1.ends_with("let z = 1 << BITS;\n"));
        let no_bits = code.replace("BITS", "N");
        let no_bits = no_bits.trim_end_matches("N\n");
        let got: Vec<_> =
            regions(no_bits).into_iter().map(|r| (r.format, &no_bits[r.span.start..r.span.end])).collect();
        assert_eq!(got, [(FileFormat::Json, "{\"a\": 1}\n")]);
    }

    #[test]
    fn a_scripts_other_heredocs_are_text() {
        let sh = "cat > app.conf <<EOF\n[db]\npassword=x\nEOF\ncat > td.json <<'J'\n{\"a\": 1}\nJ\n";
        assert!(regions(sh).iter().all(|r| r.format == FileFormat::Json));
        let all: Vec<_> =
            regions_in_script(sh).into_iter().map(|r| (r.format, &sh[r.span.start..r.span.end])).collect();
        assert_eq!(all, [(FileFormat::Text, "[db]\npassword=x\n"), (FileFormat::Json, "{\"a\": 1}\n")]);
    }

    #[test]
    fn a_php_file_written_by_a_script_is_read_by_the_php_grammar() {
        let sh = "cat > z.php <<EOF\n<?php\n\\$DB['PASSWORD'] = 'zbx-Pw61q';\n\\$DB['USER'] = 'zabbix';\n\
                  define('AUTH_KEY', 'a\\$Kq8-Wz3Lp2Xv');\nEOF\ncat > w.php <<'P'\n<?php\ndefine('DB_PASSWORD', 'wp\\$Pw-27');\nP\n";
        let rs = regions_in_script(sh);
        assert_eq!(
            rs.iter().map(|r| (r.format, r.expands)).collect::<Vec<_>>(),
            [(FileFormat::Php, true), (FileFormat::Php, false)]
        );
        assert!(rs.iter().all(|r| !r.is_document()), "the host's findings stay");
        let found: Vec<_> = rs
            .iter()
            .flat_map(|r| analyze_php(sh, r))
            .filter(|d| d.kind == crate::model::Kind::Secret)
            .map(|d| &sh[d.span.start..d.span.end])
            .collect();
        // `a\$Kq8…` is `a$Kq8…` in the file written: its bytes here aren't its value, so the
        // host's detectors keep it; in a quoted heredoc `\$` is the value's own bytes.
        assert_eq!(found, ["zbx-Pw61q", "wp\\$Pw-27"]);
    }

    #[test]
    fn unterminated_and_escaped_documents() {
        // Unterminated: a shift, not a heredoc.
        assert!(formats("x=$((a <<b))\n{\"a\": 1}\n").is_empty());
        // A double-quoted argument with escapes isn't the document's bytes.
        assert!(formats("aws ecs register-task-definition --cli-input-json \"{\\\"a\\\": 1}\"").is_empty());
        assert!(formats("x=$((a << 2))\necho done").is_empty());
    }
}
