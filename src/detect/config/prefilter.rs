//! The cheap check before a structured file is parsed: a credential word must sit where a name
//! does (a key before `:`/`=`, an ECS/Kubernetes `name:` value, an XML tag), or a URL must carry
//! `user:password@`, or the document must be a kind whose every value is a credential.

use crate::detect::judge;
use aho_corasick::AhoCorasick;
use std::sync::LazyLock;

/// Markers of documents parsed whatever their names say: Kubernetes `Secret`s and CloudFormation
/// `NoEcho` parameters.
const ALWAYS: &[&str] = &["kind: secret", "\"kind\": \"secret\"", "\"kind\":\"secret\"", "noecho"];

/// Keys that hold collections of credentials (`secrets:`), whose children are judged by parent.
const COLLECTIONS: &[&str] = &["passwords", "credentials", "creds", "secrets", "tokens", "apikeys"];

static ALWAYS_AC: LazyLock<AhoCorasick> =
    LazyLock::new(|| AhoCorasick::builder().ascii_case_insensitive(true).build(ALWAYS).expect("static patterns"));

fn is_tok(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.' | b'/') || b >= 0x80
}

/// True when `text` may hold something the structured detectors report.
pub(crate) fn worth_parsing(text: &str, ac: &AhoCorasick, words: &[&str]) -> bool {
    let b = text.as_bytes();
    for m in ac.find_iter(text) {
        match words[m.pattern().as_usize()] {
            "://" => {
                if userinfo_after(b, m.end()) {
                    return true;
                }
                continue;
            }
            "jdbc:" | "server=" | "data source" => return true,
            _ => {}
        }
        let (mut s, mut e) = (m.start(), m.end());
        while s > 0 && is_tok(b[s - 1]) {
            s -= 1;
        }
        while e < b.len() && is_tok(b[e]) {
            e += 1;
        }
        let Some(token) = text.get(s..e) else { continue };
        let token = token.trim_matches(['.', '-', '/']);
        let secretish = judge::is_secret_name(token) || COLLECTIONS.contains(&token.to_ascii_lowercase().as_str());
        if !secretish {
            continue;
        }
        if key_position(b, s, e) || named_by_previous_key(text, s) {
            return true;
        }
    }
    ALWAYS_AC.is_match(text)
}

/// `token"?\s*[:=>]` (a key, an assignment, an XML tag) or `<token` (an XML element).
fn key_position(b: &[u8], s: usize, e: usize) -> bool {
    let mut j = e;
    if j < b.len() && matches!(b[j], b'"' | b'\'') {
        j += 1;
    }
    while j < b.len() && matches!(b[j], b' ' | b'\t') {
        j += 1;
    }
    // `variable "db_password" {` (an HCL block label) counts as a key too.
    let quoted = j > e;
    (j < b.len() && (matches!(b[j], b':' | b'=' | b'>') || quoted && b[j] == b'{')) || (s > 0 && b[s - 1] == b'<')
}

/// The token is the value of a `name`/`key` field (`- name: DB_PASSWORD`, `key="SmtpPassword"`).
fn named_by_previous_key(text: &str, s: usize) -> bool {
    let start = s.saturating_sub(24);
    let Some(before) = text.get(start..s) else { return false };
    let t = before.trim_end_matches(['"', '\'']).trim_end();
    let Some(t) = t.strip_suffix([':', '=']) else { return false };
    let t = t.trim_end().trim_end_matches(['"', '\'']).to_ascii_lowercase();
    t.ends_with("name") || t.ends_with("key")
}

/// `://user:password@` follows.
fn userinfo_after(b: &[u8], from: usize) -> bool {
    let end = b[from..]
        .iter()
        .position(|&c| matches!(c, b'/' | b'"' | b'\'' | b' ' | b'\n' | b'\t' | b'<' | b'>' | b'?' | b'#'))
        .map(|p| from + p)
        .unwrap_or(b.len());
    let auth = &b[from..end];
    match memchr::memrchr(b'@', auth) {
        Some(at) => memchr::memchr(b':', &auth[..at]).is_some_and(|c| c + 1 < at),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str) -> bool {
        let words = ["pass", "secret", "token", "key", "auth", "cred", "://", "jdbc:"];
        let ac = AhoCorasick::builder().ascii_case_insensitive(true).build(words).unwrap();
        worth_parsing(text, &ac, &words)
    }

    #[test]
    fn names_in_key_positions_pass() {
        for t in [
            "db:\n  password: x\n",
            "{\"apiToken\": \"x\"}",
            "- name: DB_PASSWORD\n  value: x",
            "{\"name\": \"API_SECRET\", \"value\": \"x\"}",
            "<add key=\"SmtpPassword\" value=\"x\"/>",
            "<password>x</password>",
            "url: postgres://u:p@h/db",
            "kind: Secret\ndata:\n  a: b",
            "secrets:\n  stripe: x",
        ] {
            assert!(check(t), "{t}");
        }
    }

    #[test]
    fn words_elsewhere_do_not() {
        for t in [
            "{\"type\": \"token\", \"key\": \"value\"}",
            "description: pass the token to the parser",
            "{\"keyword\": \"x\", \"passport\": 1}",
            "url: https://example.com/a:b",
        ] {
            assert!(!check(t), "{t}");
        }
    }
}
