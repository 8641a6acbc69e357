//! A file's byte-order mark and line endings kept through a rewrite, for every rewriter at once:
//! rewriters see the text without its BOM (an import inserted at offset 0 would land before it,
//! a SyntaxError in CPython), and their edits are mapped back and given the file's line ending
//! (LF lines inserted into a CRLF file mix endings; a CRLF pair split by an insertion breaks one).

use crate::model::{Edit, Span};

/// The UTF-8 byte-order mark.
pub const BOM: &str = "\u{feff}";

/// Bytes of a leading BOM in `text` (0 or 3).
pub fn bom_len(text: &str) -> usize {
    if text.starts_with(BOM) { BOM.len() } else { 0 }
}

/// True when most of `text`'s line endings are CRLF.
pub fn is_crlf(text: &str) -> bool {
    let crlf = text.matches("\r\n").count();
    crlf > 0 && crlf * 2 >= text.matches('\n').count()
}

/// `span` of the whole file as a span of the text after its BOM.
pub fn without_bom(span: Span, bom: usize) -> Span {
    Span::new(span.start.saturating_sub(bom), span.end.saturating_sub(bom))
}

/// Maps edits a rewriter made on the BOM-less body of `text` back onto `text` (shifted past the
/// BOM), and in a CRLF file gives every inserted line break the `\r\n` ending; an edit that
/// would fall between a `\r` and its `\n` is widened to the whole pair.
pub fn fit_edits(text: &str, bom: usize, edits: &mut [Edit]) {
    let crlf = is_crlf(text);
    let bytes = text.as_bytes();
    for e in edits.iter_mut() {
        e.span = Span::new(e.span.start + bom, e.span.end + bom);
        if !crlf {
            continue;
        }
        let splits = |at: usize| at > 0 && at < bytes.len() && bytes[at - 1] == b'\r' && bytes[at] == b'\n';
        let (mut start, mut end) = (e.span.start, e.span.end);
        let mut replacement = std::mem::take(&mut e.replacement);
        if splits(start) {
            if start == end {
                // An insertion between `\r` and `\n`: before the pair instead.
                end -= 1;
            } else {
                replacement.insert(0, '\r');
            }
            start -= 1;
        }
        if end > start && splits(end) {
            end += 1;
            replacement.push('\n');
        }
        e.span = Span::new(start, end);
        e.replacement = crlf_lines(&replacement);
    }
}

/// Every lone `\n` of `s` as `\r\n`.
fn crlf_lines(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    let mut prev = '\0';
    for c in s.chars() {
        if c == '\n' && prev != '\r' {
            out.push('\r');
        }
        out.push(c);
        prev = c;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::apply_edits;

    fn e(s: usize, t: usize, r: &str) -> Edit {
        Edit { path: "f".into(), span: Span::new(s, t), replacement: r.into() }
    }

    fn fit(text: &str, edits: &[Edit]) -> String {
        let bom = bom_len(text);
        let mut edits = edits.to_vec();
        fit_edits(text, bom, &mut edits);
        String::from_utf8(apply_edits(text.as_bytes(), &edits).unwrap()).unwrap()
    }

    #[test]
    fn an_insertion_at_the_top_goes_after_the_bom() {
        let text = "\u{feff}x = 1\n";
        assert_eq!(fit(text, &[e(0, 0, "import os\n")]), "\u{feff}import os\nx = 1\n");
        assert_eq!(fit(text, &[e(0, 1, "y")]), "\u{feff}y = 1\n");
    }

    #[test]
    fn inserted_lines_get_the_files_crlf_endings() {
        let text = "a\r\nb = 'v'\r\nc\r\n";
        // A line inserted after line 1, a value replaced, a line added before a `\n` (mid-pair).
        let out = fit(text, &[e(3, 3, "import os\n"), e(8, 9, "os.environ['B']"), e(14, 14, "\nd")]);
        assert_eq!(out, "a\r\nimport os\r\nb = 'os.environ['B']'\r\nc\r\nd\r\n");
        assert!(!out.replace("\r\n", "").contains(['\r', '\n']), "{out:?}");
        // LF files are left alone, and a mostly-LF file is LF.
        assert_eq!(fit("a\nb\n", &[e(2, 2, "x\n")]), "a\nx\nb\n");
        assert!(!is_crlf("a\nb\nc\r\n"));
    }

    #[test]
    fn a_replacement_ending_inside_a_pair_takes_the_whole_pair() {
        let text = "k=v\r\nz\r\n";
        // Replaces `v\r` (a rewriter that counted the `\r` as part of the line's text).
        assert_eq!(fit(text, &[e(2, 4, "w")]), "k=w\r\nz\r\n");
    }
}
