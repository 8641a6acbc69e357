//! Inline allow markers: hoist's own and the ones people already have from other scanners.

/// Markers that allow a finding on the same line.
pub const SAME_LINE_MARKERS: &[&str] = &[
    "hoist:allow",
    "gitleaks:allow",
    "pragma: allowlist secret",
    "trufflehog:ignore",
    "kingfisher:ignore",
    "nosemgrep: secrets",
    "ggignore",
];

/// Markers on the previous line that allow a finding on the next one.
pub const NEXT_LINE_MARKERS: &[&str] = &["hoist:allow-next-line", "pragma: allowlist nextline secret"];

/// True when the finding starting at byte `start` of `text` is allowed inline.
pub fn is_allowed(text: &[u8], start: usize) -> bool {
    let line_start = text[..start].iter().rposition(|&b| b == b'\n').map_or(0, |p| p + 1);
    let line_end = text[start..].iter().position(|&b| b == b'\n').map_or(text.len(), |p| start + p);
    if contains_any(&text[line_start..line_end], SAME_LINE_MARKERS) {
        return true;
    }
    if line_start == 0 {
        return false;
    }
    let prev_end = line_start - 1;
    let prev_start = text[..prev_end].iter().rposition(|&b| b == b'\n').map_or(0, |p| p + 1);
    contains_any(&text[prev_start..prev_end], NEXT_LINE_MARKERS)
}

fn contains_any(line: &[u8], markers: &[&str]) -> bool {
    let lower = String::from_utf8_lossy(line).to_ascii_lowercase();
    markers.iter().any(|m| lower.contains(m))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_and_previous_line_markers() {
        let t = b"a = 1\nkey = 'x' # gitleaks:allow\n# pragma: allowlist nextline secret\nb = 'y'\nc = 'z'\n";
        let pos = |s: &str| t.windows(s.len()).position(|w| w == s.as_bytes()).unwrap();
        assert!(is_allowed(t, pos("'x'")));
        assert!(is_allowed(t, pos("'y'")));
        assert!(!is_allowed(t, pos("'z'")));
        assert!(!is_allowed(t, 0));
    }
}
