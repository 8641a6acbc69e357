//! CI `env:` items that set several variables in one string (`- DB_USER=root DB_PASSWORD=…`,
//! Travis' build matrix): each assignment is an entry of its own.

use super::tree::Scalar;
use crate::model::Span;

/// `NAME=value NAME2="two words"`: the (name, value) ranges of an env item that sets two or more
/// variables, each whitespace-separated word an assignment to an environment-variable name (a
/// quoted value without the quotes). `None` for one assignment, or when any word is no assignment
/// (`JAVA_OPTS=-Xmx1g -Dx=y`, `MOTD=hello world`): that item is one value, spaces and all.
pub(super) fn env_line_pairs(line: &str) -> Option<Vec<(std::ops::Range<usize>, std::ops::Range<usize>)>> {
    let b = line.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    loop {
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        if i == b.len() {
            break;
        }
        let name = i;
        while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
            i += 1;
        }
        if i == name || b[name].is_ascii_digit() || b.get(i) != Some(&b'=') {
            return None;
        }
        let (names, start) = (name..i, i + 1);
        let value = match b.get(start) {
            Some(&q @ (b'"' | b'\'')) => {
                let end = start + 1 + line[start + 1..].find(q as char)?;
                i = end + 1;
                start + 1..end
            }
            _ => {
                i = start;
                while i < b.len() && !b[i].is_ascii_whitespace() {
                    if matches!(b[i], b'"' | b'\'') {
                        return None;
                    }
                    i += 1;
                }
                start..i
            }
        };
        if i < b.len() && !b[i].is_ascii_whitespace() {
            return None;
        }
        out.push((names, value));
    }
    (out.len() >= 2).then_some(out)
}

/// The file span of `range` inside the plain scalar `s` (its span and value are the same bytes).
pub(super) fn span_in(s: &Scalar, range: std::ops::Range<usize>) -> Span {
    Span::new(s.span.start + range.start, s.span.start + range.end)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(line: &str) -> Option<Vec<(&str, &str)>> {
        env_line_pairs(line).map(|v| v.into_iter().map(|(n, x)| (&line[n], &line[x])).collect())
    }

    #[test]
    fn several_assignments_split_and_anything_else_stays_whole() {
        assert_eq!(
            pairs("DB_USER=root DB_PASSWORD=s3cr3t-9 DB_HOST=127.0.0.1"),
            Some(vec![("DB_USER", "root"), ("DB_PASSWORD", "s3cr3t-9"), ("DB_HOST", "127.0.0.1")])
        );
        assert_eq!(pairs("A=\"two words\"  B='x=y'"), Some(vec![("A", "two words"), ("B", "x=y")]));
        assert_eq!(pairs("A= B=1"), Some(vec![("A", ""), ("B", "1")]));
        for whole in [
            "DB_PASSWORD=s3cr3t",
            "JAVA_OPTS=-Xmx1g -Dx=y",
            "MOTD=hello world",
            "A=\"open B=1",
            "1A=x B=y",
            "A=x\"y B=z",
        ] {
            assert_eq!(pairs(whole), None, "{whole}");
        }
    }
}
