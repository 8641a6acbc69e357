//! Resolves a docker-compose service's environment the way `docker compose config` / `up` does,
//! for tests that run an app as its compose service would (the docker CLI here has no compose
//! plugin, so this is the equivalent, written from the Compose Specification):
//!
//! - interpolation over the whole file: `$VAR`, `${VAR}`, `${VAR:-d}`, `${VAR-d}`, `${VAR:?e}`,
//!   `${VAR?e}`, `${VAR:+r}`, `${VAR+r}`, `$$` (nested in defaults too); the interpolation
//!   environment is the shell's, then the project's `.env` (beside the compose file) for names the
//!   shell doesn't set. A `:?`/`?` error fails the resolution, as compose refuses to start.
//! - a service's variables: its `env_file` files in order (string or list, items a path or
//!   `{path, required}`, relative to the compose file; `KEY=VALUE` lines, `#` comments, quotes,
//!   unquoted/double-quoted values interpolated), then `environment` (map or `KEY=VALUE` list) on
//!   top; a name with no value (`- KEY`, `KEY:`) passes the shell's value through, or is absent.
//! - `secrets`: top-level entries with a `file:` or `environment:` source; a service's
//!   `build.secrets` (BuildKit `RUN --mount=type=secret,id=…`) and runtime `secrets` resolve to them.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// A compose file after interpolation.
#[derive(Debug)]
pub struct Compose {
    /// The file.
    pub path: PathBuf,
    /// The interpolated document.
    pub doc: serde_yaml::Value,
    /// The interpolation environment (shell over `.env`).
    pub vars: BTreeMap<String, String>,
}

impl Compose {
    /// Reads and interpolates `path` with `shell` as the shell environment. `Err` carries the
    /// message compose would stop with (a required variable unset, a malformed reference).
    pub fn load(path: &Path, shell: &[(String, String)]) -> Result<Compose, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let doc: serde_yaml::Value =
            serde_yaml::from_str(&text).map_err(|e| format!("{} is not YAML: {e}", path.display()))?;
        let mut vars: BTreeMap<String, String> = BTreeMap::new();
        let dotenv = path.parent().unwrap_or(Path::new(".")).join(".env");
        if dotenv.is_file() {
            vars.extend(read_env_file(&dotenv, &BTreeMap::new())?);
        }
        vars.extend(shell.iter().cloned());
        let doc = interpolate_value(doc, &vars)?;
        Ok(Compose { path: path.to_path_buf(), doc, vars })
    }

    /// The names of the services.
    pub fn services(&self) -> Vec<String> {
        self.doc["services"]
            .as_mapping()
            .map(|m| m.keys().filter_map(|k| k.as_str().map(str::to_string)).collect())
            .unwrap_or_default()
    }

    fn service(&self, name: &str) -> Result<&serde_yaml::Value, String> {
        self.doc["services"].get(name).ok_or_else(|| format!("{}: no service {name}", self.path.display()))
    }

    fn dir(&self) -> &Path {
        self.path.parent().unwrap_or(Path::new("."))
    }

    /// The environment the container of service `name` starts with: `env_file` then `environment`.
    pub fn environment(&self, name: &str) -> Result<BTreeMap<String, String>, String> {
        let svc = self.service(name)?;
        let mut out = BTreeMap::new();
        let files: Vec<&serde_yaml::Value> = match &svc["env_file"] {
            serde_yaml::Value::Null => Vec::new(),
            serde_yaml::Value::Sequence(items) => items.iter().collect(),
            one => vec![one],
        };
        for f in files {
            let (file, required) = match f {
                serde_yaml::Value::String(s) => (s.clone(), true),
                m => (
                    m["path"].as_str().ok_or_else(|| format!("env_file entry without a path: {m:?}"))?.to_string(),
                    m["required"].as_bool().unwrap_or(true),
                ),
            };
            let p = self.dir().join(&file);
            if !p.is_file() {
                if required {
                    return Err(format!("service {name}: env file {} not found", p.display()));
                }
                continue;
            }
            out.extend(read_env_file(&p, &self.vars)?);
        }
        match &svc["environment"] {
            serde_yaml::Value::Null => {}
            serde_yaml::Value::Mapping(m) => {
                for (k, v) in m {
                    let k = scalar(k).ok_or_else(|| format!("service {name}: environment key {k:?}"))?;
                    match v {
                        serde_yaml::Value::Null => self.pass_through(&k, &mut out),
                        v => {
                            let v = scalar(v).ok_or_else(|| format!("service {name}: {k} is not a scalar"))?;
                            out.insert(k, v);
                        }
                    }
                }
            }
            serde_yaml::Value::Sequence(items) => {
                for i in items {
                    let s = scalar(i).ok_or_else(|| format!("service {name}: environment item {i:?}"))?;
                    match s.split_once('=') {
                        Some((k, v)) => {
                            out.insert(k.to_string(), v.to_string());
                        }
                        None => self.pass_through(&s, &mut out),
                    }
                }
            }
            other => return Err(format!("service {name}: environment is {other:?}")),
        }
        Ok(out)
    }

    /// A name declared without a value takes the shell's (interpolation environment's) value.
    fn pass_through(&self, k: &str, out: &mut BTreeMap<String, String>) {
        match self.vars.get(k) {
            Some(v) => {
                out.insert(k.to_string(), v.clone());
            }
            None => {
                out.remove(k);
            }
        }
    }

    /// The value of top-level secret `id` (its `environment:` or `file:` source).
    pub fn secret(&self, id: &str) -> Result<String, String> {
        let s = self.doc["secrets"].get(id).ok_or_else(|| format!("no top-level secret {id}"))?;
        if let Some(var) = s["environment"].as_str() {
            return self
                .vars
                .get(var)
                .cloned()
                .ok_or_else(|| format!("secret {id}: environment variable {var} is unset"));
        }
        if let Some(file) = s["file"].as_str() {
            let p = self.dir().join(file);
            return std::fs::read_to_string(&p).map_err(|e| format!("secret {id}: {}: {e}", p.display()));
        }
        Err(format!("secret {id} has neither an environment nor a file source: {s:?}"))
    }

    /// The build secrets of service `name` (`build.secrets`), id → value.
    pub fn build_secrets(&self, name: &str) -> Result<BTreeMap<String, String>, String> {
        let svc = self.service(name)?;
        self.secret_list(&svc["build"]["secrets"])
    }

    fn secret_list(&self, list: &serde_yaml::Value) -> Result<BTreeMap<String, String>, String> {
        let mut out = BTreeMap::new();
        for item in list.as_sequence().into_iter().flatten() {
            let (source, target) = match item {
                serde_yaml::Value::String(s) => (s.clone(), s.clone()),
                m => {
                    let source = m["source"].as_str().ok_or_else(|| format!("secret entry without source: {m:?}"))?;
                    (source.to_string(), m["target"].as_str().unwrap_or(source).to_string())
                }
            };
            out.insert(target, self.secret(&source)?);
        }
        Ok(out)
    }
}

/// A YAML scalar as compose reads it (numbers and booleans as their text).
fn scalar(v: &serde_yaml::Value) -> Option<String> {
    match v {
        serde_yaml::Value::String(s) => Some(s.clone()),
        serde_yaml::Value::Number(n) => Some(n.to_string()),
        serde_yaml::Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn interpolate_value(v: serde_yaml::Value, vars: &BTreeMap<String, String>) -> Result<serde_yaml::Value, String> {
    Ok(match v {
        serde_yaml::Value::String(s) => serde_yaml::Value::String(interpolate(&s, vars)?),
        serde_yaml::Value::Sequence(items) => serde_yaml::Value::Sequence(
            items.into_iter().map(|i| interpolate_value(i, vars)).collect::<Result<_, _>>()?,
        ),
        serde_yaml::Value::Mapping(m) => {
            let mut out = serde_yaml::Mapping::new();
            for (k, v) in m {
                out.insert(k, interpolate_value(v, vars)?);
            }
            serde_yaml::Value::Mapping(out)
        }
        other => other,
    })
}

/// Compose interpolation of one string.
pub fn interpolate(s: &str, vars: &BTreeMap<String, String>) -> Result<String, String> {
    let b = s.as_bytes();
    let mut out = String::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'$' {
            let next = s[i..].find('$').map_or(s.len(), |p| i + p);
            out.push_str(&s[i..next]);
            i = next;
            continue;
        }
        match b.get(i + 1) {
            Some(b'$') => {
                out.push('$');
                i += 2;
            }
            Some(b'{') => {
                // The matching brace (defaults may hold nested `${…}`).
                let mut depth = 0;
                let mut end = None;
                for (j, c) in s[i + 1..].char_indices() {
                    match c {
                        '{' => depth += 1,
                        '}' => {
                            depth -= 1;
                            if depth == 0 {
                                end = Some(i + 1 + j);
                                break;
                            }
                        }
                        _ => {}
                    }
                }
                let end = end.ok_or_else(|| format!("invalid interpolation format in {s:?}: no closing brace"))?;
                out.push_str(&expand(&s[i + 2..end], vars)?);
                i = end + 1;
            }
            Some(c) if c.is_ascii_alphabetic() || *c == b'_' => {
                let len =
                    s[i + 1..].find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(s.len() - i - 1);
                let name = &s[i + 1..i + 1 + len];
                out.push_str(vars.get(name).map(String::as_str).unwrap_or(""));
                i += 1 + len;
            }
            _ => {
                out.push('$');
                i += 1;
            }
        }
    }
    Ok(out)
}

/// The body of one `${…}`.
fn expand(body: &str, vars: &BTreeMap<String, String>) -> Result<String, String> {
    let len = body.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(body.len());
    let (name, rest) = body.split_at(len);
    if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
        return Err(format!("invalid interpolation format: ${{{body}}}"));
    }
    let value = vars.get(name);
    let empty = value.is_none_or(|v| v.is_empty());
    let op = ["?:", ":?", ":-", ":+", "?", "-", "+"].into_iter().find(|op| rest.starts_with(op));
    let Some(op) = op else {
        return match rest {
            "" => Ok(value.cloned().unwrap_or_default()),
            _ => Err(format!("invalid interpolation format: ${{{body}}}")),
        };
    };
    let arg = &rest[op.len()..];
    match op {
        ":-" if empty => interpolate(arg, vars),
        "-" if value.is_none() => interpolate(arg, vars),
        ":?" if empty => Err(format!("required variable {name} is missing a value: {}", interpolate(arg, vars)?)),
        "?" if value.is_none() => {
            Err(format!("required variable {name} is missing a value: {}", interpolate(arg, vars)?))
        }
        ":+" if !empty => interpolate(arg, vars),
        "+" if value.is_some() => interpolate(arg, vars),
        ":+" | "+" => Ok(String::new()),
        "?:" => Err(format!("invalid interpolation format: ${{{body}}}")),
        _ => Ok(value.cloned().unwrap_or_default()),
    }
}

/// A dotenv-style file as compose reads it (`env_file`, the project `.env`); `vars` interpolate
/// unquoted and double-quoted values (the file's own earlier names first).
pub fn read_env_file(path: &Path, vars: &BTreeMap<String, String>) -> Result<BTreeMap<String, String>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut out: BTreeMap<String, String> = BTreeMap::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let line = line.strip_prefix("export ").unwrap_or(line);
        let Some((k, v)) = line.split_once('=') else {
            return Err(format!("{}:{}: not KEY=VALUE", path.display(), n + 1));
        };
        let (k, v) = (k.trim(), v.trim());
        let mut scope = vars.clone();
        for (a, b) in &out {
            scope.entry(a.clone()).or_insert_with(|| b.clone());
        }
        let value = if let Some(inner) = v.strip_prefix('\'').and_then(|r| r.strip_suffix('\'')) {
            inner.to_string()
        } else if let Some(inner) = v.strip_prefix('"').and_then(|r| r.strip_suffix('"')) {
            interpolate(&inner.replace("\\n", "\n").replace("\\\"", "\""), &scope)?
        } else {
            let v = v.split_once(" #").map_or(v, |(a, _)| a).trim_end();
            interpolate(v, &scope)?
        };
        out.insert(k.to_string(), value);
    }
    Ok(out)
}
