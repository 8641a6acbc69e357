//! The references `hoist check` looks for beyond ECS `valueFrom` and CloudFormation `resolve`:
//! every Secrets Manager ARN literal in any text file (the `sdk` readers hoist writes into code,
//! Kubernetes ExternalSecret `remoteRef` keys, Terraform notes), with the JSON key that follows it
//! (`get("ARN", "key")`, `property: key`, `, key key)`), and the note hoist leaves in `.env`
//! files (`(secret NAME, key KEY)`).

use crate::rewrite::deploy::refs::{Found, SecretRefParts, Verdict};
use once_cell::sync::Lazy;
use regex::Regex;
use std::path::{Path, PathBuf};

/// Files bigger than this are not looked at.
const MAX_FILE: u64 = 2 * 1024 * 1024;

static ARN: Lazy<Regex> = Lazy::new(|| {
    Regex::new(
        r"arn:aws[a-z-]*:secretsmanager:[A-Za-z0-9-]+:[0-9A-Z]+:secret:[A-Za-z0-9/_+=.@-]+-(?:[A-Za-z0-9]{6}\b|\?{6})",
    )
    .expect("valid regex")
});
/// What follows an ARN and names its JSON key: a second string argument, an ExternalSecret
/// `property:`, or hoist's note `, key KEY)`.
static KEY_AFTER: Lazy<Regex> = Lazy::new(|| {
    Regex::new(r#"^(?:["'`]\s*,\s*["'`]([A-Za-z0-9_.\-/]+)["'`]|["']?[ \t]*\r?\n[ \t]*property:[ \t]*["']?([A-Za-z0-9_.\-/]+)|, key ([A-Za-z0-9_.\-/]+)\))"#)
        .expect("valid regex")
});
static NOTE: Lazy<Regex> = Lazy::new(|| {
    Regex::new(r"moved to AWS Secrets Manager \(secret ([A-Za-z0-9/_+=.@-]+)(?:, key ([A-Za-z0-9_.\-/]+))?\)")
        .expect("valid regex")
});

/// A reference found outside `valueFrom`/`resolve`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reference {
    /// 1-based line.
    pub line: usize,
    /// The reference as written (an ARN, or a secret name).
    pub text: String,
    /// Its verdict: the secret id and JSON key, or what is wrong with it.
    pub verdict: Verdict,
}

/// Every ARN literal and `.env` note in `text`, except those inside `already` (the `valueFrom`
/// and `resolve` references of the same file).
pub fn find(text: &str, already: &[Found]) -> Vec<Reference> {
    let line = |off: usize| text[..off].bytes().filter(|b| *b == b'\n').count() + 1;
    let covered = |off: usize| already.iter().any(|f| off >= f.offset && off < f.offset + f.text.len().max(1));
    let mut out = Vec::new();
    for m in ARN.find_iter(text).filter(|m| !covered(m.start())) {
        let arn = m.as_str();
        let verdict = match crate::rewrite::deploy::refs::value_from(arn) {
            Verdict::Ok(mut parts) => {
                parts.json_key = KEY_AFTER
                    .captures(&text[m.end()..])
                    .and_then(|c| c.get(1).or(c.get(2)).or(c.get(3)))
                    .map(|k| k.as_str().to_string());
                Verdict::Ok(parts)
            }
            other => other,
        };
        out.push(Reference { line: line(m.start()), text: arn.to_string(), verdict });
    }
    for c in NOTE.captures_iter(text) {
        let name = c.get(1).expect("group 1");
        let parts = SecretRefParts {
            secret_id: name.as_str().to_string(),
            json_key: c.get(2).map(|k| k.as_str().to_string()),
            version_stage: None,
            version_id: None,
        };
        out.push(Reference { line: line(name.start()), text: name.as_str().to_string(), verdict: Verdict::Ok(parts) });
    }
    out.sort_by_key(|r| r.line);
    out
}

/// Every UTF-8 text file of the repository but documentation (`.gitignore` respected; `.git`,
/// `.hoist`, `node_modules`, `.terraform` skipped; hidden files such as `.env` included), by path.
pub fn text_files(root: &Path) -> Vec<(PathBuf, String)> {
    // Documentation quotes example ARNs; hoist writes no reference there.
    crate::rewrite::deploy::repo::text_files_where(root, MAX_FILE, |ext| {
        !matches!(ext, "md" | "markdown" | "rst" | "adoc" | "txt" | "html")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const ARN: &str = "arn:aws:secretsmanager:us-east-1:123456789012:secret:app/db-AbCdEf";

    fn parts(r: &Reference) -> (&str, Option<&str>) {
        match &r.verdict {
            Verdict::Ok(p) => (p.secret_id.as_str(), p.json_key.as_deref()),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn finds_every_reference_hoist_writes() {
        let text = format!(
            "pw = hoist_secrets.get(\"{ARN}\", \"password\", env=\"DB_PASSWORD\")\n\
             const t = await hoistSecret('{ARN}', 'token');\n\
             \x20       key: \"{ARN}\"\n        property: api-token\n\
             # hoist: the default moved to AWS Secrets Manager ({ARN}, key pw); set TF_VAR_pw\n\
             # API_KEY: moved to AWS Secrets Manager (secret app/api, key api_key); set by the deployment\n\
             # TOKEN: moved to AWS Secrets Manager (secret app/tok); set by the deployment\n\
             url = \"arn:aws:secretsmanager:us-east-1:ACCOUNT:secret:app/x-??????\"\n"
        );
        let found = find(&text, &[]);
        let got: Vec<(&str, Option<&str>)> = found.iter().take(6).map(parts).collect();
        assert_eq!(
            got,
            [
                (ARN, Some("password")),
                (ARN, Some("token")),
                (ARN, Some("api-token")),
                (ARN, Some("pw")),
                ("app/api", Some("api_key")),
                ("app/tok", None)
            ]
        );
        assert!(matches!(&found[6].verdict, Verdict::Bad(m) if m.contains("account") || m.contains("placeholder")));
        assert_eq!(found[6].line, 8);
    }

    #[test]
    fn value_from_references_are_not_counted_twice() {
        let text = format!("{{\"valueFrom\": \"{ARN}:password::\"}}\n");
        let already = crate::rewrite::deploy::refs::find(&text);
        assert_eq!(already.len(), 1);
        assert!(find(&text, &already).is_empty());
    }
}
