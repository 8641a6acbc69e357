//! Key and certificate files (`*.pem`, `*.key`, `id_rsa`, `*.p12`/`*.pfx`, `*.jks`…): the file
//! itself is the secret. The one owner of "what is a key file" and of how its bytes become a
//! secret value: a text file is its whole text (a `SecretString` with identical bytes), a binary
//! keystore is its bytes (a `SecretBinary`), whose in-memory value — for fingerprints and the
//! plan's site checks — is their standard base64. `tree` removes such files from the repository
//! at apply time; `materialise` writes them back for `hoist run --file`.

use crate::model::{Detection, Finding, Fingerprinter, Kind, SecretValue, Severity, Site, Span};
use base64::Engine;
use std::collections::BTreeMap;
use std::path::Path;

pub mod edits;
pub mod materialise;
pub mod mounts;
pub mod tree;

/// Rule id prefix of a whole-file finding: the site spans the file, the secret is the file.
pub const RULE_PREFIX: &str = "key-file.";
/// Rule id of a whole text key file (PEM, OpenSSH, PGP armour).
pub const TEXT_RULE: &str = "key-file.text";

/// Largest key file moved whole (Secrets Manager's limit); bigger files keep their findings.
const MAX_BYTES: usize = 65_536;

/// True for a key or certificate file by name (`server.key`, `id_rsa`, `tls.pem`, `client.p12`…).
pub fn is_key_file(path: &Path) -> bool {
    let name = file_name(path);
    let ext = name.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
    matches!(ext, "pem" | "key" | "crt" | "cer" | "der" | "p8" | "ppk" | "asc" | "gpg")
        || ["id_rsa", "id_dsa", "id_ecdsa", "id_ed25519"].contains(&name.as_str())
        || is_keystore_name(path)
}

/// True for a keystore by name (`*.p12`, `*.pfx`, `*.jks`, `*.jceks`, `*.keystore`, `*.bks`),
/// except truststores (`truststore.jks`, `cacerts`), which hold public certificates only.
pub fn is_keystore_name(path: &Path) -> bool {
    let name = file_name(path);
    let ext = name.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
    matches!(ext, "p12" | "pfx" | "jks" | "jceks" | "keystore" | "bks") && !name.contains("trust") && name != "cacerts"
}

fn file_name(path: &Path) -> String {
    path.file_name().map(|n| n.to_string_lossy().to_ascii_lowercase()).unwrap_or_default()
}

/// True for a finding (or site rule) that stands for a whole key file.
pub fn is_whole_file(rule: &str) -> bool {
    rule.starts_with(RULE_PREFIX)
}

/// True for a whole binary key file (its secret is a `SecretBinary`).
pub fn is_binary(rule: &str) -> bool {
    is_whole_file(rule) && rule != TEXT_RULE
}

/// The detection of a binary keystore or DER key by its name and its magic bytes, spanning the
/// whole file; `None` for anything else. The scanner calls this before it skips binary files.
pub fn binary_detection(rel: &Path, bytes: &[u8]) -> Option<Detection> {
    if bytes.is_empty() || bytes.len() > MAX_BYTES || std::str::from_utf8(bytes).is_ok() || !is_key_file(rel) {
        return None;
    }
    let kind = match bytes {
        [0xFE, 0xED, 0xFE, 0xED, ..] => "jks",
        [0xCE, 0xCE, 0xCE, 0xCE, ..] => "jceks",
        [0, 0, 0, 1 | 2, ..] if file_name(rel).ends_with(".bks") => "bks",
        // A DER SEQUENCE opening with an INTEGER: PKCS#12 (version 3) or a PKCS#8 / PKCS#1 key
        // (version 0). A certificate opens with a SEQUENCE (tbsCertificate): public, not a secret.
        _ if !der_opens_with_integer(bytes) => return None,
        _ if is_keystore_name(rel) => "pkcs12",
        _ => "der",
    };
    Some(Detection {
        rule: format!("{RULE_PREFIX}{kind}"),
        kind: Kind::Secret,
        span: Span::new(0, bytes.len()),
        value: site_value(bytes),
        name: None,
        group: None,
        key: None,
        deploy: None,
        severity: Severity::High,
    })
}

/// True for DER bytes `SEQUENCE { INTEGER …`: the shape of keys and keystores, not certificates.
fn der_opens_with_integer(bytes: &[u8]) -> bool {
    let header = match bytes {
        [0x30, n, ..] if *n < 0x80 => 2,
        [0x30, n, ..] if (0x81..=0x84).contains(n) => 2 + usize::from(n & 0x7f),
        _ => return false,
    };
    bytes.get(header) == Some(&0x02)
}

/// The in-memory value of a whole key file: its text, or the standard base64 of its bytes when
/// it isn't UTF-8 (the plan fingerprints this; the upload sends the bytes).
pub fn site_value(bytes: &[u8]) -> SecretValue {
    match std::str::from_utf8(bytes) {
        Ok(text) => SecretValue::new(text),
        Err(_) => SecretValue::new(base64::engine::general_purpose::STANDARD.encode(bytes)),
    }
}

/// The bytes a whole-file value stands for (the inverse of [`site_value`] for a binary rule).
pub fn value_bytes(rule: &str, value: &SecretValue) -> Vec<u8> {
    if is_binary(rule)
        && let Ok(b) = base64::engine::general_purpose::STANDARD.decode(value.expose())
    {
        return b;
    }
    value.expose().as_bytes().to_vec()
}

/// Reads a whole-file site: `Ok(Some(value))` when the file still holds the planned bytes,
/// `Ok(None)` when it holds something else, `Err` when it can't be read (gone, unsafe path).
pub fn read_site(root: &Path, site: &Site, fp: &Fingerprinter) -> Result<Option<SecretValue>, String> {
    let path = crate::paths::safe_join(root, &site.path).map_err(|e| e.to_string())?;
    let bytes = std::fs::read(&path).map_err(|e| format!("cannot read {}: {e}", site.path.display()))?;
    let value = site_value(&bytes);
    Ok((bytes.len() == site.span.len() && fp.fingerprint(value.expose()) == site.fingerprint).then_some(value))
}

/// True when a text file is nothing but PEM blocks holding a private key, whatever its name
/// (`secrets/jwt_private`, `gcp-service`).
fn is_pem_only(text: &str) -> bool {
    let t = text.trim();
    t.starts_with("-----BEGIN ") && t.ends_with("-----") && t.contains("PRIVATE KEY")
}

/// Replaces the findings inside each key file (by name, or a file of PEM blocks alone) with one
/// finding spanning the whole file, so the secret holds the file's exact bytes. Test and example
/// files stay `low` (their sites are `skip`). A file that can't be read or is over 64 KiB keeps
/// its findings.
pub fn widen(root: &Path, findings: &mut Vec<Finding>, fp: &Fingerprinter) {
    let mut by_file: BTreeMap<std::path::PathBuf, Vec<usize>> = BTreeMap::new();
    for (i, f) in findings.iter().enumerate() {
        if f.kind == Kind::Secret && !is_whole_file(&f.rule) {
            by_file.entry(f.path.clone()).or_default().push(i);
        }
    }
    let mut drop = Vec::new();
    let mut add = Vec::new();
    for (path, idx) in by_file {
        let Ok(bytes) = std::fs::read(root.join(&path)) else { continue };
        let Ok(text) = std::str::from_utf8(&bytes) else { continue };
        if bytes.len() > MAX_BYTES || !(is_key_file(&path) || is_pem_only(text)) {
            continue;
        }
        let first = &findings[idx[0]];
        let value = SecretValue::new(text);
        add.push(Finding {
            path: path.clone(),
            line: 1,
            column: 1,
            span: Span::new(0, bytes.len()),
            rule: TEXT_RULE.into(),
            kind: Kind::Secret,
            severity: idx.iter().map(|&i| findings[i].severity).max().unwrap_or(first.severity),
            name: None,
            group: None,
            key: None,
            format: first.format.clone(),
            deploy: None,
            fingerprint: fp.fingerprint(value.expose()),
            encoding: Some(crate::site::Encoding::RAW),
            raw_fingerprint: None,
            preview: value.preview(),
            value,
        });
        // Every finding in the file, config ones too: the file moves as a whole.
        drop.extend(findings.iter().enumerate().filter(|(_, f)| f.path == path).map(|(i, _)| i));
    }
    let mut i = 0;
    findings.retain(|_| {
        i += 1;
        !drop.contains(&(i - 1))
    });
    findings.extend(add);
}

/// The secret's group word for a key file: its file name (`server.key` → `server-key`).
pub fn group(path: &Path) -> String {
    let s = crate::plan::naming::slug(&file_name(path));
    if s.is_empty() { "key-file".into() } else { s }
}

/// What a `file` site's plan entry says: what apply does and where deployments mount the file.
pub fn plan_note(path: &Path, binary: bool) -> String {
    let p = crate::scan::slash_path(path);
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let ecs = if binary {
        "a binary secret can't be injected: have the entrypoint write it (`aws secretsmanager get-secret-value \
         --secret-id ARN --query SecretBinary --output text | base64 -d`)"
    } else {
        "inject it whole (`secrets: [{name: ..., valueFrom: ARN}]`) and have the entrypoint write the variable to \
         the file, or fetch it there with `aws secretsmanager get-secret-value --query SecretString --output text`"
    };
    format!(
        "the file is the secret: apply uploads it whole, deletes {p} from the tree and adds it to .gitignore; \
         `hoist run --file {p} -- CMD` writes it back (mode 0600) while CMD runs. Deployments mount it from the \
         secret: Kubernetes — an ExternalSecret producing a Secret with key {name}, mounted as a volume at \
         {p} (subPath {name}, defaultMode 0400); ECS — {ecs}"
    )
}

#[cfg(test)]
mod tests;
