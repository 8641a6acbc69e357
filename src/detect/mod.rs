//! Language-aware detection: credential-named literals, connection strings, config values that
//! belong with a credential, and deployment-file environment entries, found with tree-sitter and
//! line grammars where a provider regex can't judge. `analyze` dispatches on the file format.

pub mod config;
pub mod dsn;
pub mod group;
pub mod judge;
pub mod lang;

use crate::format::FileFormat;
use crate::model::Detection;
use std::path::Path;

/// Detects credentials and their config companions in one UTF-8 file.
/// `rel` is the path relative to the scanned root.
pub fn analyze(rel: &Path, format: FileFormat, text: &str) -> Vec<Detection> {
    match format {
        FileFormat::Python
        | FileFormat::JavaScript
        | FileFormat::TypeScript
        | FileFormat::Tsx
        | FileFormat::Go
        | FileFormat::Java
        | FileFormat::Ruby
        | FileFormat::Php
        | FileFormat::Shell => lang::analyze(format, text),
        FileFormat::Kotlin | FileFormat::CSharp | FileFormat::Text => Vec::new(),
        _ => config::analyze(rel, format, text),
    }
}

/// The line detectors alone (`key: value`, `KEY=value`, `"key": "value"` lines), for a file the
/// language-aware detectors pass over (over the work budget, generated, minified).
pub fn lines_only(text: &str) -> Vec<Detection> {
    config::lines_only(text)
}
