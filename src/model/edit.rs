//! Byte-span edits on one file, and applying a sorted, non-overlapping set of them in one pass.

use super::finding::Span;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// Replace `span` of the file at `path` with `replacement`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Edit {
    /// Path relative to the repository root.
    pub path: PathBuf,
    /// Half-open byte span to replace (empty for an insertion).
    pub span: Span,
    /// New text.
    pub replacement: String,
}

/// Why a set of edits can't be applied.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum EditError {
    /// Two edits touch the same bytes.
    #[error("edits overlap at bytes {a:?} and {b:?}")]
    Overlap {
        /// First span.
        a: Span,
        /// Second span.
        b: Span,
    },
    /// An edit reaches past the end of the file.
    #[error("edit {0:?} is outside the file")]
    OutOfBounds(Span),
}

/// Applies edits (any order; sorted here) to `text` in one pass. Insertions at the same offset
/// keep their given order. Fails on overlap instead of guessing.
pub fn apply_edits(text: &[u8], edits: &[Edit]) -> Result<Vec<u8>, EditError> {
    let mut sorted: Vec<&Edit> = edits.iter().collect();
    sorted.sort_by_key(|e| (e.span.start, e.span.end));
    let mut out = Vec::with_capacity(text.len());
    let mut pos = 0;
    let mut prev: Option<Span> = None;
    for e in sorted {
        if e.span.end > text.len() || e.span.start > e.span.end {
            return Err(EditError::OutOfBounds(e.span));
        }
        if let Some(p) = prev
            && (e.span.start < p.end || (e.span == p && !e.span.is_empty()))
        {
            return Err(EditError::Overlap { a: p, b: e.span });
        }
        out.extend_from_slice(&text[pos..e.span.start]);
        out.extend_from_slice(e.replacement.as_bytes());
        pos = e.span.end;
        prev = Some(e.span);
    }
    out.extend_from_slice(&text[pos..]);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn e(s: usize, t: usize, r: &str) -> Edit {
        Edit { path: "f".into(), span: Span::new(s, t), replacement: r.into() }
    }

    #[test]
    fn applies_in_one_pass_regardless_of_order() {
        let out = apply_edits(b"abcdef", &[e(4, 5, "E"), e(0, 1, "A"), e(2, 2, "+")]).unwrap();
        assert_eq!(out, b"Ab+cdEf");
    }

    #[test]
    fn rejects_overlap_and_out_of_bounds() {
        assert!(matches!(apply_edits(b"abcdef", &[e(0, 3, ""), e(2, 4, "")]), Err(EditError::Overlap { .. })));
        assert!(matches!(apply_edits(b"ab", &[e(1, 5, "")]), Err(EditError::OutOfBounds(_))));
    }
}
