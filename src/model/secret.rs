//! The secret-value type that never prints itself, and keyed fingerprints of values.

use hmac::{Hmac, KeyInit, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use std::fmt;

/// A secret value held in memory. `Debug`, `Display` and `Serialize` all redact it, so a value
/// cannot leak through a log line, an error message or a serialized report by accident.
/// The only way to the bytes is [`SecretValue::expose`], which callers use for hashing,
/// comparison and the upload payload.
#[derive(Clone, PartialEq, Eq, Hash, Default)]
pub struct SecretValue(String);

impl SecretValue {
    /// Wraps a value.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The real value. Call sites are few and reviewed: hashing, payload building, rewrite checks.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Length in bytes.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// True when empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// A preview that is safe to print: a known public prefix (`AKIA`, `ghp_`, `sk_live_`, … —
    /// the part that names the provider, not the random part) and the length, nothing else. A
    /// value without a known prefix shows only its length: the first letters of a random key or a
    /// password are a piece of it.
    pub fn preview(&self) -> String {
        let n = self.0.chars().count();
        match public_prefix(&self.0) {
            Some(p) => format!("{p}…[{n} chars]"),
            None => format!("*****[{n} chars]"),
        }
    }
}

/// Prefixes providers publish as the fixed start of their tokens. Printing one says which kind of
/// credential it is and nothing about its secret part.
const PUBLIC_PREFIXES: &[&str] = &[
    "github_pat_",
    "sk_live_",
    "sk_test_",
    "rk_live_",
    "rk_test_",
    "pk_live_",
    "pk_test_",
    "whsec_",
    "sk-proj-",
    "sk-ant-",
    "dop_v1_",
    "shpat_",
    "shpss_",
    "glpat-",
    "xoxb-",
    "xoxp-",
    "xoxa-",
    "xoxs-",
    "xapp-",
    "npm_",
    "pypi-",
    "ghp_",
    "gho_",
    "ghu_",
    "ghs_",
    "ghr_",
    "AKIA",
    "ASIA",
    "ABIA",
    "ACCA",
    "AIza",
    "hf_",
    "SG.",
    "sk-",
];

/// The known public prefix `value` starts with, when the rest is long enough (16+ characters)
/// that the prefix is clearly not most of the value.
pub fn public_prefix(value: &str) -> Option<&'static str> {
    PUBLIC_PREFIXES.iter().copied().find(|p| value.starts_with(p) && value[p.len()..].chars().count() >= 16)
}

impl fmt::Debug for SecretValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SecretValue(<redacted {} bytes>)", self.0.len())
    }
}

impl fmt::Display for SecretValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

impl Serialize for SecretValue {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str("<redacted>")
    }
}

/// A keyed fingerprint (HMAC-SHA256, hex, 128 bits) of a value. Safe to store and print: without
/// the key it can't be brute-forced the way a bare hash of a short password can.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Fingerprint(pub String);

impl fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Computes [`Fingerprint`]s with one key (a per-repository or per-plan salt).
#[derive(Clone)]
pub struct Fingerprinter {
    key: Vec<u8>,
}

impl fmt::Debug for Fingerprinter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Fingerprinter(<key>)")
    }
}

impl Fingerprinter {
    /// A fingerprinter keyed by `key` (any length; usually 32 random bytes).
    pub fn new(key: impl Into<Vec<u8>>) -> Self {
        Self { key: key.into() }
    }

    /// A fingerprinter keyed by a hex salt as stored in a plan or `.hoist/salt`.
    pub fn from_hex(salt: &str) -> Result<Self, hex::FromHexError> {
        Ok(Self::new(hex::decode(salt.trim())?))
    }

    /// A fresh random salt, hex encoded (32 bytes).
    pub fn random_salt() -> String {
        let bytes: [u8; 32] = rand::random();
        hex::encode(bytes)
    }

    /// Raw HMAC-SHA256 of `parts`, each length-prefixed so `("ab","c")` and `("a","bc")` differ.
    pub fn mac(&self, parts: &[&[u8]]) -> [u8; 32] {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.key).expect("HMAC takes any key length");
        for p in parts {
            mac.update(&(p.len() as u64).to_be_bytes());
            mac.update(p);
        }
        mac.finalize().into_bytes().into()
    }

    /// The fingerprint of a value.
    pub fn fingerprint(&self, value: &str) -> Fingerprint {
        let mac = self.mac(&[b"value", value.as_bytes()]);
        Fingerprint(hex::encode(&mac[..16]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_value_never_formats_itself() {
        let v = SecretValue::new("hunter2-very-secret");
        assert!(!format!("{v:?}").contains("hunter2"));
        assert!(!format!("{v}").contains("hunter2"));
        assert!(!serde_json::to_string(&v).unwrap().contains("hunter2"));
        assert!(!v.preview().contains("hunter"));
    }

    #[test]
    fn previews_show_only_a_known_public_prefix_and_the_length() {
        let v = SecretValue::new("ghp_0123456789abcdefghijklmnopqrstuvwxyz");
        assert_eq!(v.preview(), "ghp_…[40 chars]");
        assert_eq!(SecretValue::new("AKIAUJZDEGXDNCF32EPF").preview(), "AKIA…[20 chars]");
        assert_eq!(SecretValue::new("sk_live_4eC39HqLyjWDarjtT1zdp7dc").preview(), "sk_live_…[32 chars]");
        // A random AWS secret key (no public prefix) shows nothing of itself.
        let aws = SecretValue::new("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
        assert_eq!(aws.preview(), "*****[40 chars]");
        // A prefix that would be most of the value is not shown either.
        assert_eq!(SecretValue::new("sk-abc").preview(), "*****[6 chars]");
        assert_eq!(SecretValue::new("AKIA1234").preview(), "*****[8 chars]");
    }

    #[test]
    fn fingerprints_depend_on_key_and_value() {
        let a = Fingerprinter::new(b"k1".to_vec());
        let b = Fingerprinter::new(b"k2".to_vec());
        assert_eq!(a.fingerprint("x"), a.fingerprint("x"));
        assert_ne!(a.fingerprint("x"), a.fingerprint("y"));
        assert_ne!(a.fingerprint("x"), b.fingerprint("x"));
        assert_eq!(a.fingerprint("x").0.len(), 32);
    }
}
