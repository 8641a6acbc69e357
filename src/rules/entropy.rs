//! Randomness checks that tell real credentials from words, placeholders and documentation values.

/// Shannon entropy in bits per character.
pub fn shannon_entropy(s: &str) -> f64 {
    let bytes = s.as_bytes();
    if bytes.is_empty() {
        return 0.0;
    }
    let mut counts = [0usize; 256];
    for &b in bytes {
        counts[b as usize] += 1;
    }
    let n = bytes.len() as f64;
    counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = c as f64 / n;
            -p * p.log2()
        })
        .sum()
}

/// Words that mark a value as an example or a placeholder rather than a credential.
const PLACEHOLDER_WORDS: &[&str] = &[
    "example",
    "changeme",
    "change_me",
    "change-me",
    "placeholder",
    "your_",
    "your-",
    "yourpassword",
    "redacted",
    "dummy",
    "sample",
    "insert",
    "replace",
    "<",
    "{{",
    "${",
    "%(",
    "$(",
    "todo",
    "fixme",
    "notreal",
    "not-a-real",
    "fake_",
    "xxxx",
    "****",
    "....",
];

/// Whole values that are placeholders.
const PLACEHOLDER_VALUES: &[&str] = &[
    "password",
    "passwd",
    "secret",
    "token",
    "test",
    "none",
    "null",
    "nil",
    "undefined",
    "true",
    "false",
    "admin",
    "root",
    "default",
    "string",
    "value",
    "pass",
    "key",
    "apikey",
    "api_key",
];

/// True for placeholder values: documentation examples (`AKIAIOSFODNN7EXAMPLE`), `xxxx`,
/// `changeme`, `<token>`, `${VAR}`, one character repeated, or a plain ascending run.
pub fn is_placeholder(value: &str) -> bool {
    let v = value.trim();
    if v.is_empty() {
        return true;
    }
    let lower = v.to_ascii_lowercase();
    if PLACEHOLDER_VALUES.contains(&lower.as_str()) {
        return true;
    }
    if PLACEHOLDER_WORDS.iter().any(|w| lower.contains(w)) {
        return true;
    }
    if is_template(v) {
        return true;
    }
    let first = lower.chars().next().unwrap_or(' ');
    if lower.chars().all(|c| c == first) {
        return true;
    }
    is_sequence(&lower)
}

/// Interpolation syntaxes that stand for a value rather than being one: `{password}` (format strings),
/// `%DB_PASS%` (Windows/batch), `$DB_PASS` (shell), `@DB_PASS@` (autoconf), `__DB_PASS__`.
fn is_template(v: &str) -> bool {
    let wrapped = |open: char, close: char| v.len() > 2 && v.starts_with(open) && v.ends_with(close);
    let ident = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'.');
    (wrapped('{', '}') && ident(&v[1..v.len() - 1]))
        || (wrapped('%', '%') && ident(&v[1..v.len() - 1]))
        || (wrapped('@', '@') && ident(&v[1..v.len() - 1]))
        || (v.len() > 4 && v.starts_with("__") && v.ends_with("__") && ident(&v[2..v.len() - 2]))
        || (v.starts_with('$') && ident(&v[1..]) && v[1..].bytes().next().is_some_and(|b| !b.is_ascii_digit()))
}

fn is_sequence(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 6 && b.windows(2).all(|w| w[1] == w[0] + 1 || (w[0] == b'9' && w[1] == b'0'))
}

/// True when a value looks machine-generated: long enough, two of lower/upper/digit, and entropy above a
/// floor that grows with length (English words and identifiers sit well below it).
pub fn looks_random(value: &str, min_len: usize) -> bool {
    if value.len() < min_len || is_placeholder(value) {
        return false;
    }
    let classes = [
        value.bytes().any(|b| b.is_ascii_lowercase()),
        value.bytes().any(|b| b.is_ascii_uppercase()),
        value.bytes().any(|b| b.is_ascii_digit()),
    ]
    .iter()
    .filter(|x| **x)
    .count();
    let floor = if value.len() >= 32 { 3.5 } else { 3.0 };
    classes >= 2 && shannon_entropy(value) >= floor
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entropy_orders_randomness() {
        assert_eq!(shannon_entropy("aaaa"), 0.0);
        assert!(shannon_entropy("ab") > 0.99);
        assert!(shannon_entropy("q8Zr2LmX0pVt7sKw") > 3.5);
    }

    #[test]
    fn placeholders_are_recognised() {
        for p in [
            "AKIAIOSFODNN7EXAMPLE",
            "xxxxxxxx",
            "changeme",
            "<token>",
            "${DB_PASS}",
            "123456789",
            "********",
            "your-api-key",
            "{password}",
            "%DB_PASSWORD%",
            "$DB_PASSWORD",
            "@DB_PASSWORD@",
            "__DB_PASSWORD__",
        ] {
            assert!(is_placeholder(p), "{p}");
        }
        for real in ["hunter2", "q8Zr2LmX0pVt7sKw", "Tr0ub4dor&3", "$3cr3t!pass", "{x9Q2", "%9aK%zz"] {
            assert!(!is_placeholder(real), "{real}");
        }
    }

    #[test]
    fn random_vs_words() {
        assert!(looks_random("q8Zr2LmX0pVt7sKwJ3nB", 16));
        assert!(!looks_random("this_is_an_identifier", 16));
        assert!(!looks_random("short", 16));
    }
}
