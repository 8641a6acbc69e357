//! The SDK a generated `sdk` helper imports, added to the project's dependency manifest: the
//! nearest `requirements.txt`/`pyproject.toml`, `package.json`, `go.mod`, `pom.xml`/`build.gradle`,
//! `Gemfile` or `composer.json` above the helper. Only when the dependency is missing (a second
//! apply adds nothing), as a small text edit that keeps the rest of the file byte for byte, and
//! only when the result still parses; otherwise a note for "Still to do" says what to add.

mod jvm;

use super::HelperNeed;
use super::changes::{Change, Changes, SiteCheck, SiteState};
use super::lang::Lang;
use crate::format::FileFormat;
use crate::model::Strategy;
use jvm::{gradle, pom};
use std::path::{Path, PathBuf};

/// A package ecosystem whose SDK a helper needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Ecosystem {
    /// boto3.
    Python,
    /// `@aws-sdk/client-secrets-manager`.
    Node,
    /// aws-sdk-go-v2.
    Go,
    /// AWS SDK for Java v2.
    Java,
    /// aws-sdk-secretsmanager.
    Ruby,
    /// aws/aws-sdk-php.
    Php,
}

/// Versions written into manifests (the newest each registry served when this was written; the
/// Go modules need Go 1.22 or newer).
const BOTO3: &str = "boto3>=1.34";
const NODE_SDK: (&str, &str) = ("@aws-sdk/client-secrets-manager", "^3.0.0");
const GO_MODULES: &[(&str, &str)] = &[
    ("github.com/aws/aws-sdk-go-v2", "v1.48.0"),
    ("github.com/aws/aws-sdk-go-v2/config", "v1.33.18"),
    ("github.com/aws/aws-sdk-go-v2/service/secretsmanager", "v1.50.12"),
];
const JAVA_SDK: (&str, &str, &str) = ("software.amazon.awssdk", "secretsmanager", "2.57.8");
const RUBY_GEM: &str = "gem \"aws-sdk-secretsmanager\", \"~> 1\"";
const PHP_SDK: (&str, &str) = ("aws/aws-sdk-php", "^3.0");

impl Ecosystem {
    /// The ecosystem of a source file read as `format` (its sites' `format`: a sniffed script's
    /// too), when hoist writes an sdk helper for its language.
    pub fn of_format(format: FileFormat) -> Option<Ecosystem> {
        Some(match Lang::of(format)? {
            Lang::Python => Ecosystem::Python,
            Lang::JavaScript | Lang::TypeScript | Lang::Tsx => Ecosystem::Node,
            Lang::Go => Ecosystem::Go,
            Lang::Java => Ecosystem::Java,
            Lang::Ruby => Ecosystem::Ruby,
            Lang::Php => Ecosystem::Php,
            Lang::Shell => return None,
        })
    }

    /// The ecosystem of a generated helper.
    pub fn of_helper(need: &HelperNeed) -> Ecosystem {
        match need {
            HelperNeed::PythonSdk { .. } => Ecosystem::Python,
            HelperNeed::JsSdk { .. } | HelperNeed::TsSdk { .. } => Ecosystem::Node,
            HelperNeed::GoSdk { .. } => Ecosystem::Go,
            HelperNeed::JavaSdk { .. } => Ecosystem::Java,
            HelperNeed::RubySdk { .. } => Ecosystem::Ruby,
            HelperNeed::PhpSdk { .. } => Ecosystem::Php,
        }
    }

    /// Manifest file names, most specific first.
    fn manifests(self) -> &'static [&'static str] {
        match self {
            Ecosystem::Python => &["requirements.txt", "pyproject.toml"],
            Ecosystem::Node => &["package.json"],
            Ecosystem::Go => &["go.mod"],
            Ecosystem::Java => &["pom.xml", "build.gradle.kts", "build.gradle"],
            Ecosystem::Ruby => &["Gemfile"],
            Ecosystem::Php => &["composer.json"],
        }
    }

    /// The dependency in words, for a note.
    pub fn dependency(self) -> String {
        match self {
            Ecosystem::Python => format!("`{BOTO3}`"),
            Ecosystem::Node => format!("`{}@{}`", NODE_SDK.0, NODE_SDK.1),
            Ecosystem::Go => GO_MODULES.iter().map(|(m, v)| format!("`{m} {v}`")).collect::<Vec<_>>().join(", "),
            Ecosystem::Java => format!("`{}:{}:{}`", JAVA_SDK.0, JAVA_SDK.1, JAVA_SDK.2),
            Ecosystem::Ruby => format!("`{RUBY_GEM}`"),
            Ecosystem::Php => format!("`{}:{}`", PHP_SDK.0, PHP_SDK.1),
        }
    }

    /// What to run after the manifest changed, when a lock file sits beside it.
    fn lock_step(self, manifest: &Path, exists: &dyn Fn(&Path) -> bool) -> Option<&'static str> {
        let dir = manifest.parent().unwrap_or(Path::new(""));
        let (lock, cmd) = match self {
            Ecosystem::Go => return Some("run `go mod tidy` (go.sum needs the new modules' checksums)"),
            Ecosystem::Node => ("package-lock.json", "run `npm install` to update the lock file"),
            Ecosystem::Ruby => ("Gemfile.lock", "run `bundle install` to update Gemfile.lock"),
            Ecosystem::Php => ("composer.lock", "run `composer update aws/aws-sdk-php` to update composer.lock"),
            Ecosystem::Python => ("poetry.lock", "run `poetry lock` to update poetry.lock"),
            Ecosystem::Java => return None,
        };
        exists(&dir.join(lock)).then_some(cmd)
    }
}

/// One manifest edit: the file and its new text.
#[derive(Debug, PartialEq, Eq)]
pub struct ManifestEdit {
    /// Repository-relative manifest path.
    pub path: PathBuf,
    /// The ecosystem whose SDK was added.
    pub ecosystem: Ecosystem,
    /// New text.
    pub new: String,
}

/// The manifest edits that give every `(ecosystem, dir)` its SDK, and notes for what can't be
/// edited. `read` returns a repository file's current text (`None` when it doesn't exist).
pub fn add_dependencies(
    needs: &[(Ecosystem, PathBuf)],
    read: &dyn Fn(&Path) -> Option<String>,
) -> (Vec<ManifestEdit>, Vec<String>) {
    let mut edits: Vec<ManifestEdit> = Vec::new();
    let mut notes = Vec::new();
    let mut seen: Vec<(Ecosystem, Option<PathBuf>)> = Vec::new();
    for (eco, dir) in needs {
        let manifest = nearest(*eco, dir, read);
        if seen.contains(&(*eco, manifest.clone())) {
            continue;
        }
        seen.push((*eco, manifest.clone()));
        let Some(path) = manifest else {
            notes.push(format!(
                "Add {} to the dependencies of the code in {} (no {} found above it).",
                eco.dependency(),
                shown(dir),
                eco.manifests().join(" or ")
            ));
            continue;
        };
        let text = match edits.iter().find(|e| e.path == path) {
            Some(e) => e.new.clone(),
            None => read(&path).unwrap_or_default(),
        };
        match edit(*eco, &path, &text) {
            Ok(None) => {}
            Ok(Some(new)) => {
                if let Some(step) = eco.lock_step(&path, &|p| read(p).is_some()) {
                    notes.push(format!("{}: hoist added {}; {step}.", path.display(), eco.dependency()));
                }
                edits.retain(|e| e.path != path);
                edits.push(ManifestEdit { path, ecosystem: *eco, new });
            }
            Err(why) => notes.push(format!("Add {} to {} by hand ({why}).", eco.dependency(), path.display())),
        }
    }
    edits.sort_by(|a, b| a.path.cmp(&b.path));
    (edits, notes)
}

fn shown(dir: &Path) -> String {
    if dir.as_os_str().is_empty() { "the repository root".into() } else { format!("{}/", dir.display()) }
}

/// The nearest manifest of `eco` in `dir` or above it (up to the repository root).
fn nearest(eco: Ecosystem, dir: &Path, read: &dyn Fn(&Path) -> Option<String>) -> Option<PathBuf> {
    let mut cur = Some(dir);
    while let Some(d) = cur {
        for name in eco.manifests() {
            let p = d.join(name);
            if read(&p).is_some() {
                return Some(p);
            }
        }
        cur = d.parent();
    }
    None
}

/// `Ok(None)`: the manifest already has the dependency; `Ok(Some(text))`: the edited manifest;
/// `Err`: why hoist won't edit it.
pub fn edit(eco: Ecosystem, path: &Path, text: &str) -> Result<Option<String>, String> {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    match (eco, name) {
        (Ecosystem::Python, "requirements.txt") => Ok(requirements(text)),
        (Ecosystem::Python, _) => pyproject(text),
        (Ecosystem::Node, _) => json_dependency(text, &["dependencies", "devDependencies"], "dependencies", NODE_SDK),
        (Ecosystem::Php, _) => json_dependency(text, &["require", "require-dev"], "require", PHP_SDK),
        (Ecosystem::Go, _) => Ok(go_mod(text)),
        (Ecosystem::Java, "pom.xml") => pom(text),
        (Ecosystem::Java, _) => gradle(text, name.ends_with(".kts")),
        (Ecosystem::Ruby, _) => Ok(gemfile(text)),
    }
}

fn with_newline(text: &str) -> String {
    if text.is_empty() || text.ends_with('\n') { text.to_string() } else { format!("{text}\n") }
}

fn requirements(text: &str) -> Option<String> {
    let has = text.lines().any(|l| {
        let name: String =
            l.trim().chars().take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')).collect();
        name.eq_ignore_ascii_case("boto3")
    });
    (!has).then(|| format!("{}{BOTO3}\n", with_newline(text)))
}

fn pyproject(text: &str) -> Result<Option<String>, String> {
    let doc: toml::Table = text.parse().map_err(|_| "it does not parse as TOML".to_string())?;
    let project_deps = doc.get("project").and_then(|p| p.get("dependencies")).and_then(|d| d.as_array());
    let poetry = doc.get("tool").and_then(|t| t.get("poetry")).and_then(|p| p.get("dependencies"));
    let has_project =
        project_deps.is_some_and(|a| a.iter().filter_map(|v| v.as_str()).any(|s| requirements(s).is_none()));
    if has_project || poetry.and_then(|p| p.get("boto3")).is_some() {
        return Ok(None);
    }
    let new = if project_deps.is_some() {
        let header = find_line(text, "[project]").ok_or("no literal [project] table")?;
        let rest = &text[header..];
        let end = rest[1..].find("\n[").map(|p| header + p + 1).unwrap_or(text.len());
        let rel = text[header..end]
            .match_indices("dependencies")
            .find(|(i, _)| text[..header + i].ends_with('\n'))
            .map(|(i, _)| header + i)
            .ok_or("no `dependencies = [` line in [project]")?;
        let open = rel + text[rel..end].find('[').ok_or("dependencies is not an inline array")? + 1;
        let after = &text[open..];
        let insert = if after.starts_with(']') {
            format!("\"{BOTO3}\"")
        } else if after.starts_with('\n') {
            format!("\n    \"{BOTO3}\",")
        } else {
            format!("\"{BOTO3}\", ")
        };
        format!("{}{insert}{}", &text[..open], after)
    } else if poetry.is_some() {
        let header = find_line(text, "[tool.poetry.dependencies]").ok_or("no literal [tool.poetry.dependencies]")?;
        let eol = text[header..].find('\n').map(|p| header + p + 1).ok_or("no line after the table header")?;
        format!("{}boto3 = \"{}\"\n{}", &text[..eol], BOTO3.trim_start_matches("boto3"), &text[eol..])
    } else {
        return Err("no [project] dependencies or [tool.poetry.dependencies] list".into());
    };
    let ok = new.parse::<toml::Table>().is_ok();
    if ok { Ok(Some(new)) } else { Err("the edit would not parse".into()) }
}

/// Offset of the line that is exactly `line` (trimmed).
fn find_line(text: &str, line: &str) -> Option<usize> {
    let mut at = 0;
    for l in text.split_inclusive('\n') {
        if l.trim() == line {
            return Some(at);
        }
        at += l.len();
    }
    None
}

/// Adds `"name": "version"` to the top-level object `key` of a JSON manifest (`package.json`
/// dependencies, `composer.json` require), created when absent; `present` lists the objects that
/// already satisfy it.
fn json_dependency(text: &str, present: &[&str], key: &str, dep: (&str, &str)) -> Result<Option<String>, String> {
    let doc: serde_json::Value = serde_json::from_str(text).map_err(|_| "it does not parse as JSON".to_string())?;
    if !doc.is_object() {
        return Err("it is not a JSON object".into());
    }
    if present.iter().any(|k| doc.get(k).and_then(|d| d.get(dep.0)).is_some()) {
        return Ok(None);
    }
    let indent = json_indent(text);
    let entry = format!("{}: {}", serde_json::to_string(dep.0).unwrap(), serde_json::to_string(dep.1).unwrap());
    let new = match top_level_value(text, key) {
        Some(open) if text.as_bytes().get(open) == Some(&b'{') => {
            let inner = &text[open + 1..];
            let empty = inner.trim_start().starts_with('}');
            let ws: String = inner.chars().take_while(|c| c.is_whitespace()).collect();
            if empty {
                format!("{}{{\n{indent}{indent}{entry}\n{indent}{}", &text[..open], inner.trim_start())
            } else if ws.contains('\n') {
                format!("{}{{{ws}{entry},{}", &text[..open], inner)
            } else {
                format!("{}{{ {entry},{}", &text[..open], inner)
            }
        }
        Some(_) => return Err(format!("`{key}` is not an object")),
        None => {
            let open = text.find('{').ok_or("no top-level object")?;
            let rest = &text[open + 1..];
            let sep = if rest.trim_start().starts_with('}') { "" } else { "," };
            format!("{}{{\n{indent}\"{key}\": {{\n{indent}{indent}{entry}\n{indent}}}{sep}{}", &text[..open], rest)
        }
    };
    let parsed: serde_json::Value = serde_json::from_str(&new).map_err(|_| "the edit would not parse".to_string())?;
    if parsed.get(key).and_then(|d| d.get(dep.0)).is_none() {
        return Err("the edit did not land in the right object".into());
    }
    Ok(Some(new))
}

/// The indentation unit of a JSON file (its first indented line), two spaces by default.
fn json_indent(text: &str) -> String {
    text.lines()
        .skip(1)
        .map(|l| l.chars().take_while(|c| *c == ' ' || *c == '\t').collect::<String>())
        .find(|i| !i.is_empty())
        .unwrap_or_else(|| "  ".into())
}

/// Offset of the value of top-level key `key` in a JSON object (strings and nesting skipped).
fn top_level_value(text: &str, key: &str) -> Option<usize> {
    let b = text.as_bytes();
    let (mut depth, mut i) = (0usize, 0usize);
    while i < b.len() {
        match b[i] {
            b'"' => {
                let start = i;
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
                let s = text.get(start + 1..i.min(b.len()))?;
                i += 1;
                if depth == 1 && s == key {
                    let rest = &text[i..];
                    let colon = rest.trim_start();
                    if let Some(v) = colon.strip_prefix(':') {
                        return Some(text.len() - v.trim_start().len());
                    }
                }
                continue;
            }
            b'{' | b'[' => depth += 1,
            b'}' | b']' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    None
}

fn go_mod(text: &str) -> Option<String> {
    let has = |m: &str| text.lines().any(|l| l.split_whitespace().any(|w| w == m));
    let missing: Vec<String> =
        GO_MODULES.iter().filter(|(m, _)| !has(m)).map(|(m, v)| format!("\t{m} {v}\n")).collect();
    if missing.is_empty() {
        return None;
    }
    Some(format!("{}\nrequire (\n{})\n", with_newline(text), missing.concat()))
}

fn gemfile(text: &str) -> Option<String> {
    let has = text.lines().any(|l| {
        let l = l.trim_start();
        l.starts_with("gem ")
            && ["\"aws-sdk-secretsmanager\"", "'aws-sdk-secretsmanager'", "\"aws-sdk\"", "'aws-sdk'"]
                .iter()
                .any(|g| l[4..].trim_start().starts_with(g))
    });
    (!has).then(|| format!("{}{RUBY_GEM}\n", with_newline(text)))
}

/// Adds the manifest edits the `helpers` written now, and the sdk code sites an earlier apply
/// rewrote (a crash between the helper and the manifest, re-run), need to `changes`, and the
/// notes for what can't be edited.
pub(super) fn add_to_changes(root: &Path, checks: &[SiteCheck<'_>], helpers: &[HelperNeed], changes: &mut Changes) {
    let mut needs: Vec<(Ecosystem, PathBuf)> =
        helpers.iter().map(|h| (Ecosystem::of_helper(h), h.dir().to_path_buf())).collect();
    for c in checks {
        if c.site.strategy == Strategy::Sdk
            && c.state == SiteState::Applied
            && let Some(eco) = FileFormat::named(&c.site.format).and_then(Ecosystem::of_format)
        {
            needs.push((eco, c.site.path.parent().map(Path::to_path_buf).unwrap_or_default()));
        }
    }
    needs.sort();
    needs.dedup();
    let on_disk = |rel: &Path| -> Option<String> {
        let p = crate::paths::safe_join(root, rel).ok()?;
        p.is_file().then(|| std::fs::read_to_string(p).ok()).flatten()
    };
    let files = &changes.files;
    let read = |rel: &Path| files.iter().find(|f| f.path == rel).map(|f| f.new.clone()).or_else(|| on_disk(rel));
    let (edits, notes) = add_dependencies(&needs, &read);
    changes.notes.extend(notes);
    for e in edits {
        match changes.files.iter_mut().find(|f| f.path == e.path) {
            Some(f) => f.new = e.new,
            None => {
                let old = on_disk(&e.path);
                changes.files.push(Change {
                    path: e.path,
                    old,
                    new: e.new,
                    values_old: Vec::new(),
                    values_new: Vec::new(),
                    moved: Vec::new(),
                });
            }
        }
    }
    changes.files.sort_by(|a, b| a.path.cmp(&b.path));
}

#[cfg(test)]
mod tests;
