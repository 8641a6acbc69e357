//! The paragraphs of a text that hold a credential word: where the tolerant tokenizer's second
//! pass (the credential's config companions) can find anything.

use super::{Values, gate_lines, into_sink};
use crate::detect::config::entry::Sink;

/// The paragraphs of `text` (runs of non-blank lines: the blocks [`pairs`](super::pairs) counts) holding a
/// [`gate_line`](gate_lines), as `(start, end)`: the only blocks whose pairs can judge to
/// something, since a credential is on a gate line and a config value counts only beside a
/// credential of its own block ([`crate::detect::config::entry`]). Each byte is looked at a bounded
/// number of times.
pub(crate) fn gate_paragraphs(text: &str) -> Vec<(usize, usize)> {
    let b = text.as_bytes();
    let blank = |s: usize, e: usize| b[s..e].iter().all(u8::is_ascii_whitespace);
    let mut out: Vec<(usize, usize)> = Vec::new();
    for (ls, le) in gate_lines(text) {
        let floor = out.last().map_or(0, |p| p.1);
        if ls < floor {
            continue;
        }
        // Back to the line after a blank one (or the end of the paragraph before).
        let mut start = ls;
        while start > floor {
            let prev_end = start - 1; // the `\n` ending the line before
            let prev_start = memchr::memrchr(b'\n', &b[floor..prev_end]).map_or(floor, |p| floor + p + 1);
            if blank(prev_start, prev_end) {
                break;
            }
            start = prev_start;
        }
        // On to the next blank line.
        let mut end = le;
        while end < b.len() {
            let next_start = end + 1;
            let next_end = memchr::memchr(b'\n', &b[next_start.min(b.len())..]).map_or(b.len(), |p| next_start + p);
            if next_start > b.len() || blank(next_start, next_end) {
                break;
            }
            end = next_end;
        }
        out.push((start, end));
    }
    out
}

/// The pairs of the [`gate_paragraphs`] of `text` into `sink`, a scope per paragraph: what
/// [`into_sink`] over the whole text gives where it can judge to something.
pub(crate) fn paragraphs_into_sink(text: &str, values: Values, sink: &mut Sink) {
    for (s, e) in gate_paragraphs(text) {
        into_sink(&text[s..e], s, values, sink);
    }
}
