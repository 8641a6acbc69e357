//! Reading and writing plan files: the version is checked before the rest, unknown fields are
//! errors, and writes are atomic (temp file + rename) so a crash never leaves half a plan.

use super::validate::PlanError;
use crate::model::Plan;
use crate::model::plan::PLAN_VERSION;
use std::io::Write;
use std::path::Path;

/// The comment at the top of every plan file.
pub const PLAN_HEADER: &str = "\
# hoist migration plan: review and edit, then `hoist diff` and `hoist apply`.
# No secret values are stored here, only keyed fingerprints (HMAC with the salt below).
# Edit freely: secret names, keys, tags, kms_key_id, and per site `strategy` (env, sdk, manual,
# skip) and `env_var`. Re-running `hoist plan` keeps these edits for sites that still exist.
# Check it with `hoist plan --check .hoist/plan.yaml`.
";

/// Reads a plan file (see [`parse_plan`]).
pub fn load_plan(path: &Path) -> Result<Plan, PlanError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| PlanError::Io { path: path.display().to_string(), message: format!("cannot read: {e}") })?;
    parse_plan(&text, &path.display().to_string())
}

/// Parses plan text; `origin` names it in errors. The version is checked first so an old or new
/// format gets a version message, not a confusing field error.
pub fn parse_plan(text: &str, origin: &str) -> Result<Plan, PlanError> {
    let parse = |e: serde_yaml::Error| PlanError::Parse { path: origin.into(), message: e.to_string() };
    let raw: serde_yaml::Value = serde_yaml::from_str(text).map_err(parse)?;
    let version = raw.get("version").ok_or_else(|| PlanError::Parse {
        path: origin.into(),
        message: "missing field `version` (is this a hoist plan?)".into(),
    })?;
    if version.as_u64() != Some(u64::from(PLAN_VERSION)) {
        let found = serde_yaml::to_string(version).unwrap_or_default().trim().to_string();
        return Err(PlanError::Version { found, supported: PLAN_VERSION });
    }
    serde_yaml::from_str(text).map_err(parse)
}

/// The plan as YAML text, with the explanatory header.
pub fn to_yaml(plan: &Plan) -> String {
    let body = serde_yaml::to_string(plan).expect("a plan always serialises");
    format!("{PLAN_HEADER}{body}")
}

/// Writes a plan atomically (temp file in the same folder, then rename), creating the folder.
pub fn write_plan(path: &Path, plan: &Plan) -> Result<(), PlanError> {
    let io =
        |e: std::io::Error| PlanError::Io { path: path.display().to_string(), message: format!("cannot write: {e}") };
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    crate::paths::check_hoist_file(path).map_err(|e| io(std::io::Error::other(e)))?;
    std::fs::create_dir_all(dir).map_err(io)?;
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(io)?;
    tmp.write_all(to_yaml(plan).as_bytes()).map_err(io)?;
    tmp.as_file().sync_all().map_err(io)?;
    tmp.persist(path).map_err(|e| io(e.error))?;
    Ok(())
}
