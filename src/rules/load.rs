//! Loading rule files: the built-in ones embedded from `patterns/` at compile time, and users' own.

use super::{Rule, RuleError};
use crate::model::Kind;
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

/// Every built-in rule, in file order: the ones build.rs parsed, or (when it couldn't) the files
/// parsed now, so a malformed file is reported by name.
pub fn builtin_rules() -> Result<Vec<Rule>, RuleError> {
    if PREBUILT_OK {
        return Ok(prebuilt_rules());
    }
    parse_builtin_files()
}

/// The embedded rule files parsed at run time (what build.rs must reproduce).
fn parse_builtin_files() -> Result<Vec<Rule>, RuleError> {
    let mut all = Vec::new();
    for (name, text) in BUILTIN_RULE_FILES {
        all.extend(RuleFile::parse(&format!("patterns/{name}"), text)?);
    }
    Ok(all)
}

#[cfg(test)]
mod tests {
    #[test]
    fn rules_prebuilt_by_build_rs_equal_the_parsed_files() {
        let parsed = super::parse_builtin_files().unwrap();
        let prebuilt = super::prebuilt_rules();
        // (Empty when build.rs could not prebuild a file.)
        assert_eq!(prebuilt.len(), parsed.len(), "build.rs could not prebuild patterns/");
        for (a, b) in prebuilt.iter().zip(&parsed) {
            assert_eq!(a, b);
            assert_eq!(a.source, b.source);
        }
    }
}
