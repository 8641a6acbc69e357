//! What shell's windows need to find its statements: the lines that continue the statement above
//! whatever they start with — a heredoc's body (at column 0), a quoted string's later lines, the
//! line after a trailing `\` — and the words that close or continue a compound command at column 0
//! (`fi`, `done`, `esac`, `else`, `}`).

use super::{line_at, starts_word};
use std::ops::Range;

/// The byte ranges of `b` whose lines continue the statement above them, sorted: each range runs
/// from the start of such a line to the end of the construct (a heredoc's terminator line, a
/// string's closing quote, the continued line). Found by a small lexer over quotes, comments and
/// heredocs; a heredoc or string that never ends runs to the end of the file.
pub(super) fn continued(b: &[u8]) -> Vec<Range<usize>> {
    let mut out: Vec<Range<usize>> = Vec::new();
    let mut pending: Vec<(Vec<u8>, bool)> = Vec::new();
    let (mut quote, mut i) = (None::<u8>, 0);
    let mut quote_from = 0;
    while i < b.len() {
        let c = b[i];
        match quote {
            Some(b'"') if c == b'\\' => i += 1,
            Some(q) if c == q => {
                quote = None;
                if memchr::memchr(b'\n', &b[quote_from..i]).is_some() {
                    let first = memchr::memchr(b'\n', &b[quote_from..i]).map(|p| quote_from + p + 1).unwrap_or(i);
                    out.push(first..i);
                }
            }
            Some(_) => {}
            None if c == b'\\' && b.get(i + 1) == Some(&b'\n') => {
                let next = i + 2;
                let end = memchr::memchr(b'\n', &b[next.min(b.len())..]).map(|p| next + p).unwrap_or(b.len());
                if next < b.len() {
                    out.push(next..end.max(next));
                }
                i += 1;
            }
            None if c == b'\\' => i += 1,
            None if c == b'\'' || c == b'"' => (quote, quote_from) = (Some(c), i),
            None if c == b'#' && (i == 0 || b[i - 1].is_ascii_whitespace()) => {
                i = memchr::memchr(b'\n', &b[i..]).map(|p| i + p).unwrap_or(b.len());
                continue;
            }
            // (`<<<` is a here-string, not a heredoc.)
            None if b[i..].starts_with(b"<<<") => i += 2,
            None if b[i..].starts_with(b"<<") => {
                if let Some((name, dash, len)) = heredoc_name(&b[i + 2..]) {
                    pending.push((name, dash));
                    i += 2 + len;
                    continue;
                }
                i += 1;
            }
            None if c == b'\n' && !pending.is_empty() => {
                // The bodies of the heredocs opened on this line, one after another.
                let mut s = i + 1;
                for (name, dash) in std::mem::take(&mut pending) {
                    let start = s;
                    while s < b.len() {
                        let line = line_at(b, s);
                        let l = line.strip_suffix(b"\r").unwrap_or(line);
                        let l = if dash { trim_tabs(l) } else { l };
                        s += line.len() + 1;
                        if l == name.as_slice() {
                            break;
                        }
                    }
                    if start < b.len() {
                        out.push(start..(s - 1).min(b.len()).max(start));
                    }
                }
                i = s;
                continue;
            }
            None => {}
        }
        i += 1;
    }
    if let Some(_q) = quote
        && let Some(p) = memchr::memchr(b'\n', &b[quote_from..])
    {
        out.push(quote_from + p + 1..b.len());
    }
    out.sort_by_key(|r| r.start);
    out
}

/// A heredoc's delimiter after `<<` (`EOF`, `-EOF`, ` 'EOF'`, `"EOF"`): the name, whether its
/// terminator may be indented by tabs (`<<-`), and the bytes read.
fn heredoc_name(rest: &[u8]) -> Option<(Vec<u8>, bool, usize)> {
    let dash = rest.first() == Some(&b'-');
    let mut j = usize::from(dash);
    j += rest[j..].iter().take_while(|c| **c == b' ' || **c == b'\t').count();
    let q = rest.get(j).copied().filter(|c| matches!(c, b'\'' | b'"'));
    j += usize::from(q.is_some());
    let n = rest[j..].iter().take_while(|c| c.is_ascii_alphanumeric() || **c == b'_').count();
    if n == 0 || rest[j].is_ascii_digit() || q.is_some_and(|q| rest.get(j + n) != Some(&q)) {
        return None;
    }
    Some((rest[j..j + n].to_vec(), dash, j + n + usize::from(q.is_some())))
}

fn trim_tabs(l: &[u8]) -> &[u8] {
    let n = l.iter().take_while(|c| **c == b'\t').count();
    &l[n..]
}

/// How a line continues the shell statement above it: indented, blank or closing lines, and the
/// words that close or continue a compound command (`fi`, `then`, `else`, `done`, `esac`, `;;`).
pub(super) fn continues(line: &[u8]) -> bool {
    super::common_continues(line)
        || starts_word(line, &["fi", "then", "else", "elif", "do", "done", "esac", "in"])
        || line.starts_with(b";;")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(b: &str) -> Vec<&str> {
        continued(b.as_bytes()).into_iter().map(|r| &b[r]).collect()
    }

    #[test]
    fn heredoc_bodies_strings_and_continued_lines_continue_their_statement() {
        let text = "cat <<EOF > f\nPASSWORD=x\nEOF\necho 'a\nb' \"c\\\"\nd\"\ncmd --a \\\n--b\n# it's <<EOF\nx=$((1 << 2))\ny <<< \"s\"\ncat <<-'END'\n\tz\n\tEND\n";
        assert_eq!(texts(text), ["PASSWORD=x\nEOF", "b", "d", "--b", "\tz\n\tEND"]);
        // A heredoc never closed runs to the end.
        assert_eq!(texts("cat <<EOF\na\nb\n"), ["a\nb"]);
    }

    #[test]
    fn closing_words_continue() {
        for yes in ["fi", "done", "esac", "}", ";;", "  x", "else", "then"] {
            assert!(continues(yes.as_bytes()), "{yes}");
        }
        for no in ["find .", "export A=1", "if x", "donex"] {
            assert!(!continues(no.as_bytes()), "{no}");
        }
    }
}
