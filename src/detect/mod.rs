//! Language-aware detection: credential-named literals, connection strings, config values that
//! belong with a credential, and deployment-file environment entries, found with tree-sitter and
//! line grammars where a provider regex can't judge.

pub mod config;
pub mod dsn;
pub mod judge;

use crate::format::FileFormat;
use crate::model::Detection;
use std::path::Path;

/// Detects credentials and their config companions in one UTF-8 file.
/// `rel` is the path relative to the scanned root.
pub fn analyze(rel: &Path, format: FileFormat, text: &str) -> Vec<Detection> {
    if config::handles(format) {
        return config::analyze(rel, format, text);
    }
    Vec::new()
}
