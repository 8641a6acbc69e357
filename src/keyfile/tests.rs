//! Unit tests of key-file recognition, whole-file values and widening.

use super::*;
use crate::model::Fingerprinter;
use crate::model::Site;
use std::path::Path;

/// A `file` site of `path` for unit tests (span and fingerprint to be set by the test).
pub(crate) fn site(path: &str, rule: &str) -> Site {
    Site {
        path: path.into(),
        line: 1,
        span: Span::new(0, 1),
        fingerprint: Fingerprinter::from_hex(&"00".repeat(32)).unwrap().fingerprint("x"),
        encoding: None,
        raw_fingerprint: None,
        rule: rule.into(),
        format: "text".into(),
        strategy: crate::model::Strategy::File,
        env_var: None,
        name: None,
        deploy: None,
        reason: None,
    }
}

#[test]
fn key_files_and_keystores_by_name_but_not_truststores() {
    for p in ["certs/server.key", "tls.pem", "deploy/id_rsa", "a/id_ed25519", "client.p12", "x.PFX", "app.jks"] {
        assert!(is_key_file(Path::new(p)), "{p}");
    }
    for p in ["truststore.jks", "certs/cacerts", "server.py", "keys.txt", "id_rsa.pub"] {
        assert!(!is_key_file(Path::new(p)), "{p}");
    }
}

#[test]
fn binary_keystores_are_one_whole_file_detection_by_name_and_magic() {
    let jks = [0xFE, 0xED, 0xFE, 0xED, 0, 0, 0, 2, 0xFF, 0x80];
    let d = binary_detection(Path::new("conf/app.jks"), &jks).expect("a jks keystore");
    assert_eq!((d.rule.as_str(), d.span), ("key-file.jks", Span::new(0, jks.len())));
    assert!(is_binary(&d.rule) && is_whole_file(&d.rule));
    assert_eq!(value_bytes(&d.rule, &d.value), jks.to_vec(), "the value stands for the exact bytes");
    let der = [0x30, 0x82, 0x01, 0x00, 0x02, 0x01, 0x00, 0xFF];
    assert_eq!(binary_detection(Path::new("client.p12"), &der).unwrap().rule, "key-file.pkcs12");
    assert_eq!(binary_detection(Path::new("k.der"), &der).unwrap().rule, "key-file.der");
    assert!(binary_detection(Path::new("logo.png"), &der).is_none(), "not a key file by name");
    assert!(binary_detection(Path::new("client.p12"), b"PEM text is not binary").is_none());
    assert!(binary_detection(Path::new("client.p12"), &[0x00, 0xFF, 0x00]).is_none(), "no known magic");
    assert!(binary_detection(Path::new("truststore.jks"), &jks).is_none());
    // A DER certificate (SEQUENCE { SEQUENCE tbsCertificate … }) is public.
    let cert = [0x30, 0x82, 0x01, 0x00, 0x30, 0x82, 0x00, 0xF0, 0xA0, 0x03, 0xFF];
    assert!(binary_detection(Path::new("ca.der"), &cert).is_none());
    assert!(binary_detection(Path::new("server.crt"), &cert).is_none());
}

#[test]
fn widening_replaces_every_finding_of_a_key_file_with_one_spanning_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let pem =
        "Bag Attributes\n-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----\n";
    std::fs::write(dir.path().join("server.key"), pem).unwrap();
    std::fs::write(dir.path().join("jwt_private"), &pem[15..]).unwrap();
    std::fs::write(dir.path().join("app.py"), "K = 'x'\n").unwrap();
    let fp = Fingerprinter::from_hex(&Fingerprinter::random_salt()).unwrap();
    let finding = |path: &str, start: usize, end: usize, text: &str| Finding {
        path: path.into(),
        line: 2,
        column: 1,
        span: Span::new(start, end),
        rule: "private-key.pkcs8".into(),
        kind: Kind::Secret,
        severity: Severity::High,
        name: None,
        group: None,
        key: None,
        format: "text".into(),
        deploy: None,
        fingerprint: fp.fingerprint(&text[start..end]),
        encoding: None,
        raw_fingerprint: None,
        preview: String::new(),
        value: SecretValue::new(&text[start..end]),
    };
    let mut findings = vec![
        finding("server.key", 15, pem.len() - 1, pem),
        finding("jwt_private", 0, pem.len() - 16, &pem[15..]),
        finding("app.py", 5, 6, "K = 'x'\n"),
    ];
    widen(dir.path(), &mut findings, &fp);
    assert_eq!(findings.len(), 3);
    let key = findings.iter().find(|f| f.path == Path::new("server.key")).unwrap();
    assert_eq!((key.rule.as_str(), key.span, key.line), (TEXT_RULE, Span::new(0, pem.len()), 1));
    assert_eq!(key.value.expose(), pem, "the whole file, trailing newline and header included");
    assert_eq!(key.fingerprint, fp.fingerprint(pem));
    let bare = findings.iter().find(|f| f.path == Path::new("jwt_private")).unwrap();
    assert_eq!(bare.rule, TEXT_RULE, "a file of PEM blocks alone is a key file whatever its name");
    let code = findings.iter().find(|f| f.path == Path::new("app.py")).unwrap();
    assert_eq!(code.rule, "private-key.pkcs8", "other files keep their findings");
}

#[test]
fn a_whole_file_site_reads_back_only_the_planned_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let fp = Fingerprinter::from_hex(&Fingerprinter::random_salt()).unwrap();
    let bytes = [0x30u8, 0x82, 0x00, 0xFF, 0x10];
    std::fs::write(dir.path().join("c.p12"), bytes).unwrap();
    let v = site_value(&bytes);
    let site = Site {
        span: Span::new(0, bytes.len()),
        fingerprint: fp.fingerprint(v.expose()),
        ..site("c.p12", "key-file.pkcs12")
    };
    assert_eq!(read_site(dir.path(), &site, &fp).unwrap(), Some(v));
    std::fs::write(dir.path().join("c.p12"), [0x30u8, 0x82, 0x00, 0xFF, 0x11]).unwrap();
    assert_eq!(read_site(dir.path(), &site, &fp).unwrap(), None, "other bytes: stale");
    std::fs::remove_file(dir.path().join("c.p12")).unwrap();
    assert!(read_site(dir.path(), &site, &fp).is_err(), "gone");
}
