//! Randomness checks that tell real credentials from words and documentation values. Whether a
//! value is a placeholder is judged in one place, `detect::judge` (see
//! [`is_token_placeholder`](crate::detect::judge::is_token_placeholder)).

use crate::detect::judge::is_token_placeholder;

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

/// True when a value looks machine-generated: long enough, two of lower/upper/digit, and entropy above a
/// floor that grows with length (English words and identifiers sit well below it).
pub fn looks_random(value: &str, min_len: usize) -> bool {
    if value.len() < min_len || is_token_placeholder(value) {
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
    fn random_vs_words() {
        assert!(looks_random("q8Zr2LmX0pVt7sKwJ3nB", 16));
        assert!(!looks_random("this_is_an_identifier", 16));
        assert!(!looks_random("short", 16));
    }
}
