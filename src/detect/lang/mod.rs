//! Programming-language detection with tree-sitter: one shared engine walks every string literal,
//! asks what holds it (binding, call, env default, shell command) through per-language tables, and
//! hands the (name, literal, span) candidates to the grouping. Only files where a cheap keyword
//! prefilter hits are parsed; parsers are built once per thread.

mod calls;
mod context;
mod dsn_hook;
mod literal;
mod shell;
mod spec;

use crate::detect::group::{self, Candidate};
use crate::format::FileFormat;
use crate::model::Detection;
use aho_corasick::AhoCorasick;
use context::Ctx;
use once_cell::sync::Lazy;
use std::cell::RefCell;
use std::collections::HashMap;
use tree_sitter::{Node, Parser, Tree};

/// Credential-ish words (ASCII case-insensitive) and `://`: a file without any is not parsed.
const KEYWORDS: &[&str] = &[
    "pass",
    "pwd",
    "secret",
    "token",
    "api_key",
    "apikey",
    "api-key",
    "private_key",
    "privatekey",
    "access_key",
    "accesskey",
    "credential",
    "creds",
    "auth",
    "://",
    "kennwort",
    "passwort",
    "senha",
    "contrase",
    "wachtwoord",
    "mot_de_passe",
    "motdepasse",
    "mdp",
    "parola",
    "mysql",
    "signing",
    "encryption_key",
    "master_key",
];

static PREFILTER: Lazy<AhoCorasick> = Lazy::new(|| {
    AhoCorasick::builder().ascii_case_insensitive(true).build(KEYWORDS).expect("static keyword list builds")
});

thread_local! {
    static PARSERS: RefCell<HashMap<FileFormat, Parser>> = RefCell::new(HashMap::new());
}

/// True when the cheap keyword prefilter says the file may hold a credential.
pub fn may_hold_credential(text: &str) -> bool {
    PREFILTER.is_match(text)
}

/// Detects credential-named literals and their config companions in source code.
pub fn analyze(format: FileFormat, text: &str) -> Vec<Detection> {
    if !may_hold_credential(text) {
        return Vec::new();
    }
    group::group(candidates(format, text))
}

/// The (name, literal, span) candidates of one source file, before judgement and grouping.
pub fn candidates(format: FileFormat, text: &str) -> Vec<Candidate> {
    let Some((spec, language)) = spec::spec(format) else { return Vec::new() };
    let Some(tree) = parse(format, &language, text) else { return Vec::new() };
    let ctx = Ctx { format, spec, src: text };
    let mut out = Vec::new();
    walk(&ctx, tree.root_node(), &mut out);
    out
}

fn parse(format: FileFormat, language: &tree_sitter::Language, text: &str) -> Option<Tree> {
    PARSERS.with(|cell| {
        let mut parsers = cell.borrow_mut();
        let parser = match parsers.entry(format) {
            std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
            std::collections::hash_map::Entry::Vacant(e) => {
                let mut p = Parser::new();
                p.set_language(language).ok()?;
                e.insert(p)
            }
        };
        parser.parse(text, None)
    })
}

/// Pre-order walk over every node: string literals go to the context reader, shell commands to
/// the command reader.
fn walk(ctx: &Ctx, root: Node, out: &mut Vec<Candidate>) {
    let mut cursor = root.walk();
    loop {
        let node = cursor.node();
        let kind = node.kind();
        if literal::is_string_kind(ctx.format, kind)
            || literal::is_number_kind(kind)
            || (ctx.format == FileFormat::Shell && kind == "word" && is_assigned(node))
        {
            literal_candidates(ctx, node, out);
        } else if ctx.format == FileFormat::Shell && kind == "command" {
            shell::command(ctx, node, out);
        }
        // Inside a parse error the grammar may read a docstring or a template as code.
        if !literal::is_string_kind(ctx.format, kind) && !node.is_error() && cursor.goto_first_child() {
            continue;
        }
        loop {
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() {
                return;
            }
        }
    }
}

/// A shell word that is the value of `NAME=word`.
fn is_assigned(node: Node) -> bool {
    node.parent().is_some_and(|p| p.kind() == "variable_assignment")
}

/// Candidates for one literal: what holds it, and, when it is a connection string, its parts.
fn literal_candidates(ctx: &Ctx, node: Node, out: &mut Vec<Candidate>) {
    let before = out.len();
    ctx.candidates(node, out);
    let Some(lit) = literal::read(ctx.format, node, ctx.src) else { return };
    let maybe_dsn = lit.value.contains("://") || lit.value.to_ascii_lowercase().contains("password=");
    if !maybe_dsn || lit.span.len() != lit.value.len() {
        return;
    }
    let held_by = out.get(before).map(|c| c.name.clone()).or_else(|| node.parent().and_then(|p| ctx.container_name(p)));
    let mut parts = dsn_hook::candidates(&lit.value, lit.span, node.id(), held_by);
    if let Some(engine) = driver_argument(ctx, node) {
        for p in parts.iter_mut().filter(|p| p.engine.is_none()) {
            p.engine = Some(engine.clone());
        }
    }
    if !parts.is_empty() {
        out.truncate(before);
        out.extend(parts);
    }
}

/// The engine named by a driver argument beside a DSN (`sql.Open("postgres", "host=…")`).
fn driver_argument(ctx: &Ctx, dsn: Node) -> Option<String> {
    let args = dsn.parent().filter(|p| ctx.spec.arguments.contains(&p.kind()))?;
    let first = context::named(args).into_iter().next().filter(|f| f.id() != dsn.id())?;
    let driver = literal::read(ctx.format, first, ctx.src)?.value.to_ascii_lowercase();
    let engine = match driver.as_str() {
        "postgres" | "postgresql" | "pgx" | "pq" => "postgres",
        "mysql" | "mariadb" => "mysql",
        "sqlserver" | "mssql" => "sqlserver",
        "oracle" | "godror" => "oracle",
        _ => return None,
    };
    Some(engine.to_string())
}
