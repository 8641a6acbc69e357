//! Credentials in a URL's userinfo (`scheme://user:password@host`): when the pair is a real one.
//! Shared by the connection-string detector and the URL rules, so both judge a URL alike.

use super::credential::MIN_CHARS;

/// Characters that end a URL's authority before any `@` (WHATWG URL: `#`, `?`, `/`, and `\` for
/// special schemes) or that userinfo never holds unescaped (`[`, `]`, `"`). Judged on the text as
/// written: a percent-decoded password may hold any of them.
const NOT_USERINFO: &[char] = &['#', '?', '\\', '/', '[', ']', '"'];

/// True when `user:password@host` is not a real credential pair: not userinfo at all
/// (`http://host:80#@other`, `scheme://username[:password]@host`), a format string
/// (`%s:%s@`, `{user}:{password}@`), a password shorter than any credential (`foo:bar@`), or a
/// host of the reserved example domains (RFC 2606 / RFC 6761: `example.com`, `*.example`,
/// `*.test`, `*.invalid`), which no deployment connects to.
pub fn is_fake_userinfo(user: &str, password: &str, host: &str) -> bool {
    let format =
        |s: &str| s.contains("%s") || s.contains("%v") || s.contains("%d") || s.starts_with('{') && s.ends_with('}');
    user.contains(NOT_USERINFO)
        || password.contains(NOT_USERINFO)
        || format(user)
        || format(password)
        || password.chars().count() < MIN_CHARS
        || is_example_host(host)
}

/// RFC 2606 / RFC 6761 names reserved for documentation and tests: `example.com|net|org` and
/// their subdomains, and the `.example`, `.test`, `.invalid` top-level domains.
pub fn is_example_host(host: &str) -> bool {
    let h = host.trim_end_matches('.').to_ascii_lowercase();
    let h =
        h.rsplit_once(':').filter(|(_, port)| port.bytes().all(|b| b.is_ascii_digit())).map_or(h.as_str(), |(n, _)| n);
    ["example.com", "example.net", "example.org"].iter().any(|d| h == *d || h.ends_with(&format!(".{d}")))
        || ["example", "test", "invalid"].iter().any(|tld| h.ends_with(&format!(".{tld}")))
}

/// For a value matched at `start..end` of `text`: when it is the password of a URL's userinfo
/// (`://user:` before it, `@` after it), the user and the host around it.
pub fn userinfo_around(text: &[u8], start: usize, end: usize) -> Option<(String, String)> {
    if text.get(end) != Some(&b'@') || start == 0 || text[start - 1] != b':' {
        return None;
    }
    let from = start.saturating_sub(160);
    let before = &text[from..start - 1];
    let sep = before.windows(3).rposition(|w| w == b"://")?;
    let user = &before[sep + 3..];
    let host_end =
        text[end + 1..].iter().position(|b| b" \t\r\n/?#\"'`<>,;)]}\\".contains(b)).map_or(text.len(), |p| end + 1 + p);
    let host = &text[end + 1..host_end.min(end + 1 + 256)];
    Some((String::from_utf8_lossy(user).into_owned(), String::from_utf8_lossy(host).into_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fake_and_real_userinfo() {
        for (u, p, h) in [
            ("john.doe", "letmein123", "proxy.example.com"),
            ("google.com", "80#", "www.whitelisteddomain.tld"),
            ("username[", "password]", "hostname"),
            ("%s", "%s", "127.0.0.1:4222"),
            ("foo", "bar", "localhost"),
            ("app", "s3cretpw", "db.staging.test"),
            ("{user}", "{password}", "db"),
        ] {
            assert!(is_fake_userinfo(u, p, h), "{u}:{p}@{h}");
        }
        for (u, p, h) in [
            ("ruser", "top_secret", "127.0.0.1:7244"),
            ("app", "s3cretpw", "db.internal"),
            ("u", "pw12", "examples.io"),
        ] {
            assert!(!is_fake_userinfo(u, p, h), "{u}:{p}@{h}");
        }
    }

    #[test]
    fn finds_the_userinfo_around_a_password() {
        let t = b"url = \"postgres://app:s3cretpw@db.example.com:5432/x\"";
        let s = t.windows(8).position(|w| w == b"s3cretpw").unwrap();
        let (u, h) = userinfo_around(t, s, s + 8).unwrap();
        assert_eq!((u.as_str(), h.as_str()), ("app", "db.example.com:5432"));
        assert!(userinfo_around(b"password: s3cretpw", 10, 18).is_none());
    }
}
