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

    /// A preview that is safe to print: never more than a short known prefix of long values,
    /// and nothing at all of short ones (a short password's first letters are half of it).
    pub fn preview(&self) -> String {
        let n = self.0.chars().count();
        if n >= 24 {
            let head: String = self.0.chars().take(4).collect();
            format!("{head}…[{n} chars]")
        } else {
            format!("*****[{n} chars]")
        }
    }
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
    fn long_preview_shows_only_a_prefix() {
        let v = SecretValue::new("ghp_0123456789abcdefghijklmnopqrstuvwxyz");
        assert_eq!(v.preview(), "ghp_…[40 chars]");
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
