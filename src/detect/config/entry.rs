//! The common currency of the config detectors: (name, value, span) entries in scopes, and the one
//! judgement that turns them into secret and config detections grouped by scope and name prefix.

mod labels;
mod names;

use crate::detect::{dsn, judge};
use crate::model::{DeployInfo, Detection, Kind, SecretValue, Severity, Span};
use labels::{Labels, friendly};
pub(crate) use names::names_a_collection;
use names::{
    Names, canonical_prefix, inherits_secret, is_build_token, is_config_value, looks_like_dsn,
    looks_like_number_or_time, names_a_credential, names_something,
};

/// How the format itself classifies an entry, before the name is judged.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Role {
    /// Judge by the name (and the value, for connection strings).
    Auto,
    /// The format says it is a credential (`.pgpass` password, Kubernetes `Secret` data, NoEcho
    /// parameter): still skipped when the value is a reference or placeholder.
    Secret,
    /// The format says which config key it is (`.netrc` `login` → `username`).
    Config(&'static str),
    /// Only a connection string in it counts (`.git-credentials` lines).
    Dsn,
}

/// One key/value found in a file.
#[derive(Clone, Debug)]
pub(crate) struct Entry {
    /// The key, variable or env name.
    pub name: String,
    /// The decoded value.
    pub value: String,
    /// The value's bytes.
    pub span: Span,
    /// Index of its scope in [`Sink::scopes`].
    pub scope: usize,
    /// False for references: YAML short tags, HCL expressions, interpolated templates.
    pub literal: bool,
    /// The format's own classification.
    pub role: Role,
    /// Deployment-file context.
    pub deploy: Option<DeployInfo>,
    /// The enclosing key when it names a collection of credentials (`secrets:`, `passwords:`).
    pub parent: Option<String>,
}

/// A mapping, block, section, env list or file: the values that may belong together.
#[derive(Clone, Debug)]
pub(crate) struct Scope {
    /// A readable file-local label (`spring.datasource`, `services.db.environment`).
    pub label: String,
    /// A flat namespace (env list, `.env`, properties): companions must share the name prefix.
    pub flat: bool,
}

/// Collects entries and scopes while a format is read.
#[derive(Debug, Default)]
pub(crate) struct Sink {
    /// Entries in file order of discovery.
    pub entries: Vec<Entry>,
    /// Scopes by index.
    pub scopes: Vec<Scope>,
}

impl Sink {
    /// Opens a scope and returns its index.
    pub fn scope(&mut self, label: impl Into<String>, flat: bool) -> usize {
        self.scopes.push(Scope { label: label.into(), flat });
        self.scopes.len() - 1
    }

    /// Adds an entry judged by its name.
    pub fn add(&mut self, scope: usize, name: &str, value: String, span: Span, literal: bool) -> &mut Entry {
        self.entries.push(Entry {
            name: name.to_string(),
            value,
            span,
            scope,
            literal,
            role: Role::Auto,
            deploy: None,
            parent: None,
        });
        self.entries.last_mut().expect("just pushed")
    }
}

/// A config value waiting for a credential to belong to.
struct Candidate {
    scope: usize,
    prefix: Option<String>,
    det: Detection,
}

/// Judges the collected entries: credentials become secrets; host/port/user/database/engine/region
/// values become config findings only when a credential in the same scope (and, in flat scopes,
/// with the same name prefix) claims them.
pub(crate) fn judge(mut sink: Sink) -> Vec<Detection> {
    sink.entries.sort_by_key(|e| (e.span.start, std::cmp::Reverse(e.span.end)));
    sink.entries.dedup_by(|b, a| a.span.overlaps(&b.span));
    let mut out = Vec::new();
    let mut secrets: Vec<(usize, Option<String>, String)> = Vec::new();
    let mut candidates = Vec::new();
    let mut labels = Labels::default();
    let mut names = Names::taken();
    for e in &mut sink.entries {
        // `${DB_PASS:s3cret}` (Spring), `${DB_PASS:-s3cret}` (shell, compose): the default is
        // the hardcoded value the program runs with.
        if e.span.len() == e.value.len()
            && let Some((off, default)) = judge::env_default(&e.value)
        {
            let default = default.to_string();
            e.span = Span::new(e.span.start + off, e.span.start + off + default.len());
            e.value = default;
            e.literal = true;
        }
    }
    for e in &sink.entries {
        if !e.literal {
            // `postgres://app:literal@${db_host}/x`: the userinfo is literal even if the host isn't.
            if let Some(dets) = templated_url(e) {
                let scope = &sink.scopes[e.scope];
                let label = labels.get((e.scope, Some(e.name.clone()), true), || friendly(scope, e, Some(&e.name)));
                out.extend(dets(&label).into_iter().map(|d| with_deploy(d, e)));
            }
            continue;
        }
        let scope = &sink.scopes[e.scope];
        let facts = names.get(&e.name);
        let alias = facts.alias;
        // The name's prefix, asked for only when the entry is kept.
        let raw_prefix = || match alias {
            Some((_, p)) => Some(p),
            None => facts.prefix(&e.name),
        };
        let prefix = || raw_prefix().map(canonical_prefix);
        let secret_name = match e.role {
            Role::Secret => true,
            Role::Config(_) | Role::Dsn => false,
            Role::Auto => (facts.secret || inherits_secret(e)) && !facts.refused(&e.name),
        };
        let config_key = match (e.role, alias) {
            (Role::Config(k), _) => Some(k),
            (_, Some((k, _))) if k != "password" => Some(k),
            _ => facts.config_key,
        };
        if looks_like_dsn(&e.value)
            && let Some(parsed) = dsn::parse(&e.value).filter(|_| matches!(e.role, Role::Auto | Role::Dsn))
        {
            // Offsets inside the value map to file bytes only when the value is written unescaped.
            let escaped = e.span.len() != e.value.len();
            if parsed.has_password() && !escaped {
                let label = labels.get((e.scope, Some(e.name.clone()), true), || friendly(scope, e, Some(&e.name)));
                if let Some(dets) = dsn::detections(&e.value, e.span.start, Some(&e.name), &label) {
                    out.extend(dets.into_iter().map(|d| with_deploy(d, e)));
                }
                continue;
            }
            if !secret_name && !escaped && e.role == Role::Auto {
                // A URL without a password (`spring.datasource.url`): its parts may belong to a
                // credential beside it.
                for p in parsed.parts.iter().filter(|p| p.key != "password") {
                    let span = Span::new(e.span.start + p.span.start, e.span.start + p.span.end);
                    let det = detection(Kind::Config, &format!("config.{}", p.key), span, &p.value, e, p.key);
                    candidates.push(Candidate { scope: e.scope, prefix: prefix(), det });
                }
                continue;
            }
        }
        if secret_name
            && config_key.is_none_or(|_| e.role == Role::Secret)
            && judge::is_secret_value(&e.name, &e.value)
            && !is_build_token(&e.value)
            && !names_a_credential(&e.value)
            && !names_something(&e.value)
            && (e.role == Role::Secret || !looks_like_number_or_time(&e.value) || e.value.trim().len() >= 6)
        {
            let prefix = prefix();
            let label = labels.get((e.scope, prefix.clone(), false), || friendly(scope, e, raw_prefix()));
            let key = match (e.role, alias) {
                (_, Some((k, _))) => k.to_string(),
                (Role::Secret, _) if judge::secret_key(&e.name) == "value" => "password".to_string(),
                _ => judge::secret_key(&e.name),
            };
            let rule = format!("generic.{}", key.replace('_', "-"));
            let mut d = detection(Kind::Secret, &rule, e.span, &e.value, e, "");
            d.key = Some(key);
            d.group = Some(label.clone());
            secrets.push((e.scope, prefix, label));
            out.push(d);
        } else if let Some(k) = config_key.filter(|_| is_config_value(&e.value)) {
            let det = detection(Kind::Config, &format!("config.{k}"), e.span, &e.value, e, k);
            candidates.push(Candidate { scope: e.scope, prefix: prefix(), det });
        }
    }
    names.keep();
    for c in candidates {
        let flat = sink.scopes[c.scope].flat;
        let same: Vec<_> = secrets.iter().filter(|s| s.0 == c.scope).collect();
        let pick = same
            .iter()
            .find(|s| s.1 == c.prefix)
            .or_else(|| {
                let p = c.prefix.as_deref()?;
                same.iter().find(|s| s.1.as_deref().is_some_and(|sp| sp.starts_with(&format!("{p}_"))))
            })
            // In a mapping or block the container already says they belong together, unless
            // both names carry different prefixes (`redis_host` beside `db_password`).
            .or_else(|| same.iter().find(|s| !flat && (c.prefix.is_none() || s.1.is_none())));
        if let Some(s) = pick {
            let mut d = c.det;
            d.group = Some(s.2.clone());
            out.push(d);
        }
    }
    out.sort_by_key(|d| d.span.start);
    add_sites(&sink.entries, &mut out);
    out
}

/// Values shorter than this hold no provider token: their deployment entries need no site.
const SITE_MIN_CHARS: usize = 12;

/// Adds a [`crate::detect::SITE`] for every literal deployment-file entry nothing in `out`
/// (sorted by start) covers, kept sorted.
fn add_sites(entries: &[Entry], out: &mut Vec<Detection>) {
    let covered = |e: &Entry| {
        let i = out.partition_point(|d| d.span.start < e.span.end);
        out[..i].iter().rev().take(4).any(|d| d.span.overlaps(&e.span))
    };
    let sites: Vec<Detection> = entries
        .iter()
        .filter(|e| e.literal && e.deploy.is_some() && e.value.len() >= SITE_MIN_CHARS && !covered(e))
        .map(|e| detection(Kind::Config, crate::detect::SITE, e.span, &e.value, e, ""))
        .collect();
    if !sites.is_empty() {
        out.extend(sites);
        out.sort_by_key(|d| d.span.start);
    }
}

fn detection(kind: Kind, rule: &str, span: Span, value: &str, e: &Entry, key: &str) -> Detection {
    Detection {
        rule: rule.to_string(),
        kind,
        span,
        value: SecretValue::new(value),
        name: Some(e.name.clone()),
        group: None,
        key: (!key.is_empty()).then(|| key.to_string()),
        deploy: e.deploy.clone(),
        severity: Severity::Medium,
    }
}

fn with_deploy(mut d: Detection, e: &Entry) -> Detection {
    d.deploy = e.deploy.clone();
    d
}

/// A URL value with interpolations whose `user:password@` part is literal: the password and user
/// as detections, labelled by the closure's argument.
fn templated_url(e: &Entry) -> Option<impl FnOnce(&str) -> Vec<Detection> + '_> {
    if e.span.len() != e.value.len() || !e.value.contains("://") {
        return None;
    }
    let parsed = dsn::parse(&e.value)?;
    let pw = parsed.get("password")?;
    let templated = |v: &str| ["${", "{{", "}}", "%{", "$("].iter().any(|t| v.contains(t));
    let user_ok = parsed.get("username").is_none_or(|u| !templated(&u.value));
    if templated(&pw.value) || !user_ok || !judge::is_literal_value(&pw.value) {
        return None;
    }
    let keep: Vec<dsn::Part> =
        parsed.parts.iter().filter(|p| matches!(p.key, "password" | "username" | "engine")).cloned().collect();
    Some(move |label: &str| {
        keep.iter()
            .map(|p| {
                let span = Span::new(e.span.start + p.span.start, e.span.start + p.span.end);
                let kind = if p.key == "password" { Kind::Secret } else { Kind::Config };
                let mut d = detection(kind, &format!("dsn.{}", p.key), span, &p.value, e, p.key);
                d.group = Some(label.to_string());
                d
            })
            .collect()
    })
}

#[cfg(test)]
#[path = "entry_tests.rs"]
mod tests;
