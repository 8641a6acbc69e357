//! What PHP's windows need beyond the brace languages': the `<?php` tag every window is read
//! after (without it the parser reads HTML), and which files hold only PHP code so that their
//! lines' indentation says where statements are.

use std::ops::Range;

/// The file's first `<?php` tag.
pub(super) fn tag(b: &[u8]) -> Option<Range<usize>> {
    memchr::memmem::find(b, b"<?php").map(|at| at..at + 5)
}

/// The `<?php` tag opening a file that is PHP code throughout: nothing but whitespace (or a
/// `#!` line) before it, no `?>` before the file's last non-blank text, and no heredoc (`<<<`),
/// whose body lines are no code and may sit at column 0. `None` for a template mixing HTML and
/// PHP, which is parsed whole.
pub(super) fn code_tag(b: &[u8]) -> Option<Range<usize>> {
    let tag = tag(b)?;
    let before = &b[..tag.start];
    let shebang =
        before.starts_with(b"#!") && memchr::memchr(b'\n', before).is_some_and(|n| before[n..].trim_ascii().is_empty());
    if !(before.trim_ascii().is_empty() || shebang) || memchr::memmem::find(b, b"<<<").is_some() {
        return None;
    }
    let rest = &b[tag.end..];
    let close = memchr::memmem::find(rest, b"?>");
    close.is_none_or(|c| rest[c + 2..].trim_ascii().is_empty()).then_some(tag)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_files_of_php_code_throughout_have_a_code_tag() {
        assert_eq!(code_tag(b"<?php\n$a = 1;\n"), Some(0..5));
        assert_eq!(code_tag(b"#!/usr/bin/env php\n<?php\n$a = 1;\n"), Some(19..24));
        assert_eq!(code_tag(b"<?php\n$a = 1;\n?>\n"), Some(0..5));
        assert!(code_tag(b"<html>\n<?php $a = 1; ?>\n</html>\n").is_none());
        assert!(code_tag(b"<?php\n$a = 1;\n?>\n<p>x</p>\n").is_none());
        assert!(code_tag(b"<?php\n$a = <<<EOT\nbody\nEOT;\n").is_none());
        assert!(code_tag(b"no tag\n").is_none());
        assert_eq!(tag(b"<p>\n<?php $a = 1;"), Some(4..9));
    }
}
