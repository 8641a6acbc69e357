//! Private keys without their PEM armour — base64 or hex DER in environment variables, `.env`
//! files, JSON — are found by their fixed DER prefixes (`private-key.der-base64`,
//! `private-key.der-hex`); public keys, certificates and a bare prefix are not, and a PEM-armoured
//! key is reported once, by its armoured rule. Through the binary, under the leak harness (no
//! key byte in any output).

mod common;

use common::cli::Hoist;
use serde_json::Value;
use std::path::Path;

const KEYS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/detect/keys");

/// The key material of the fixtures: every base64 / hex run long enough to be one.
fn planted() -> Vec<String> {
    let mut out = Vec::new();
    for f in std::fs::read_dir(KEYS).unwrap() {
        let text = std::fs::read_to_string(f.unwrap().path()).unwrap();
        for word in text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '+' || c == '/' || c == '=')) {
            if word.len() >= 60 {
                out.push(word[..60].to_string());
            }
        }
    }
    assert!(out.len() >= 8, "the fixtures hold their keys");
    out
}

#[test]
fn headerless_private_keys_are_found_and_public_material_is_not() {
    let dir = tempfile::tempdir().unwrap();
    common::deployed::copy_dir(Path::new(KEYS), dir.path());
    let out = Hoist::new(&planted()).current_dir(dir.path()).args(["scan", ".", "--format", "json"]).output().unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).expect("scan --format json prints JSON");
    let mut found: Vec<(String, u64, String)> = v
        .as_array()
        .expect("a findings array")
        .iter()
        .filter(|f| f["kind"] == "secret")
        .map(|f| {
            (f["path"].as_str().unwrap().to_string(), f["line"].as_u64().unwrap(), f["rule"].as_str().unwrap().into())
        })
        .collect();
    found.sort();
    let want: Vec<(String, u64, String)> = [
        ("armoured.pem", 1, "private-key.rsa"),
        ("keys.json", 3, "private-key.der-hex"),
        ("service.env", 3, "private-key.der-base64"),
        ("service.env", 4, "private-key.der-base64"),
        ("service.env", 5, "private-key.der-base64"),
        ("service.env", 6, "private-key.der-base64"),
    ]
    .into_iter()
    .map(|(p, l, r)| (p.to_string(), l, r.to_string()))
    .collect();
    assert_eq!(found, want, "each headerless key once by its DER rule; decoy-public.env: nothing");
}
