//! Secrets Manager references in deployment files: ECS `valueFrom` and CloudFormation
//! `{{resolve:secretsmanager:…}}`. Finding them in any text, and checking their format the way
//! ECS and CloudFormation will (ECS only fails when a task starts).

use once_cell::sync::Lazy;
use regex::Regex;

/// Which kind of reference.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RefKind {
    /// ECS `valueFrom` / CloudFormation `ValueFrom`.
    ValueFrom,
    /// A CloudFormation dynamic reference.
    Resolve,
}

/// A reference found in a file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Found {
    /// Kind.
    pub kind: RefKind,
    /// The reference text (the `valueFrom` value, or the whole `{{resolve:…}}`).
    pub text: String,
    /// Byte offset in the file.
    pub offset: usize,
    /// 1-based line.
    pub line: usize,
}

/// A parsed Secrets Manager reference.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct SecretRefParts {
    /// The secret id: a full ARN (possibly the `-??????` placeholder) or, for `resolve`, a name.
    pub secret_id: String,
    /// JSON key, when one is selected.
    pub json_key: Option<String>,
    /// Version stage, when one is selected.
    pub version_stage: Option<String>,
    /// Version id, when one is selected.
    pub version_id: Option<String>,
}

/// What a reference's text turned out to be.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// A well-formed Secrets Manager reference.
    Ok(SecretRefParts),
    /// Not a Secrets Manager literal (SSM parameter, an expression, an interpolation): not checked.
    NotChecked(String),
    /// A malformed Secrets Manager reference, with what is wrong.
    Bad(String),
}

static VALUE_FROM: Lazy<Regex> = Lazy::new(|| {
    Regex::new(r#"(?:"valueFrom"|"ValueFrom"|\bvalueFrom\b|\bValueFrom\b|\bvalue_from\b)\s*[:=]\s*(?:!Sub\s+)?("(?:[^"\\\n]|\\.)*"|'[^'\n]*'|[^\s,}\]#]+)"#)
        .expect("valid regex")
});
static RESOLVE: Lazy<Regex> = Lazy::new(|| Regex::new(r"\{\{resolve:secretsmanager:[^}\s]*\}\}").expect("valid regex"));
static REGION: Lazy<Regex> = Lazy::new(|| Regex::new(r"^[a-z]{2}(-[a-z]+)+-\d+$").expect("valid regex"));
static ACCOUNT: Lazy<Regex> = Lazy::new(|| Regex::new(r"^\d{12}$").expect("valid regex"));
static NAME: Lazy<Regex> = Lazy::new(|| Regex::new(r"^[A-Za-z0-9/_+=.@-]{1,512}$").expect("valid regex"));
static SUFFIX: Lazy<Regex> = Lazy::new(|| Regex::new(r"-[A-Za-z0-9]{6}$").expect("valid regex"));

/// Every reference in `text`.
pub fn find(text: &str) -> Vec<Found> {
    let line = |off: usize| text[..off].bytes().filter(|b| *b == b'\n').count() + 1;
    let mut out: Vec<Found> = Vec::new();
    for c in VALUE_FROM.captures_iter(text) {
        let m = c.get(1).expect("group 1");
        let raw = m.as_str();
        // `valueFrom:` opening a Kubernetes `secretKeyRef:` block is not a reference.
        if !raw.starts_with(['"', '\'']) && raw.ends_with(':') {
            continue;
        }
        let value = if raw.starts_with('"') {
            serde_json::from_str::<String>(raw).unwrap_or_else(|_| raw.trim_matches('"').to_string())
        } else if raw.starts_with('\'') {
            raw.trim_matches('\'').replace("''", "'")
        } else {
            raw.to_string()
        };
        out.push(Found { kind: RefKind::ValueFrom, text: value, offset: m.start(), line: line(m.start()) });
    }
    for m in RESOLVE.find_iter(text) {
        out.push(Found {
            kind: RefKind::Resolve,
            text: m.as_str().to_string(),
            offset: m.start(),
            line: line(m.start()),
        });
    }
    out.sort_by_key(|f| f.offset);
    out
}

/// Checks one reference.
pub fn verdict(f: &Found) -> Verdict {
    match f.kind {
        RefKind::ValueFrom => value_from(&f.text),
        RefKind::Resolve => resolve(&f.text),
    }
}

fn is_expression(s: &str) -> bool {
    s.contains("${")
        || s.starts_with('!')
        || s.starts_with('{')
        || !s.contains(':') && s.contains('.') && !s.contains('/')
}

/// CloudFormation pseudo parameters replaced by well-formed stand-ins, so a `!Sub` ARN can be
/// checked for everything but the account and region it will get.
fn substitute_pseudo(v: &str) -> String {
    v.replace("${AWS::Region}", "us-east-1")
        .replace("${AWS::AccountId}", "123456789012")
        .replace("${AWS::Partition}", "aws")
}

/// Checks an ECS `valueFrom`: `ARN`, or `ARN:json-key:version-stage:version-id`.
pub fn value_from(v: &str) -> Verdict {
    let v = &substitute_pseudo(v);
    if is_expression(v) {
        return Verdict::NotChecked("an expression, not a literal".into());
    }
    if !v.starts_with("arn:") {
        return Verdict::NotChecked("not an ARN (an SSM parameter name?)".into());
    }
    let parts: Vec<&str> = v.split(':').collect();
    if parts.get(2) != Some(&"secretsmanager") {
        return Verdict::NotChecked(format!("a {} ARN", parts.get(2).unwrap_or(&"?")));
    }
    if parts.len() < 7 {
        return Verdict::Bad(
            "truncated ARN: expected arn:PARTITION:secretsmanager:REGION:ACCOUNT:secret:NAME-XXXXXX".into(),
        );
    }
    if let Err(e) = check_arn(&parts[..7]) {
        return Verdict::Bad(e);
    }
    let secret_id = parts[..7].join(":");
    match parts.len() {
        7 => Verdict::Ok(SecretRefParts { secret_id, json_key: None, version_stage: None, version_id: None }),
        10 => fields(secret_id, parts[7], parts[8], parts[9]),
        n => Verdict::Bad(format!(
            "after the ARN ECS expects exactly three fields `:json-key:version-stage:version-id` (e.g. `:password::`, with both trailing colons); found {}",
            n - 7
        )),
    }
}

fn fields(secret_id: String, key: &str, stage: &str, version: &str) -> Verdict {
    if !stage.is_empty() && !version.is_empty() {
        return Verdict::Bad("set either the version stage or the version id, not both".into());
    }
    if !version.is_empty() && !(32..=64).contains(&version.len()) {
        return Verdict::Bad(format!(
            "version id has {} characters; Secrets Manager version ids have 32 to 64",
            version.len()
        ));
    }
    let opt = |s: &str| (!s.is_empty()).then(|| s.to_string());
    Verdict::Ok(SecretRefParts { secret_id, json_key: opt(key), version_stage: opt(stage), version_id: opt(version) })
}

/// Checks the seven fields of a secret ARN.
fn check_arn(p: &[&str]) -> Result<(), String> {
    if !matches!(p[1], "aws" | "aws-cn" | "aws-us-gov" | "aws-iso" | "aws-iso-b") {
        return Err(format!("unknown partition {:?}", p[1]));
    }
    if !REGION.is_match(p[3]) {
        return Err(format!("region {:?} isn't a region", p[3]));
    }
    if !ACCOUNT.is_match(p[4]) {
        return Err(format!("account {:?} isn't a 12-digit account id", p[4]));
    }
    if p[5] != "secret" {
        return Err(format!("resource type {:?} should be `secret`", p[5]));
    }
    let name = p[6];
    if name.ends_with("-??????") {
        return Err(
            "the ARN ends in the `-??????` placeholder: upload the secret and run apply again so the real ARN is used"
                .into(),
        );
    }
    if !NAME.is_match(name) {
        return Err(format!("secret name {name:?} has characters Secrets Manager doesn't allow"));
    }
    if !SUFFIX.is_match(name) {
        return Err(
            "partial ARN: the name lacks the 6-character suffix Secrets Manager adds (`-AbCdEf`); use the full ARN"
                .into(),
        );
    }
    Ok(())
}

/// Checks `{{resolve:secretsmanager:secret-id:SecretString:json-key:version-stage:version-id}}`.
pub fn resolve(r: &str) -> Verdict {
    let r = &substitute_pseudo(r);
    let body = r.trim_start_matches("{{resolve:secretsmanager:").trim_end_matches("}}");
    if body.contains("${") {
        return Verdict::NotChecked("holds a !Sub interpolation".into());
    }
    let parts: Vec<&str> = body.split(':').collect();
    let (secret_id, rest) = if body.starts_with("arn:") {
        if parts.len() < 7 {
            return Verdict::Bad("truncated ARN in the dynamic reference".into());
        }
        if let Err(e) = check_arn(&parts[..7]) {
            return Verdict::Bad(e);
        }
        (parts[..7].join(":"), &parts[7..])
    } else {
        if parts[0].is_empty() || !NAME.is_match(parts[0]) {
            return Verdict::Bad(format!("secret id {:?} isn't a valid name or ARN", parts[0]));
        }
        (parts[0].to_string(), &parts[1..])
    };
    if rest.is_empty() {
        return Verdict::Ok(SecretRefParts { secret_id, json_key: None, version_stage: None, version_id: None });
    }
    if rest[0] != "SecretString" {
        return Verdict::Bad(format!("expected `SecretString` after the secret id, found {:?}", rest[0]));
    }
    if rest.len() > 4 {
        return Verdict::Bad("too many fields: SecretString:json-key:version-stage:version-id at most".into());
    }
    let get = |i: usize| rest.get(i).copied().unwrap_or("");
    fields(secret_id, get(1), get(2), get(3))
}

/// The secret's ARN (without key/stage/version fields) from a `valueFrom`, when it is a
/// Secrets Manager ARN — including the `-??????` placeholder, which policies may use.
pub fn secret_arn_of(value_from: &str) -> Option<String> {
    let parts: Vec<&str> = value_from.split(':').collect();
    (parts.len() >= 7 && parts[0] == "arn" && parts[2] == "secretsmanager" && parts[5] == "secret")
        .then(|| parts[..7].join(":"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const ARN: &str = "arn:aws:secretsmanager:us-east-1:123456789012:secret:app/prod/db-AbCdEf";

    fn bad(v: Verdict) -> String {
        match v {
            Verdict::Bad(m) => m,
            other => panic!("expected Bad, got {other:?}"),
        }
    }

    #[test]
    fn value_from_forms() {
        assert!(matches!(value_from(ARN), Verdict::Ok(SecretRefParts { json_key: None, .. })));
        let Verdict::Ok(p) = value_from(&format!("{ARN}:password::")) else { panic!() };
        assert_eq!(p.json_key.as_deref(), Some("password"));
        assert_eq!(p.secret_id, ARN);
        let Verdict::Ok(p) = value_from(&format!("{ARN}::AWSPREVIOUS:")) else { panic!() };
        assert_eq!(p.version_stage.as_deref(), Some("AWSPREVIOUS"));
        assert!(bad(value_from(&format!("{ARN}:password"))).contains("three fields"));
        assert!(bad(value_from(&format!("{ARN}:password:"))).contains("three fields"));
        assert!(
            bad(value_from("arn:aws:secretsmanager:us-east-1:123456789012:secret:app/prod/db:password::"))
                .contains("partial ARN")
        );
        assert!(
            bad(value_from("arn:aws:secretsmanager:us-east-1:123456789012:secret:app/prod/db-??????:k::"))
                .contains("placeholder")
        );
        assert!(bad(value_from("arn:aws:secretsmanager:us-east-1:1234:secret:x-AbCdEf")).contains("account"));
        assert!(bad(value_from(&format!("{ARN}:k:AWSCURRENT:0123456789abcdef0123456789abcdef"))).contains("not both"));
        assert!(matches!(value_from("arn:aws:ssm:us-east-1:123456789012:parameter/db/pw"), Verdict::NotChecked(_)));
        assert!(matches!(value_from("/db/password"), Verdict::NotChecked(_)));
        assert!(matches!(value_from("aws_secretsmanager_secret.db.arn"), Verdict::NotChecked(_)));
    }

    #[test]
    fn resolve_forms() {
        assert!(matches!(
            resolve(&format!("{{{{resolve:secretsmanager:{ARN}:SecretString:password}}}}")),
            Verdict::Ok(_)
        ));
        assert!(matches!(resolve("{{resolve:secretsmanager:MySecret}}"), Verdict::Ok(_)));
        assert!(matches!(resolve("{{resolve:secretsmanager:MySecret:SecretString:password::}}"), Verdict::Ok(_)));
        assert!(bad(resolve("{{resolve:secretsmanager:MySecret:password}}")).contains("SecretString"));
        assert!(matches!(
            resolve("{{resolve:secretsmanager:${Env}/db:SecretString:password}}"),
            Verdict::NotChecked(_)
        ));
    }

    #[test]
    fn finds_references_in_every_syntax() {
        let text = format!(
            "{{\"valueFrom\": \"{ARN}:k::\"}}\n  ValueFrom: '{ARN}'\n  valueFrom = \"{ARN}\"\n  ValueFrom: !Ref P\n  X: '{{{{resolve:secretsmanager:{ARN}:SecretString:k}}}}'\n"
        );
        let f = find(&text);
        assert_eq!(f.len(), 5);
        assert_eq!(f[0].text, format!("{ARN}:k::"));
        assert_eq!(f[1].text, ARN);
        assert_eq!(f[2].line, 3);
        assert_eq!(f[3].text, "!Ref");
        assert_eq!(f[4].kind, RefKind::Resolve);
        let sub = find(
            "ValueFrom: !Sub 'arn:${AWS::Partition}:secretsmanager:${AWS::Region}:${AWS::AccountId}:secret:db-AbCdEf:password'\n",
        );
        assert!(bad(verdict(&sub[0])).contains("three fields"));
        let sub = find(
            "ValueFrom: !Sub 'arn:aws:secretsmanager:${AWS::Region}:${AWS::AccountId}:secret:${Env}/db-AbCdEf:password::'\n",
        );
        assert!(matches!(verdict(&sub[0]), Verdict::NotChecked(_)));
        assert!(find("env:\n  - name: A\n    valueFrom:\n      secretKeyRef:\n        name: s\n").is_empty());
        assert_eq!(secret_arn_of(&f[0].text).as_deref(), Some(ARN));
    }
}
