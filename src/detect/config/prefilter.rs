//! The cheap check before a structured file is parsed: a credential word must sit where a name
//! does (a key before `:`/`=`, an ECS/Kubernetes `name:` value, an XML tag), or a URL must carry
//! `user:password@`, or the document must be a kind whose every value is a credential. A key's
//! value is looked at too: a scalar the judgement would refuse (`"idempotencyToken": true`,
//! `output_token: nextToken`) or a mapping that can't hold a default (`"nextToken": {"shape": …}`)
//! doesn't make a service model or a policy table worth parsing.

use crate::detect::judge;
use crate::detect::words::{self, Hits};

/// Markers of documents parsed whatever their names say: Kubernetes `Secret`s and CloudFormation
/// `NoEcho` parameters.
pub(crate) const ALWAYS: &[&str] = &["kind: secret", "\"kind\": \"secret\"", "\"kind\":\"secret\"", "noecho"];

/// Keys that hold collections of credentials (`secrets:`), whose children are judged by parent.
const COLLECTIONS: &[&str] = &["passwords", "credentials", "creds", "secrets", "tokens", "apikeys"];

fn is_tok(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.' | b'/') || b >= 0x80
}

/// True when `text` may hold something the structured detectors report. The words' occurrences
/// come from the file's one keyword pass ([`Hits`]): a second automaton pass over a service model
/// cost as much as the judging.
pub(crate) fn worth_parsing(text: &str, words: &[&str]) -> bool {
    let hits = Hits::of(text);
    let occurrences = hits.starts(words::CONFIG).flat_map(|s| {
        let rest = &text.as_bytes()[s..];
        words
            .iter()
            .filter(move |w| rest.get(..w.len()).is_some_and(|r| r.eq_ignore_ascii_case(w.as_bytes())))
            .map(move |w| (s, *w))
    });
    reported(occurrences.collect()).into_iter().any(|(s, w)| hit_counts(text, s..s + w.len(), w))
        || hits.any(words::ALWAYS)
}

/// The occurrences a standard non-overlapping automaton pass reports, in order: the one ending
/// first (the longest of those ending together), then the same from its end on. (`cred` hides
/// the `data source` in `credata source`: what the prefilter judged before it read the file's
/// [`Hits`], kept.)
fn reported(mut all: Vec<(usize, &str)>) -> Vec<(usize, &str)> {
    all.sort_unstable_by_key(|&(s, w)| (s + w.len(), s));
    all.dedup();
    let mut out = Vec::with_capacity(all.len());
    let mut from = 0;
    for (s, w) in all {
        if s >= from {
            from = s + w.len();
            out.push((s, w));
        }
    }
    out
}

/// One prefilter hit (`word` found at `at`) is enough for the structured readers to parse.
fn hit_counts(text: &str, at: std::ops::Range<usize>, word: &str) -> bool {
    let b = text.as_bytes();
    match word {
        "://" => return userinfo_after(b, at.end),
        "jdbc:" | "server=" => return true,
        // ADO.NET `Data Source=…`, not the words in prose.
        "data source" => return b[at.end..].iter().find(|c| !matches!(c, b' ' | b'\t')) == Some(&b'='),
        _ => {}
    }
    let (mut s, mut e) = (at.start, at.end);
    while s > 0 && is_tok(b[s - 1]) {
        s -= 1;
    }
    while e < b.len() && is_tok(b[e]) {
        e += 1;
    }
    let Some(token) = text.get(s..e) else { return false };
    let token = token.trim_matches(['.', '-', '/']);
    // The cheap position tests before the name is judged: most words of a service model or a
    // schema sit in values and prose.
    let named = named_by_previous_key(text, s);
    // `arn:aws:secretsmanager:…:secret:name` is a value, not a key.
    let in_arn = s > 0 && b[s - 1] == b':' && b.get(e) == Some(&b':');
    let keyed = key_position(b, s, e) && !in_arn;
    if !named && !keyed {
        return false;
    }
    let secretish = judge::is_secret_name(token) || COLLECTIONS.contains(&token.to_ascii_lowercase().as_str());
    if !secretish {
        return false;
    }
    if named && has_key_near(b, s, e, b"value") {
        return true;
    }
    keyed && value_may_be_secret(text, token, e)
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

/// Bytes after a key a value is looked for in (a mapping's `default`, a quoted scalar's end).
const VALUE_WINDOW: usize = 4096;

/// The value written after the key ending at `e` could be a credential: a scalar the shared
/// judgement accepts, a collection of credentials, a mapping holding a `default` (CloudFormation
/// parameters, Terraform variables), or anything this cheap reader can't tell (block scalars,
/// anchors, escapes, templates, an XML element, an HCL block label).
fn value_may_be_secret(text: &str, token: &str, e: usize) -> bool {
    let b = text.as_bytes();
    let mut j = e;
    if j < b.len() && matches!(b[j], b'"' | b'\'') {
        j += 1;
    }
    while j < b.len() && matches!(b[j], b' ' | b'\t') {
        j += 1;
    }
    if j >= b.len() || !matches!(b[j], b':' | b'=') || b.get(j + 1) == Some(&b'>') {
        return true;
    }
    j += 1;
    while j < b.len() && matches!(b[j], b' ' | b'\t') {
        j += 1;
    }
    let Some(&first) = b.get(j) else { return false };
    match first {
        b'{' | b'[' => COLLECTIONS.contains(&token.to_ascii_lowercase().as_str()) || holds_default(b, j),
        b'"' | b'\'' => {
            let end = (j + 1 + VALUE_WINDOW).min(b.len());
            let Some(len) = b[j + 1..end].iter().position(|&c| c == first || matches!(c, b'\\' | b'\n')) else {
                return true;
            };
            let close = j + 1 + len;
            if b[close] != first || b.get(close + 1) == Some(&first) {
                return true; // an escape, a string running on, a TOML/Python triple quote
            }
            scalar_may_be_secret(token, &text[j + 1..close])
        }
        b'\r' | b'\n' | b'|' | b'>' | b'&' | b'*' | b'!' | b'$' => true,
        // Markup (`</p> <p>` in documentation) or a `<placeholder>`.
        b'<' => false,
        _ => {
            let line_end = memchr::memchr(b'\n', &b[j..]).map(|p| j + p).unwrap_or(b.len());
            let Some(line) = text.get(j..line_end) else { return true };
            let line = line.trim_end_matches('\r');
            let line = line.split(" #").next().unwrap_or(line).trim_end().trim_end_matches(',');
            // A flow collection or JSON ends the value at `,`/`}`/`]`, a shell line at a blank or a
            // ` \` continuation; YAML and INI take the whole line: every reading is tried.
            let cut = line.split([',', '}', ']']).next().unwrap_or(line).trim_end();
            let word = line.split([' ', '\t']).next().unwrap_or(line).trim_end_matches(',');
            let continued = line.strip_suffix('\\').map(str::trim_end).unwrap_or(line);
            [line, cut, word, continued].iter().any(|v| scalar_may_be_secret(token, v))
        }
    }
}

/// A scalar value under a credential-named key the judgement might keep: connection strings and
/// templated values are left to the full readers.
fn scalar_may_be_secret(name: &str, value: &str) -> bool {
    value.contains("://")
        || value.contains("${")
        || value.contains("{{")
        || value.to_ascii_lowercase().contains("password=")
        || judge::is_secret_value(name, value)
}

/// The mapping or list opening at `open` holds a `default` key within [`VALUE_WINDOW`] bytes (or is
/// longer than that, when the answer is yes).
fn holds_default(b: &[u8], open: usize) -> bool {
    let end = (open + VALUE_WINDOW).min(b.len());
    let mut depth = 0usize;
    let mut i = open;
    let mut in_string = false;
    while i < end {
        match b[i] {
            b'\\' if in_string => i += 1,
            b'"' => in_string = !in_string,
            _ if in_string => {}
            b'{' | b'[' => depth += 1,
            b'}' | b']' => {
                depth -= 1;
                if depth == 0 {
                    return has_key(&b[open..i], b"default");
                }
            }
            _ => {}
        }
        i += 1;
    }
    true
}

/// `key` (ASCII case-insensitive) written as a key somewhere in `b`: followed by an optional quote,
/// blanks and `:` or `=`.
fn has_key(b: &[u8], key: &[u8]) -> bool {
    let lower = b.to_ascii_lowercase();
    memchr::memmem::find_iter(&lower, key).any(|at| {
        // Where a key starts: after its quote, an opening brace, a comma or the indentation (not
        // `<p>Default: 1` in documentation).
        let before = lower[..at].iter().rposition(|c| !matches!(c, b' ' | b'\t'));
        if before.is_some_and(|p| !matches!(lower[p], b'"' | b'\'' | b'{' | b',' | b'\n')) {
            return false;
        }
        let mut j = at + key.len();
        if j < lower.len() && matches!(lower[j], b'"' | b'\'') {
            j += 1;
        }
        while j < lower.len() && matches!(lower[j], b' ' | b'\t') {
            j += 1;
        }
        j < lower.len() && matches!(lower[j], b':' | b'=')
    })
}

/// A `key` field within [`VALUE_WINDOW`] bytes either side of `s..e` (a name/value pair's other half).
fn has_key_near(b: &[u8], s: usize, e: usize, key: &[u8]) -> bool {
    has_key(&b[s.saturating_sub(VALUE_WINDOW)..(e + VALUE_WINDOW).min(b.len())], key)
}

/// The token is the value of a `name`/`key` field (`- name: DB_PASSWORD`, `key="SmtpPassword"`).
fn named_by_previous_key(text: &str, s: usize) -> bool {
    let start = s.saturating_sub(24);
    let Some(before) = text.get(start..s) else { return false };
    let t = before.trim_end_matches(['"', '\'']).trim_end();
    let Some(t) = t.strip_suffix([':', '=']) else { return false };
    let t = t.trim_end().trim_end_matches(['"', '\'']).to_ascii_lowercase();
    // The field itself, not a longer key ending in it (`"locationName": "nextToken"` in a service
    // model names a wire field).
    let field = t.rsplit(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-')).next().unwrap_or("");
    field == "name" || field == "key"
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
        worth_parsing(text, &["pass", "secret", "token", "key", "auth", "cred", "://", "jdbc:"])
    }

    #[test]
    fn occurrences_are_those_a_standard_pass_reports() {
        let words = crate::detect::config::PREFILTER;
        let ac = aho_corasick::AhoCorasick::builder().ascii_case_insensitive(true).build(words).unwrap();
        for t in [
            "credata source=x;passerver=y",
            "{\"_auth\": \"x\", \"SecretKeyToken\": 1, \"jdbc://u:p@h\": 2}",
            "mot_de_passe: PassWord; TOKENKEYAUTH identified by 'x' mdpwd",
            "",
        ] {
            let all = crate::detect::words::Hits::scan(t)
                .starts(crate::detect::words::CONFIG)
                .flat_map(|s| {
                    words
                        .iter()
                        .filter(move |w| {
                            t.as_bytes()[s..].get(..w.len()).is_some_and(|r| r.eq_ignore_ascii_case(w.as_bytes()))
                        })
                        .map(move |w| (s, *w))
                })
                .collect();
            let want: Vec<(usize, &str)> =
                ac.find_iter(t).map(|m| (m.start(), words[m.pattern().as_usize()])).collect();
            assert_eq!(reported(all), want, "{t}");
        }
    }

    #[test]
    fn names_in_key_positions_pass() {
        for t in [
            "db:\n  password: Zq8vR2mK4pLw\n",
            "{\"apiToken\": \"Zq8vR2mK4pLw\"}",
            "- name: DB_PASSWORD\n  value: x",
            "{\"name\": \"API_SECRET\", \"value\": \"x\"}",
            "<add key=\"SmtpPassword\" value=\"Zq8vR2mK4pLw\"/>",
            "<password>x</password>",
            "url: postgres://u:p@h/db",
            "kind: Secret\ndata:\n  a: b",
            "secrets:\n  stripe: x",
            "{\"Parameters\": {\"DbPassword\": {\"Type\": \"String\", \"Default\": \"x\"}}}",
            "db_password = \"Zq8#vR2!mK4p\"",
            "password: Zq8#vR2!mK4p",
            "{\"password\": \"${DB_PASSWORD:Zq8vR2mK4p}\"}",
            "password: |\n  Zq8vR2mK4p\n",
            "token: '''Zq8vR2mK4p'''",
            "ConnectionString: Data Source=db;User ID=app;Password=Zq8vR2mK4p",
            "Example = '''\nAPI_KEY=Zq8vR2mK4p \\\nrun\n'''\n",
            "Parameters:\n  DbPassword: {Type: String, Default: Zq8vR2mK4p}\n",
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
            "{\"nextToken\": {\"shape\": \"String\", \"documentation\": \"<p>The token.</p>\"}}",
            "{\"idempotencyToken\": true, \"clientToken\": {\"shape\": \"ClientToken\"}}",
            "{\"output_token\": \"nextToken\", \"input_token\": \"NextToken\"}",
            "{\"nextToken\": {\"shape\": \"String\", \"locationName\": \"nextToken\"}}",
            "{\"name\": \"BatchAssociateScramSecret\", \"http\": {\"method\": \"POST\"}}",
            "{\"MasterUserPassword\": {\"shape\": \"String\", \"documentation\": \"no default\"}}",
            "{\"Resource\": \"arn:aws:secretsmanager:*:*:secret:*\"}",
            "{\"doc\": \"<p>Adds a data source.</p> <p>The passphrase:</p> <p>\"}",
            "{\"Password\": {\"shape\": \"S\", \"documentation\": \"<p>x [1</p> <p>Default: 1</p>\"}}",
            "{\"idempotencyToken\": true,\n \"location\": \"querystring\"}",
            "password: \"\"\n",
        ] {
            assert!(!check(t), "{t}");
        }
    }
}
