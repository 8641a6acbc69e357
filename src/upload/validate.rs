//! Client-side checks for what Secrets Manager would reject (or accept and regret), run on every
//! secret before the first API call: names, payload size, tags. moto checks none of these.

use super::UploadItem;

/// Largest SecretString / SecretBinary, in bytes.
pub const MAX_SECRET_BYTES: usize = 65_536;
/// Longest secret name.
pub const MAX_NAME_LEN: usize = 256;
/// Most tags on one secret.
pub const MAX_TAGS: usize = 50;
/// Longest tag key.
pub const MAX_TAG_KEY: usize = 128;
/// Longest tag value.
pub const MAX_TAG_VALUE: usize = 256;
/// Longest description.
pub const MAX_DESCRIPTION: usize = 2048;

/// A problem found before any call. Messages name the secret and never hold a value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Invalid {
    /// Empty name.
    #[error("secret name is empty")]
    EmptyName,
    /// Name longer than 256.
    #[error("{0}: name is longer than {MAX_NAME_LEN} characters")]
    NameTooLong(String),
    /// A character outside `[A-Za-z0-9/_+=.@-]`.
    #[error("{name}: name contains {ch:?}; allowed are ASCII letters, digits and /_+=.@-")]
    NameChar {
        /// The name.
        name: String,
        /// The first bad character.
        ch: char,
    },
    /// Ends in `-` plus six characters, which partial-ARN lookups mistake for the ARN suffix.
    #[error(
        "{0}: name ends in a hyphen and six characters, which Secrets Manager mistakes for the random ARN \
         suffix when the secret is looked up by name; rename it (e.g. replace the last `-` with `_`)"
    )]
    ArnSuffixLike(String),
    /// Payload over 64 KiB.
    #[error("{name}: payload is {bytes} bytes; Secrets Manager takes at most {MAX_SECRET_BYTES}")]
    TooLarge {
        /// The secret.
        name: String,
        /// Its size.
        bytes: usize,
    },
    /// Empty payload.
    #[error("{0}: payload is empty")]
    EmptyPayload(String),
    /// More than 50 tags.
    #[error("{name}: {count} tags; at most {MAX_TAGS} are allowed")]
    TooManyTags {
        /// The secret.
        name: String,
        /// How many.
        count: usize,
    },
    /// A bad tag key or value.
    #[error("{name}: tag {key:?}: {why}")]
    Tag {
        /// The secret.
        name: String,
        /// The tag key (truncated when very long).
        key: String,
        /// What is wrong.
        why: &'static str,
    },
    /// Description too long.
    #[error("{0}: description is longer than {MAX_DESCRIPTION} characters")]
    Description(String),
}

/// Checks a secret name against the service's rules and the ARN-suffix pitfall.
pub fn check_name(name: &str) -> Result<(), Invalid> {
    if name.is_empty() {
        return Err(Invalid::EmptyName);
    }
    if name.chars().count() > MAX_NAME_LEN {
        return Err(Invalid::NameTooLong(name.to_string()));
    }
    if let Some(ch) = name.chars().find(|c| !(c.is_ascii_alphanumeric() || "/_+=.@-".contains(*c))) {
        return Err(Invalid::NameChar { name: name.to_string(), ch });
    }
    let b = name.as_bytes();
    if b.len() >= 7 && b[b.len() - 7] == b'-' {
        return Err(Invalid::ArnSuffixLike(name.to_string()));
    }
    Ok(())
}

/// Checks one tag.
pub fn check_tag(name: &str, key: &str, value: &str) -> Result<(), Invalid> {
    let bad = |why| Invalid::Tag { name: name.to_string(), key: key.chars().take(40).collect(), why };
    if key.is_empty() {
        return Err(bad("empty tag key"));
    }
    if key.chars().count() > MAX_TAG_KEY {
        return Err(bad("tag key longer than 128 characters"));
    }
    if value.chars().count() > MAX_TAG_VALUE {
        return Err(bad("tag value longer than 256 characters"));
    }
    if key.to_ascii_lowercase().starts_with("aws:") {
        return Err(bad("the `aws:` prefix is reserved for AWS"));
    }
    // The tag character set AWS documents for Secrets Manager: letters, digits, spaces and + - = . _ : / @
    let ok = |c: char| c.is_alphanumeric() || c.is_whitespace() || "+-=._:/@".contains(c);
    if !key.chars().all(ok) {
        return Err(bad("tag key may hold letters, digits, spaces and + - = . _ : / @ only"));
    }
    if !value.chars().all(ok) {
        return Err(bad("tag value may hold letters, digits, spaces and + - = . _ : / @ only"));
    }
    Ok(())
}

/// Every problem with one item (empty when it may be sent).
pub fn check_item(item: &UploadItem) -> Vec<Invalid> {
    let mut out = Vec::new();
    if let Err(e) = check_name(&item.name) {
        out.push(e);
    }
    if item.body.is_empty() {
        out.push(Invalid::EmptyPayload(item.name.clone()));
    }
    if item.body.len() > MAX_SECRET_BYTES {
        out.push(Invalid::TooLarge { name: item.name.clone(), bytes: item.body.len() });
    }
    if item.tags.len() > MAX_TAGS {
        out.push(Invalid::TooManyTags { name: item.name.clone(), count: item.tags.len() });
    }
    for (k, v) in &item.tags {
        if let Err(e) = check_tag(&item.name, k, v) {
            out.push(e);
        }
    }
    if item.description.as_ref().is_some_and(|d| d.chars().count() > MAX_DESCRIPTION) {
        out.push(Invalid::Description(item.name.clone()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::SecretValue;
    use crate::upload::Body;

    fn item(name: &str, body: &str) -> UploadItem {
        UploadItem {
            name: name.into(),
            body: Body::String(SecretValue::new(body)),
            json: false,
            database: false,
            description: None,
            tags: [("managed-by".to_string(), "hoist".to_string())].into(),
            kms_key_id: None,
        }
    }

    #[test]
    fn names() {
        for ok in ["app/prod/db", "a", "A_b+c=d.e@f-g", "app/prod/db_secret", "x-12345", "x-1234567", "abcdefg"] {
            assert_eq!(check_name(ok), Ok(()), "{ok}");
        }
        assert_eq!(check_name(""), Err(Invalid::EmptyName));
        assert!(matches!(check_name("app/db secret"), Err(Invalid::NameChar { ch: ' ', .. })));
        assert!(matches!(check_name("app/ünï"), Err(Invalid::NameChar { ch: 'ü', .. })));
        assert!(matches!(check_name("app:db"), Err(Invalid::NameChar { ch: ':', .. })));
        assert!(matches!(check_name(&"a".repeat(257)), Err(Invalid::NameTooLong(_))));
        assert_eq!(check_name(&"a".repeat(256)), Ok(()));
        assert!(matches!(check_name("db-secret"), Err(Invalid::ArnSuffixLike(_))));
        assert!(matches!(check_name("app/prod/api-AbCdEf"), Err(Invalid::ArnSuffixLike(_))));
    }

    #[test]
    fn size_limit_is_in_utf8_bytes() {
        assert!(check_item(&item("a/b", &"x".repeat(MAX_SECRET_BYTES))).is_empty());
        let e = check_item(&item("a/b", &"x".repeat(MAX_SECRET_BYTES + 1)));
        assert_eq!(e, vec![Invalid::TooLarge { name: "a/b".into(), bytes: MAX_SECRET_BYTES + 1 }]);
        // 'é' is two bytes: 32,769 of them are 65,538 bytes though only 32,769 characters.
        let e = check_item(&item("a/b", &"é".repeat(32_769)));
        assert!(matches!(e[..], [Invalid::TooLarge { bytes: 65_538, .. }]), "{e:?}");
        assert_eq!(check_item(&item("a/b", "")), vec![Invalid::EmptyPayload("a/b".into())]);
    }

    #[test]
    fn tags() {
        let mut it = item("a/b", "v");
        it.tags.insert("aws:owner".into(), "x".into());
        it.tags.insert("k".repeat(129), "x".into());
        it.tags.insert("team".into(), "v".repeat(257));
        it.tags.insert("bad".into(), "semi;colon".into());
        assert_eq!(check_item(&it).len(), 4, "{:?}", check_item(&it));
        let mut many = item("a/b", "v");
        for i in 0..50 {
            many.tags.insert(format!("t{i}"), "v".into());
        }
        assert!(matches!(check_item(&many)[..], [Invalid::TooManyTags { count: 51, .. }]));
    }

    #[test]
    fn messages_never_hold_the_payload() {
        let e = check_item(&item("bad name", &format!("hunter2{}", "x".repeat(MAX_SECRET_BYTES))));
        assert_eq!(e.len(), 2);
        for m in e {
            assert!(!m.to_string().contains("hunter2"));
        }
    }
}
