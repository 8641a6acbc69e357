//! Loading rule files: the built-in ones embedded from `patterns/` at compile time, and users' own.

use super::{Rule, RuleError};
use serde::Deserialize;

include!(concat!(env!("OUT_DIR"), "/builtin_rules.rs"));

/// The top-level shape of a rule file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleFile {
    /// The rules.
    pub rules: Vec<Rule>,
}

impl RuleFile {
    /// Parses one rule file's text, stamping each rule with `source`.
    pub fn parse(source: &str, text: &str) -> Result<Vec<Rule>, RuleError> {
        let file: RuleFile = serde_yaml::from_str(text)
            .map_err(|e| RuleError::Parse { file: source.to_string(), message: e.to_string() })?;
        Ok(file
            .rules
            .into_iter()
            .map(|mut r| {
                r.source = source.to_string();
                r
            })
            .collect())
    }
}

/// Every built-in rule, in file order.
pub fn builtin_rules() -> Result<Vec<Rule>, RuleError> {
    let mut all = Vec::new();
    for (name, text) in BUILTIN_RULE_FILES {
        all.extend(RuleFile::parse(&format!("patterns/{name}"), text)?);
    }
    Ok(all)
}
