//! Sites the whole-file parse reports that the prefilter doesn't point at, so the deciding windows
//! hold them too: credential-named bindings with a type between name and value
//! (`SECRET: Final[str] = "…"`, `token: string = "…"`, Go's `var token string = "…"`) and a
//! credential word before `:`/`=` inside a comment or a string (`// password: 'x'` in an example,
//! `croak("Unexpected token: import")`, a docstring's `Credential=…`), which the tokenizer reads.
//! A site only adds a window: the file was already worth parsing.

use crate::detect::lang::starts::Led;
use crate::format::FileFormat;
use std::ops::Range;
use std::sync::LazyLock;

/// A credential-named binding with a type annotation before its literal.
pub(in crate::detect::lang) static TYPED: LazyLock<Led> = LazyLock::new(|| {
    Led::new(&format!(
        r#"(?i-u){}[\w.]*(?:\s*:\s*|[ \t]+)[\w.\[\]|, *<>]{{1,60}}?\s*=\s*(?:[rbfuRBFU]{{1,2}})?["'`]"#,
        super::super::WORDS
    ))
});

/// The extra sites of `text` (unsorted), given where its word-led matches may begin
/// ([`crate::detect::lang::starts`]).
pub fn extra(format: FileFormat, text: &str, starts: &[usize]) -> Vec<Range<usize>> {
    let b = text.as_bytes();
    let mut out = TYPED.find_all(b, starts);
    let loose = super::LOOSE.find_all(b, starts);
    if loose.is_empty() {
        return out;
    }
    let quoted = match format {
        FileFormat::Python | FileFormat::Ruby | FileFormat::Shell => {
            comments_and_strings(b, true, format == FileFormat::Python)
        }
        FileFormat::JavaScript
        | FileFormat::TypeScript
        | FileFormat::Tsx
        | FileFormat::Go
        | FileFormat::Java
        | FileFormat::Php => comments_and_strings(b, false, false),
        _ => return out,
    };
    for m in loose {
        let i = quoted.partition_point(|r| r.end <= m.start);
        if quoted.get(i).is_some_and(|r| r.start <= m.start) {
            out.push(m);
        }
    }
    out
}

/// Comments and quoted strings of a file, in order: `//`, `/* */`, `'…'`, `"…"` and `` `…` `` in a
/// brace language (`hash` false); `#`, `'…'`, `"…"` and, with `triple`, `'''…'''`/`"""…"""` in
/// Python, Ruby or shell (PHP is read as a brace language: its `#` comments are missed). A regex
/// literal or an odd quote may shift what follows: a site then misread is a window more or less,
/// and a window less is what the prefilter alone gave.
fn comments_and_strings(b: &[u8], hash: bool, triple: bool) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let start = i;
        let next = b.get(i + 1).copied();
        match b[i] {
            b'#' if hash => i = line_end(b, i),
            b'/' if !hash && next == Some(b'/') => i = line_end(b, i),
            b'/' if !hash && next == Some(b'*') => {
                i = memchr::memmem::find(&b[i + 2..], b"*/").map(|p| i + 2 + p + 2).unwrap_or(b.len());
            }
            b'`' if !hash => i = memchr::memchr(b'`', &b[i + 1..]).map(|p| i + 1 + p + 1).unwrap_or(b.len()),
            q @ (b'"' | b'\'') if triple && b[i..].starts_with(&[q, q, q]) => {
                i = memchr::memmem::find(&b[i + 3..], &[q, q, q]).map(|p| i + 3 + p + 3).unwrap_or(b.len());
            }
            q @ (b'"' | b'\'') => i = quoted_end(b, i + 1, q),
            _ => {
                i += 1;
                continue;
            }
        }
        out.push(start..i);
    }
    out
}

fn line_end(b: &[u8], at: usize) -> usize {
    memchr::memchr(b'\n', &b[at..]).map(|p| at + p).unwrap_or(b.len())
}

/// Past the closing `q` of a one-line string whose content starts at `i` (escapes skipped; an
/// unclosed string ends at its line's end).
fn quoted_end(b: &[u8], mut i: usize, q: u8) -> usize {
    while i < b.len() && b[i] != q && b[i] != b'\n' {
        i += if b[i] == b'\\' { 2 } else { 1 };
    }
    (i + 1).min(b.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sites(format: FileFormat, text: &str) -> Vec<&str> {
        let mut s = extra(format, text, &crate::detect::lang::starts::starts(text));
        s.sort_by_key(|r| r.start);
        s.into_iter().map(|r| &text[r]).collect()
    }

    #[test]
    fn typed_bindings_and_credential_words_in_comments_and_strings() {
        let py = "SECRET: Final[str] = \"x\"\ndef f(password: str):\n    # user.password = password\n    \"\"\"\n    Credential=abc\n    \"\"\"\n";
        assert_eq!(sites(FileFormat::Python, py), ["SECRET: Final[str] = \"", "password =", "Credential="]);
        let js = "const token: string = 'x';\nfunction f(password) {\n  croak(\"Unexpected token: import\");\n  /* a\n   * password: 'p'\n   */\n  return { password: password };\n}\n";
        assert_eq!(sites(FileFormat::TypeScript, js), ["token: string = '", "token:", "password:"]);
        let go = "var token string = \"x\"\n// pass: p\n";
        assert_eq!(sites(FileFormat::Go, go), ["token string = \"", "pass:"]);
        // PHP and shell are windowed too: what their strings and comments hold is a site.
        let php = "<?php\n$cfg = 'pass: p';\n// token = t\n$password = $x;\n";
        assert_eq!(sites(FileFormat::Php, php), ["pass:", "token ="]);
        let sh = "echo 'pass: p'\n# token=t\npassword=$X\n";
        assert_eq!(sites(FileFormat::Shell, sh), ["pass:", "token="]);
    }
}
