//! The upload stage: creates or reconciles secrets in AWS Secrets Manager, idempotently (a
//! deterministic client request token per name and payload) and resumably (a state entry after
//! each success). It takes ready payloads; reading the repository is the commands' job.

pub mod batch;
pub mod client;
pub mod fault;
pub mod policy;
pub mod secret;
pub mod standing;
pub mod validate;

pub use batch::{BatchOptions, Progress, Report, run_batch};
pub use client::{AwsSettings, ConnectError, Connected, connect};
pub use secret::{Outcome, UploadError};

use crate::model::{Fingerprinter, SecretValue};
use std::collections::BTreeMap;
use std::fmt;

/// The tag every secret hoist creates carries; hoist only ever changes secrets that have it.
pub const MANAGED_BY_KEY: &str = "managed-by";
/// Value of [`MANAGED_BY_KEY`].
pub const MANAGED_BY_VALUE: &str = "hoist";

/// The serialized content of a secret, exactly as it is sent.
#[derive(Clone, PartialEq, Eq)]
pub enum Body {
    /// `SecretString` (a JSON document or one plain string).
    String(SecretValue),
    /// `SecretBinary`.
    Binary(Vec<u8>),
}

impl fmt::Debug for Body {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Body::String(_) => write!(f, "Body::String(<redacted {} bytes>)", self.len()),
            Body::Binary(_) => write!(f, "Body::Binary(<redacted {} bytes>)", self.len()),
        }
    }
}

impl Body {
    /// Size in bytes as Secrets Manager counts it (UTF-8 bytes of the string, or the binary length).
    pub fn len(&self) -> usize {
        match self {
            Body::String(s) => s.expose().len(),
            Body::Binary(b) => b.len(),
        }
    }

    /// True when empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn tagged_bytes(&self) -> (&'static [u8], &[u8]) {
        match self {
            Body::String(s) => (b"string", s.expose().as_bytes()),
            Body::Binary(b) => (b"binary", b.as_slice()),
        }
    }
}

/// One secret to upload, ready to send.
#[derive(Clone, Debug)]
pub struct UploadItem {
    /// Secrets Manager name.
    pub name: String,
    /// The payload.
    pub body: Body,
    /// The payload is a JSON object (compared as JSON, so key order on the server doesn't matter).
    pub json: bool,
    /// The payload has the database shape rotation functions expect.
    pub database: bool,
    /// Description.
    pub description: Option<String>,
    /// Tags, including `managed-by=hoist`.
    pub tags: BTreeMap<String, String>,
    /// KMS key id, ARN or alias.
    pub kms_key_id: Option<String>,
}

/// Deterministic client request tokens. They become VersionIds, which are visible to anyone who
/// can describe the secret and are logged by CloudTrail, so they are keyed by the plan's salt:
/// never a bare hash of the value.
#[derive(Clone, Debug)]
pub struct Tokens {
    fp: Fingerprinter,
}

impl Tokens {
    /// Tokens keyed by the plan's salt.
    pub fn new(fp: Fingerprinter) -> Self {
        Self { fp }
    }

    /// The CreateSecret token for a name and payload: same inputs, same token, so a retried or
    /// re-run create is recognised by Secrets Manager as the same request.
    pub fn create(&self, name: &str, body: &Body) -> String {
        let (kind, bytes) = body.tagged_bytes();
        uuid_like(&self.fp.mac(&[b"hoist-create", name.as_bytes(), kind, bytes]))
    }

    /// The PutSecretValue token for moving `name` from version `current` to this payload. Including
    /// the current version lets a value return to an earlier one (a fresh version, not a no-op on
    /// the old VersionId), while a retry of the same change reuses the same token.
    pub fn update(&self, name: &str, body: &Body, current: &str) -> String {
        let (kind, bytes) = body.tagged_bytes();
        uuid_like(&self.fp.mac(&[b"hoist-update", name.as_bytes(), kind, bytes, current.as_bytes()]))
    }
}

/// 16 bytes as a 36-character UUID-shaped string (within the API's 32–64 characters).
fn uuid_like(mac: &[u8; 32]) -> String {
    let h = hex::encode(&mac[..16]);
    format!("{}-{}-{}-{}-{}", &h[..8], &h[8..12], &h[12..16], &h[16..20], &h[20..32])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_deterministic_keyed_and_sized() {
        let t = Tokens::new(Fingerprinter::new(b"salt".to_vec()));
        let a = Body::String(SecretValue::new("{\"password\":\"pw\"}"));
        let b = Body::String(SecretValue::new("{\"password\":\"pw2\"}"));
        let tok = t.create("app/db", &a);
        assert_eq!(tok.len(), 36);
        assert_eq!(tok, t.create("app/db", &a));
        assert_ne!(tok, t.create("app/db", &b));
        assert_ne!(tok, t.create("app/db2", &a));
        assert_ne!(tok, Tokens::new(Fingerprinter::new(b"other".to_vec())).create("app/db", &a));
        assert_ne!(tok, t.update("app/db", &a, "v1"));
        assert_ne!(t.update("app/db", &a, "v1"), t.update("app/db", &a, "v2"));
        assert_ne!(t.create("x", &Body::String(SecretValue::new("ab"))), t.create("x", &Body::Binary(b"ab".to_vec())));
    }

    #[test]
    fn body_debug_is_redacted() {
        let b = Body::Binary(b"topsecret".to_vec());
        assert!(!format!("{b:?}").contains("116")); // no byte values
        assert!(!format!("{:?}", Body::String(SecretValue::new("topsecret"))).contains("topsecret"));
    }
}
