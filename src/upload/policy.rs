//! Resource policies: a least-privilege one built from `--allow-principal` ARNs, or the user's own
//! file, checked to be a JSON policy document before anything is sent.

/// Why a policy is refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum PolicyError {
    /// A principal that is not an ARN or account id.
    #[error(
        "--allow-principal {0:?}: expected an IAM ARN (arn:aws:iam::123456789012:role/name) or a 12-digit account id"
    )]
    Principal(String),
    /// Not a JSON object with `Statement`.
    #[error("resource policy is not a JSON policy document: {0}")]
    Document(String),
    /// Both a file and principals.
    #[error("use either --resource-policy or --allow-principal, not both")]
    Both,
}

/// A policy allowing exactly these principals to read the secret's value (the resource is the
/// secret the policy is attached to, hence `*`).
pub fn allow_principals(principals: &[String]) -> Result<String, PolicyError> {
    for p in principals {
        let account = p.len() == 12 && p.bytes().all(|b| b.is_ascii_digit());
        let arn = p.starts_with("arn:") && p.split(':').count() >= 6 && !p.contains(char::is_whitespace);
        if !(account || arn) {
            return Err(PolicyError::Principal(p.clone()));
        }
    }
    let doc = serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "HoistAllowGetSecretValue",
            "Effect": "Allow",
            "Principal": {"AWS": principals},
            "Action": "secretsmanager:GetSecretValue",
            "Resource": "*"
        }]
    });
    Ok(doc.to_string())
}

/// Checks a user-supplied policy document and returns it compacted.
pub fn check_document(text: &str) -> Result<String, PolicyError> {
    let v: serde_json::Value = serde_json::from_str(text).map_err(|e| PolicyError::Document(e.to_string()))?;
    if !v.is_object() || v.get("Statement").is_none() {
        return Err(PolicyError::Document("expected an object with a `Statement`".into()));
    }
    Ok(v.to_string())
}

/// The policy to attach, from the two mutually exclusive options.
pub fn resolve(file_text: Option<&str>, principals: &[String]) -> Result<Option<String>, PolicyError> {
    match (file_text, principals.is_empty()) {
        (Some(_), false) => Err(PolicyError::Both),
        (Some(t), true) => check_document(t).map(Some),
        (None, false) => allow_principals(principals).map(Some),
        (None, true) => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn least_privilege_policy() {
        let p = allow_principals(&["arn:aws:iam::123456789012:role/app".into()]).unwrap();
        let v: serde_json::Value = serde_json::from_str(&p).unwrap();
        assert_eq!(v["Statement"][0]["Action"], "secretsmanager:GetSecretValue");
        assert_eq!(v["Statement"][0]["Principal"]["AWS"][0], "arn:aws:iam::123456789012:role/app");
        assert_eq!(v["Statement"].as_array().unwrap().len(), 1);
        assert!(allow_principals(&["123456789012".into()]).is_ok());
        assert!(matches!(allow_principals(&["bob".into()]), Err(PolicyError::Principal(_))));
    }

    #[test]
    fn documents_and_exclusivity() {
        assert!(check_document("{\"Version\":\"2012-10-17\",\"Statement\":[]}").is_ok());
        assert!(check_document("[1]").is_err());
        assert!(check_document("not json").is_err());
        assert_eq!(resolve(Some("{}"), &["123456789012".into()]), Err(PolicyError::Both));
        assert_eq!(resolve(None, &[]), Ok(None));
    }
}
