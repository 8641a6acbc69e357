//! A fast reader for strict JSON, tried before tree-sitter-json: one value, RFC 8259 whitespace,
//! no comments, numbers of the shape both accept. It builds exactly the tree [`super::json`]'s
//! converter builds from a clean tree-sitter parse (same strings, spans, depth guard calls), about
//! ten times faster on service models and fixtures; on anything else — comments, a `+` exponent,
//! a tab inside a string, a syntax error — it returns `None` and tree-sitter reads the file.

use super::json::unescape;
use super::tree::{Scalar, Val};
use crate::model::Span;

/// The document tree of `text` (shifted by `base`), or `None` when `text` is not strict JSON of
/// the shape this reader takes.
pub(crate) fn document(text: &str, base: usize) -> Option<Val> {
    let mut r = Reader { b: text.as_bytes(), text, at: 0, base };
    r.ws();
    let v = r.value()?;
    r.ws();
    (r.at == r.b.len()).then_some(v)
}

struct Reader<'a> {
    b: &'a [u8],
    text: &'a str,
    at: usize,
    base: usize,
}

impl Reader<'_> {
    fn ws(&mut self) {
        while self.at < self.b.len() && matches!(self.b[self.at], b' ' | b'\t' | b'\n' | b'\r') {
            self.at += 1;
        }
    }

    fn eat(&mut self, c: u8) -> bool {
        let hit = self.b.get(self.at) == Some(&c);
        if hit {
            self.at += 1;
        }
        hit
    }

    /// One value. Like the tree-sitter converter, every value (and every key) enters one depth
    /// level first; past the limit the value is checked and stepped over and reads as nothing,
    /// which is what the converter makes of it (tree-sitter's error-recovering parse of a deeply
    /// nested file costs ~50× its bytes).
    fn value(&mut self) -> Option<Val> {
        let Some(_depth) = crate::scan::limit::enter() else {
            self.skip()?;
            return Some(Val::Other);
        };
        match *self.b.get(self.at)? {
            b'{' => {
                self.at += 1;
                let mut pairs = Vec::new();
                self.ws();
                if self.eat(b'}') {
                    return Some(Val::Map(pairs));
                }
                loop {
                    self.ws();
                    if self.b.get(self.at) != Some(&b'"') {
                        return None;
                    }
                    let key = self.value()?;
                    self.ws();
                    if !self.eat(b':') {
                        return None;
                    }
                    self.ws();
                    let v = self.value()?;
                    if let Val::Str(k) = key {
                        pairs.push((k.value, v));
                    }
                    self.ws();
                    if self.eat(b'}') {
                        return Some(Val::Map(pairs));
                    }
                    if !self.eat(b',') {
                        return None;
                    }
                }
            }
            b'[' => {
                self.at += 1;
                let mut items = Vec::new();
                self.ws();
                if self.eat(b']') {
                    return Some(Val::Seq(items));
                }
                loop {
                    self.ws();
                    items.push(self.value()?);
                    self.ws();
                    if self.eat(b']') {
                        return Some(Val::Seq(items));
                    }
                    if !self.eat(b',') {
                        return None;
                    }
                }
            }
            b'"' => {
                let inner = self.string()?;
                Some(Val::Str(Scalar {
                    value: unescape(&self.text[inner.clone()]),
                    span: Span::new(self.base + inner.start, self.base + inner.end),
                    literal: true,
                }))
            }
            b't' | b'f' => {
                let start = self.at;
                self.keyword()?;
                Some(self.scalar(start))
            }
            b'n' => {
                self.keyword()?;
                Some(Val::Other)
            }
            b'-' | b'0'..=b'9' => {
                let start = self.at;
                self.number()?;
                Some(self.scalar(start))
            }
            _ => None,
        }
    }

    /// The extent of the value at `at`, held to the same grammar as [`Self::value`], with a stack
    /// of closers instead of recursion (the nesting past the limit can be as deep as the file).
    fn skip(&mut self) -> Option<()> {
        let mut closers = Vec::new();
        loop {
            // A value starts here.
            match *self.b.get(self.at)? {
                b'{' => {
                    self.at += 1;
                    self.ws();
                    if !self.eat(b'}') {
                        closers.push(b'}');
                        self.key()?;
                        continue;
                    }
                }
                b'[' => {
                    self.at += 1;
                    self.ws();
                    if !self.eat(b']') {
                        closers.push(b']');
                        continue;
                    }
                }
                b'"' => {
                    self.string()?;
                }
                b't' | b'f' | b'n' => self.keyword()?,
                b'-' | b'0'..=b'9' => self.number()?,
                _ => return None,
            }
            // A value ended: close what it ended, or go on to the next item.
            loop {
                let Some(&close) = closers.last() else { return Some(()) };
                self.ws();
                if self.eat(close) {
                    closers.pop();
                    continue;
                }
                if !self.eat(b',') {
                    return None;
                }
                if close == b'}' {
                    self.key()?;
                } else {
                    self.ws();
                }
                break;
            }
        }
    }

    /// `"key" :` and the whitespace after it, inside an object being skipped.
    fn key(&mut self) -> Option<()> {
        self.ws();
        if self.b.get(self.at) != Some(&b'"') {
            return None;
        }
        self.string()?;
        self.ws();
        self.eat(b':').then(|| self.ws())
    }

    /// `true`, `false` or `null`, ending where a token can.
    fn keyword(&mut self) -> Option<()> {
        let word: &[u8] = match self.b[self.at] {
            b't' => b"true",
            b'f' => b"false",
            _ => b"null",
        };
        if !self.b[self.at..].starts_with(word) {
            return None;
        }
        self.at += word.len();
        self.end_of_word()
    }

    fn scalar(&self, start: usize) -> Val {
        Val::Str(Scalar {
            value: self.text[start..self.at].to_string(),
            span: Span::new(self.base + start, self.base + self.at),
            literal: true,
        })
    }

    /// A keyword or number must end where a token can (`truex`, `12a` are tree-sitter's to judge).
    fn end_of_word(&self) -> Option<()> {
        match self.b.get(self.at) {
            None | Some(b' ' | b'\t' | b'\n' | b'\r' | b',' | b']' | b'}' | b':') => Some(()),
            _ => None,
        }
    }

    /// `"…"` with JSON escapes (`\uXXXX` with four hex digits), no control characters: the byte
    /// range inside the quotes.
    fn string(&mut self) -> Option<std::ops::Range<usize>> {
        let start = self.at + 1;
        let mut i = start;
        loop {
            let rel = memchr::memchr2(b'"', b'\\', &self.b[i..])?;
            if self.b[i..i + rel].iter().any(|&c| c < 0x20) {
                return None;
            }
            i += rel;
            if self.b[i] == b'"' {
                self.at = i + 1;
                return Some(start..i);
            }
            match *self.b.get(i + 1)? {
                b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => i += 2,
                b'u' if self.b.get(i + 2..i + 6)?.iter().all(u8::is_ascii_hexdigit) => i += 6,
                _ => return None,
            }
        }
    }

    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE]-?[0-9]+)?` — the numbers JSON and tree-sitter-json share
    /// (tree-sitter-json has no `+` exponent).
    fn number(&mut self) -> Option<()> {
        self.eat(b'-');
        let digits = |r: &mut Self| {
            let s = r.at;
            while r.at < r.b.len() && r.b[r.at].is_ascii_digit() {
                r.at += 1;
            }
            r.at > s
        };
        if self.eat(b'0') {
            if self.b.get(self.at).is_some_and(u8::is_ascii_digit) {
                return None;
            }
        } else if !digits(self) {
            return None;
        }
        if self.eat(b'.') && !digits(self) {
            return None;
        }
        if self.eat(b'e') || self.eat(b'E') {
            self.eat(b'-');
            if !digits(self) {
                return None;
            }
        }
        self.end_of_word()
    }
}

#[cfg(test)]
mod tests {
    /// The fast reader's tree is the tree-sitter converter's, or it declines.
    fn same_as_tree_sitter(text: &str) -> bool {
        let fast = super::document(text, 7);
        let (slow, err) = super::super::json::tree_sitter_document(text, 7);
        match fast {
            Some(f) => {
                assert!(!err, "fast reader accepted what tree-sitter-json rejects: {text:?}");
                assert_eq!(format!("{f:?}"), format!("{:?}", slow.unwrap()), "{text:?}");
                true
            }
            None => false,
        }
    }

    #[test]
    fn strict_documents_read_the_same_as_tree_sitter() {
        for t in [
            r#"{"a": {"pw": "x\"y", "n": 5, "e": -1.5e-3, "z": 0}, "l": [true, false, null, [], {}], "": ""}"#,
            " [1, \"\\u00e9t\\u00E9\", \"\\ud83d\\ude00\", \"caf\u{e9}\", \"a\\/b\\\\\"]\r\n",
            r#"{"dup": 1, "dup": "2", "k\nx": {"deep": [[[{"password": "hunter2"}]]]}}"#,
            "\"just a string\"",
            "12",
        ] {
            assert!(same_as_tree_sitter(t), "declined: {t}");
        }
        for t in [
            "// comment\n{\"a\": 1}",
            r#"{"a": 1e+5}"#,
            "{\"a\": \"tab\there\"}",
            r#"{"a": 01}"#,
            r#"{"a": 1.}"#,
            r#"{"a": 1,}"#,
            r#"{"a" 1}"#,
            r#"{"a": tru}"#,
            r#"{"a": "\x"}"#,
            r#"{"a": "\u12"}"#,
            r#"{"a": 1} {"b": 2}"#,
            r#"{"a": [1 2]}"#,
            "",
            "{\"a\": 1",
        ] {
            assert!(!same_as_tree_sitter(t), "accepted: {t}");
        }
    }

    #[test]
    fn every_json_fixture_reads_the_same_as_tree_sitter() {
        let mut read = 0;
        let mut stack = vec![std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("testdata")];
        while let Some(dir) = stack.pop() {
            for e in std::fs::read_dir(&dir).unwrap().flatten() {
                let p = e.path();
                if p.is_dir() {
                    stack.push(p);
                } else if p.extension().is_some_and(|x| x == "json")
                    && let Ok(text) = std::fs::read_to_string(&p)
                {
                    read += usize::from(same_as_tree_sitter(&text));
                }
            }
        }
        assert!(read > 10, "only {read} fixtures read by the fast reader");
    }

    #[test]
    fn nesting_past_the_limit_reads_as_the_tree_sitter_converter_reads_it() {
        let open = |n| "[{\"k\": ".repeat(n);
        let close = |n| "}]".repeat(n);
        for deep in [
            format!("{}1{}", "[".repeat(300), "]".repeat(300)),
            format!(
                "{{\"password\": \"hunter2\", \"x\": {}[1, \"a\\\"]\", true, null, {{}}, []]{}, \"y\": -2e5}}",
                open(200),
                close(200)
            ),
            format!(
                "{{\"x\": {}{{\"a\": {{\"b\": [false, 0.5]}}, \"c\": \"\"}}{}, \"pw\": \"s3cr3t\"}}",
                open(130),
                close(130)
            ),
        ] {
            assert!(same_as_tree_sitter(&deep), "declined: {deep}");
            assert!(crate::scan::limit::take().contains(&crate::scan::limit::Limit::Depth));
        }
        // Past the limit the grammar still holds: a broken tail is tree-sitter's to read.
        for bad in [
            format!("{}1,{}", "[".repeat(300), "]".repeat(300)),
            format!("{}{{\"a\" 1}}{}", "[".repeat(300), "]".repeat(300)),
        ] {
            assert!(!same_as_tree_sitter(&bad), "accepted: {bad}");
            crate::scan::limit::take();
        }
    }
}
