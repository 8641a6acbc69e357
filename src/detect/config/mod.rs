//! Config and deployment files: credentials, connection strings and the config values that belong
//! with them in YAML, JSON, HCL/Terraform, XML, `.env`, properties/INI/TOML, `.npmrc`, `.pgpass`,
//! `.netrc`, `.git-credentials` and Dockerfiles, including ECS task definitions, CloudFormation,
//! Kubernetes and docker-compose documents and their template variants.

mod entry;
mod env_line;
mod generic;
mod hcl;
mod json;
mod json_fast;
mod lines;
mod parsers;
mod prefilter;
mod special;
mod tree;
mod xml;
mod yaml;

use crate::detect::words::{self, Hits};
use crate::format::FileFormat;
use crate::model::Detection;
use entry::Sink;
pub(crate) use generic::{Values, pairs};
pub(crate) use prefilter::ALWAYS;
use std::path::Path;
use tree::{Deploy, Val};

/// Words without which a config file holds nothing hoist reports (found by [`crate::detect::words`]).
pub(crate) const PREFILTER: &[&str] = &[
    "pass",
    "pwd",
    "secret",
    "token",
    "key",
    "auth",
    "cred",
    "://",
    "jdbc:",
    "server=",
    "data source",
    "kennwort",
    "senha",
    "contrase",
    "wachtwoord",
    "parola",
    "mdp",
    "mot_de",
    "_auth",
    "identified by",
];

/// True when `format` is one the config detectors read.
pub fn handles(format: FileFormat) -> bool {
    use FileFormat::*;
    matches!(
        format,
        Yaml | Json
            | Hcl
            | Xml
            | Dotenv
            | Properties
            | Ini
            | Toml
            | Npmrc
            | Pgpass
            | Netrc
            | GitCredentials
            | Htpasswd
            | Dockerfile
            | Text
    )
}

/// Detects credentials, connection strings and their config companions in one config or
/// deployment file. `rel` is the path relative to the scanned root (its name tells templates and
/// compose files apart); `text` is the whole file.
pub fn analyze(rel: &Path, format: FileFormat, text: &str) -> Vec<Detection> {
    crate::detect::without_sites(analyze_sited(rel, format, text, false))
}

/// [`analyze`] and the deployment sites among the detections ([`crate::detect::SITE`]);
/// `rules_found` reads the file even when no credential word makes it worth parsing.
pub(crate) fn analyze_sited(rel: &Path, format: FileFormat, text: &str, rules_found: bool) -> Vec<Detection> {
    analyze_as(rel, format, text, FileFormat::is_template(rel), rules_found)
}

/// [`analyze`], reading the file as a template (`template`: its grammar may be broken by
/// templating, so what parses is kept and the line detectors read it too, without a parse-error
/// note); `parse_all` skips the keyword gates.
fn analyze_as(rel: &Path, format: FileFormat, text: &str, template: bool, parse_all: bool) -> Vec<Detection> {
    let credential_file = matches!(format, FileFormat::Pgpass | FileFormat::Netrc | FileFormat::GitCredentials);
    let gated = !(credential_file || parse_all);
    if gated && !Hits::of(text).any(words::CONFIG) {
        return Vec::new();
    }
    // Dockerfile's legacy `ENV NAME value` has no separator after the name; templates may put
    // anything anywhere: both keep the plain word check.
    let keyed = !matches!(format, FileFormat::Dockerfile | FileFormat::Text);
    if keyed && gated && !prefilter::worth_parsing(text, PREFILTER) {
        return Vec::new();
    }
    let file_name = rel.file_name().map(|n| n.to_string_lossy().to_ascii_lowercase()).unwrap_or_default();
    let mut sink = Sink::default();
    let mut broken = false;
    match format {
        FileFormat::Yaml => {
            let (docs, err) = yaml::documents(text);
            for doc in &docs {
                structured(doc, &file_name, &mut sink);
            }
            if err && template {
                lines::fallback(text, &mut sink);
            }
            broken = err && !template;
        }
        FileFormat::Json => {
            let (doc, err) = json::document(text, 0);
            if let Some(doc) = &doc {
                structured(doc, &file_name, &mut sink);
            }
            if err && template {
                lines::fallback(text, &mut sink);
            }
            broken = err && !template;
        }
        FileFormat::Hcl => {
            let err = hcl::read(text, &mut sink);
            if err && template {
                lines::fallback(text, &mut sink);
            }
        }
        FileFormat::Xml => xml::read(text, &mut sink),
        FileFormat::Dotenv => lines::dotenv(text, &mut sink),
        FileFormat::Properties => lines::keyvalue(text, &mut sink, true),
        FileFormat::Npmrc => lines::keyvalue(text, &mut sink, true),
        FileFormat::Ini => {
            // `.conf`/`.cfg` are often brace configs (nginx, NATS, HOCON) the INI reader misses.
            lines::keyvalue(text, &mut sink, false);
            generic::into_sink(text, 0, Values::Any, &mut sink);
        }
        FileFormat::Toml => lines::toml(text, &mut sink),
        FileFormat::Dockerfile => lines::dockerfile(text, &mut sink),
        FileFormat::Pgpass => special::pgpass(text, &mut sink),
        FileFormat::Netrc => special::netrc(text, &mut sink),
        FileFormat::GitCredentials => special::git_credentials(text, &mut sink),
        FileFormat::Text if template => lines::fallback(text, &mut sink),
        _ => return Vec::new(),
    }
    // What the grammar doesn't see: comments (`# password: x`), shell lines in CI steps
    // (`-e MYSQL_PASSWORD=x`), `K=V` lists inside one value. Same-span entries of the grammar win.
    if format == FileFormat::Yaml {
        // Mapping entries are the YAML reader's (it knows which documents to skip).
        generic::into_sink_where(text, 0, Values::Any, &mut sink, |p| !p.lead);
    } else if matches!(format, FileFormat::Dotenv | FileFormat::Properties | FileFormat::Toml) {
        generic::into_sink(text, 0, Values::Any, &mut sink);
    }
    let mut out = entry::judge(sink);
    if broken {
        // An unterminated or malformed document: what parsed is kept, and the line detectors read
        // the rest (reported), so a secret after the break isn't lost without a word.
        crate::scan::limit::note(crate::scan::limit::Limit::ParseError);
        for d in lines_only(text) {
            if !out.iter().any(|o| !crate::detect::is_site(o) && o.span.overlaps(&d.span)) {
                out.push(d);
            }
        }
    }
    out
}

/// The line fallback alone over any file (see [`crate::detect::lines_only`]), behind the same
/// keyword prefilter.
pub fn lines_only(text: &str) -> Vec<Detection> {
    if !Hits::of(text).any(words::CONFIG) {
        return Vec::new();
    }
    // The lines holding a prefilter word decide: a credential or a connection string is judged by
    // its own line alone (only its companions and scopes need the others), so when those lines
    // hold nothing the file holds nothing — a 4 MB policy table costs its few hit lines. Small
    // files too: most files the fallback reads (generated manifests such as every crate's
    // `Cargo.toml`, with its `keywords`/`authors` lines) hold a prefilter word and no credential.
    let mut sink = Sink::default();
    lines::fallback(&hit_lines(text), &mut sink);
    if entry::judge(sink).is_empty() {
        return Vec::new();
    }
    let mut sink = Sink::default();
    lines::fallback(text, &mut sink);
    entry::judge(sink)
}

/// The lines of `text` that hold a prefilter word (or `webhook`, a credential word the prefilter
/// leaves to the names beside it), joined.
fn hit_lines(text: &str) -> String {
    let mut out = String::new();
    for (s, e) in generic::gate_lines(text) {
        out.push_str(&text[s..e]);
        out.push('\n');
    }
    out
}

/// The tolerant assignment tokenizer over any text (see [`generic`]), judged like config entries.
pub(crate) fn generic_text(text: &str, values: Values) -> Vec<Detection> {
    if !Hits::of(text).any(words::CONFIG) {
        return Vec::new();
    }
    // The lines holding a credential word decide (`generic::gate_pairs`): most code and text
    // names a key or a token somewhere without assigning a credential, and then only those
    // lines are tokenized; the whole text only when they hold something (for its companions).
    let mut sink = Sink::default();
    generic::gate_into_sink(text, values, &mut sink);
    if entry::judge(sink).is_empty() {
        return Vec::new();
    }
    let mut sink = Sink::default();
    generic::paragraphs_into_sink(text, values, &mut sink);
    entry::judge(sink)
}

/// Detects in a config document embedded in another file (a task definition written by a shell
/// heredoc, a YAML string in code): `snippet` starts at byte `base` of the file, and the returned
/// spans are file offsets. `rel` names the outer file; `format` is the snippet's format. The
/// snippet is read as a template: the outer file's own expansions (`$VAR`) may break its grammar.
pub fn analyze_embedded(rel: &Path, format: FileFormat, snippet: &str, base: usize) -> Vec<Detection> {
    let mut out = analyze_as(rel, format, snippet, true, false);
    for d in &mut out {
        d.span = crate::model::Span::new(d.span.start + base, d.span.end + base);
    }
    out
}

/// Walks one YAML/JSON document, knowing which deployment format it is.
fn structured(doc: &Val, file_name: &str, sink: &mut Sink) {
    // An ExternalSecret (what hoist generates) or a secret store only names where values live.
    let kind = doc.str_at("kind").unwrap_or("");
    if doc.get("apiVersion").is_some()
        && matches!(kind, "ExternalSecret" | "ClusterSecretStore" | "SecretStore" | "ClusterExternalSecret")
    {
        return;
    }
    let deploy = Deploy::classify(doc, file_name);
    tree::walk_document(doc, deploy, sink);
    if deploy == Deploy::CloudFormation {
        tree::mark_noecho(doc, sink);
    }
}
