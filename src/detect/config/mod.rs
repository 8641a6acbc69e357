//! Config and deployment formats (YAML, JSON, HCL, XML, .env, properties…). Owned by the detectcfg
//! work; this minimal entry point keeps the dispatcher building until it lands.

use crate::format::FileFormat;
use crate::model::Detection;
use std::path::Path;

/// Detects credentials and their config companions in one config or deployment file.
pub fn analyze(rel: &Path, format: FileFormat, text: &str) -> Vec<Detection> {
    let _ = (rel, format, text);
    Vec::new()
}
