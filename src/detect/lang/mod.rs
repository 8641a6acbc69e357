//! Programming-language detection with tree-sitter: one shared engine walks every string literal,
//! asks what holds it (binding, call, env default, shell command) through per-language tables, and
//! hands the (name, literal, span) candidates to the grouping. Only files where a cheap keyword
//! prefilter hits are parsed; parsers are built once per thread. A large file is first parsed only
//! in windows around the prefilter's hits ([`window`]); when they find something, in the windows
//! around the hits and the config names beside literals, and whole only when those cover most of it.

mod calls;
mod context;
mod dsn_hook;
mod kinds;
mod literal;
mod shell;
mod spec;
mod starts;
mod window;

use crate::detect::group::{self, Candidate};
use crate::format::FileFormat;
use crate::model::Detection;
use context::Ctx;
use once_cell::sync::Lazy;
use regex::bytes::Regex;
pub(crate) use starts::GATE_WORDS;
use starts::Led;
use std::cell::RefCell;
use std::collections::HashMap;
use tree_sitter::{Node, Parser, Tree};

/// Credential-ish words as they appear in names (ASCII case-insensitive).
const WORDS: &str = r"(?:pass|pwd|secret|token|api[_-]?key|private[_-]?key|access[_-]?key|app[_-]?key|license[_-]?key|session[_-]?key|signing[_-]?key|encryption[_-]?key|master[_-]?key|auth[_-]?key|validation[_-]?key|decryption[_-]?key|hmac[_-]?key|jwt[_-]?key|credential|creds|authorization|kennwort|senha|contrase|wachtwoord|mdp|parola)";

/// The prefilter: a file is parsed only where a credential word stands in a name position and is
/// bound to a literal (`name = "…"`, `name: '…'`, `"name" => "…"`, `f("name", "…")`,
/// `setName("…")`, `X || "…"`), or a URL carries `user:password@`, or a well-known connection or
/// basic-auth sink gets string arguments. A bare keyword search parsed nearly every Python file
/// (`pass`, `author`, `tokenize`) and made the full scan ~30× slower than the rules alone.
/// Searched only where a match can begin ([`starts`]).
static PREFILTER: Lazy<Led> = Lazy::new(|| {
    let quoted = format!(
        r#"{WORDS}[\w.\-\]'"$]*\s*(?:=|:=|:|=>|,|\(|\|\||\?\?|\bor\b|\{{)\s*[\(\[\{{]?\s*(?:[rbfuRBFU]{{1,2}}|@)?["'`]"#
    );
    let url = r#"://[^\s/@'"]*:[^\s@'"/]+@"#;
    let assign = r"\b(?:password|passwd|pwd)=[^\s$'\x22(;]";
    let sinks = r#"\b(?:getconnection|pdo|mysqli(?:_connect)?|real_connect|connect|sequelize|\w*basic_?auth|\w*digestauth|auth|\w*passwordcredentials|\w*authenticationtoken|passwordauthentication)\s*\([^)\n]*["'][^)\n]*,|\bauth\s*=\s*[\(\[]\s*["']"#;
    let cli = r"\b(?:mysql|mysqldump|mysqladmin|sshpass)\b[^\n]*\s-p\S|\bcurl\b[^\n]*\s(?:-u|--user)\s*\S+:\S";
    // `"Basic dXNlcjpwdw=="` / `'ApiKey …'` written alone (an expected header in a test, a comment).
    let scheme = r#"\b(?-i:Basic|ApiKey) [A-Za-z0-9+/]{8,}={0,2}["'`]"#;
    Led::new(&format!("(?i-u)(?:{quoted})|(?:{url})|(?:{assign})|(?:{sinks})|(?:{cli})|(?:{scheme})"))
});

/// JSON written inside a string literal (`"{\"secret\":\"…\"}"`, which the tokenizer reads):
/// not a reason to parse a file, but a place its windows must cover once it is parsed.
static ESCAPED: Lazy<Led> = Lazy::new(|| Led::new(&format!(r#"(?i-u){WORDS}[\w.\-]*\\["']\s*(?::|=)\s*\\["']"#)));

/// ASCII-only classes (`-u`) keep the search on the fast DFA even in non-ASCII files.
/// Shell assigns unquoted words (`export TOKEN=abc`): its prefilter accepts those too.
/// So does a credential-named parameter expansion with a default (`${DB_PASSWORD:-s3cret}`).
static SHELL_PREFILTER: Lazy<Regex> = Lazy::new(|| {
    Regex::new(&format!(r"(?i-u){WORDS}\w*\s*=\s*[^\s$'\x22(]|\$\{{\w*{WORDS}\w*:?[-=][^}}]"))
        .expect("static prefilter compiles")
});

thread_local! {
    static PARSERS: RefCell<HashMap<FileFormat, Parser>> = RefCell::new(HashMap::new());
}

/// True when the cheap prefilter says the file may hold a credential-named literal (`starts`:
/// where its word-led matches may begin, [`starts::starts`]).
fn may_hold_credential(format: FileFormat, text: &str, starts: &[usize]) -> bool {
    PREFILTER.any(text.as_bytes(), starts) || (format == FileFormat::Shell && SHELL_PREFILTER.is_match(text.as_bytes()))
}

/// Detects credential-named literals and their config companions in source code.
pub fn analyze(format: FileFormat, text: &str) -> Vec<Detection> {
    let starts = starts::starts(text);
    if !may_hold_credential(format, text, &starts) {
        return Vec::new();
    }
    // The windows decide whether the file holds anything. What they hold is then read with its
    // companions: in the windows around the credential words and around every config name bound
    // to a literal (`host`, `user`, `port`…, which group with a credential by scope or name
    // prefix), or in the whole file when those cover most of it. A window that doesn't parse
    // cleanly decides nothing: statements inside blocks are read with their block headers first,
    // then as the top-level statements holding them, then the whole file.
    let mut hits = PREFILTER.find_all(text.as_bytes(), &starts);
    hits.extend(ESCAPED.find_all(text.as_bytes(), &starts));
    if format == FileFormat::Shell {
        // (Shell's own prefilter reads unquoted assignments and expansions with defaults.)
        hits.extend(SHELL_PREFILTER.find_iter(text.as_bytes()).map(|m| m.range()));
    }
    // (And what the whole-file parse would report that no prefilter hit points at.)
    if text.len() >= window::MIN_WINDOWED {
        hits.extend(window::extra_sites(format, text, &starts));
    }
    hits.sort_by_key(|h| (h.start, h.end));
    // A large file is never parsed whole: where its windows don't parse cleanly (a bundle's
    // module wrappers, a statement cut off by the indentation guess), each hit is read in its own
    // window, errors and all, as a whole-file parse reads a file with a syntax error.
    let large = text.len() > MAX_WHOLE;
    if let Some(found) = windowed(format, text, &hits) {
        if group::group(found).is_empty() {
            return Vec::new();
        }
        let wider: Vec<_> = window::with_companions(format, text, hits, &starts).collect();
        if let Some(found) = windowed(format, text, &wider) {
            return group::group(found);
        }
        if large && let Some(found) = tolerant(format, text, &wider) {
            return group::group(found);
        }
    } else if large && let Some(found) = tolerant(format, text, &hits) {
        if group::group(found).is_empty() {
            return Vec::new();
        }
        let wider: Vec<_> = window::with_companions(format, text, hits, &starts).collect();
        return group::group(tolerant(format, text, &wider).unwrap_or_default());
    }
    group::group(candidates(format, text))
}

/// Files up to this size whose windows fail are parsed whole; larger ones in per-hit windows.
/// (Measured on creddata-dev: at 4 KB the per-hit windows lose 2.6 points of recall — companions
/// split from their credential across windows —, at 64 KB nothing, while the files above it are
/// where a whole parse costs 100–300 ms.)
const MAX_WHOLE: usize = 64 * 1024;

/// The candidates of each hit's own window ([`window::tolerant`]), parsed one by one and read
/// even where they hold errors; `None` when the file isn't windowed.
fn tolerant(format: FileFormat, text: &str, hits: &[std::ops::Range<usize>]) -> Option<Vec<Candidate>> {
    let groups = window::tolerant::groups(format, text, hits)?;
    let (spec, language) = spec::spec(format)?;
    // (The trees live until the end: a candidate's scope is its container's node id, unique only
    // among live trees.)
    let mut trees = Vec::with_capacity(groups.len());
    let mut out = Vec::new();
    for ranges in window::tolerant::included(text, &groups) {
        let Some(tree) = parse_with(format, &language, text, &ranges) else { continue };
        let ctx = Ctx::new(format, spec, &language, text);
        walk(&ctx, tree.root_node(), &mut out);
        trees.push(tree);
    }
    Some(out)
}

/// The candidates of the windows around `hits` (nested, else top-level statements), or `None`
/// when neither is worth a separate pass or parses cleanly.
fn windowed(format: FileFormat, text: &str, hits: &[std::ops::Range<usize>]) -> Option<Vec<Candidate>> {
    // (Python's windows don't depend on `nest`.)
    let modes: &[bool] = if format == FileFormat::Python { &[true] } else { &[true, false] };
    // (When both modes give the same windows — no hit inside a block, or every one at the same
    // statement — the second parse would only repeat the first one's errors.)
    let mut tried: Option<Vec<std::ops::Range<usize>>> = None;
    modes.iter().find_map(|&nest| {
        let windows = window::ranges(format, text, hits.iter().cloned(), nest)?;
        if tried.as_ref() == Some(&windows) {
            return None;
        }
        // A large file's windows are never parsed past what a whole parse of a small file costs:
        // beyond that they are whole modules of a bundle (a webpack module whose closing line
        // the windows can't find, 200 KB of 520), which the per-hit windows read for a fraction.
        if text.len() > MAX_WHOLE && windows.iter().map(|w| w.len()).sum::<usize>() > MAX_WHOLE {
            return None;
        }
        let found = windowed_candidates(format, text, &windows);
        tried = Some(windows);
        found
    })
}

/// The candidates of `windows` alone (parsed as one document of those byte ranges), or `None`
/// when that parse has errors.
fn windowed_candidates(format: FileFormat, text: &str, windows: &[std::ops::Range<usize>]) -> Option<Vec<Candidate>> {
    let (spec, language) = spec::spec(format)?;
    let tree = parse_with(format, &language, text, &window::included(text, windows))?;
    if tree.root_node().has_error() {
        return None;
    }
    let ctx = Ctx::new(format, spec, &language, text);
    let mut out = Vec::new();
    walk(&ctx, tree.root_node(), &mut out);
    Some(out)
}

/// The (name, literal, span) candidates of one source file, before judgement and grouping.
pub fn candidates(format: FileFormat, text: &str) -> Vec<Candidate> {
    let Some((spec, language)) = spec::spec(format) else { return Vec::new() };
    let Some(tree) = parse(format, &language, text) else { return Vec::new() };
    let ctx = Ctx::new(format, spec, &language, text);
    let mut out = Vec::new();
    walk(&ctx, tree.root_node(), &mut out);
    out
}

fn parse(format: FileFormat, language: &tree_sitter::Language, text: &str) -> Option<Tree> {
    parse_with(format, language, text, &[])
}

/// Parses `text`, or only its `ranges` when there are any (nodes keep their offsets in `text`).
fn parse_with(
    format: FileFormat,
    language: &tree_sitter::Language,
    text: &str,
    ranges: &[tree_sitter::Range],
) -> Option<Tree> {
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
        if ranges.is_empty() {
            return parser.parse(text, None);
        }
        parser.set_included_ranges(ranges).ok()?;
        let tree = parser.parse(text, None);
        parser.set_included_ranges(&[]).ok()?;
        tree
    })
}

/// Pre-order walk over every node: string literals go to the context reader, shell commands to
/// the command reader. The walk keeps the path from the root in `ctx.ancestors`, so the readers
/// look up parents in O(1) (see [`Ctx::parent`]).
fn walk<'t>(ctx: &Ctx<'t>, root: Node<'t>, out: &mut Vec<Candidate>) {
    let mut cursor = root.walk();
    ctx.ancestors.borrow_mut().push(root);
    loop {
        let node = cursor.node();
        let string = ctx.kinds.is(node, kinds::STRING);
        // (Only shell's readers go by kind names; the others ask the kind table.)
        let kind = if ctx.kinds.format() == FileFormat::Shell { node.kind() } else { "" };
        if string || ctx.kinds.is(node, kinds::NUMBER) || (kind == "word" && is_assigned(ctx, node)) {
            literal_candidates(ctx, node, out);
            if kind == "string" {
                shell::expansions_in(ctx, node, out);
            }
        } else if kind == "expansion" {
            shell::expansion(ctx, node, out);
        } else if kind == "command" {
            shell::command(ctx, node, out);
        } else if ctx.kinds.is(node, kinds::COMMENT) {
            // Commented-out config (`// "password": "…"`, `# DB_PASS=…`) is still a leaked value.
            let span = crate::model::Span::new(node.start_byte(), node.end_byte());
            nested_assignments(node, &literal::Literal { value: String::new(), span }, ctx.src, out);
        }
        // Inside a parse error the grammar may read a docstring or a template as code.
        if !string && !node.is_error() && cursor.goto_first_child() {
            ctx.ancestors.borrow_mut().push(cursor.node());
            continue;
        }
        loop {
            if cursor.goto_next_sibling() {
                let mut path = ctx.ancestors.borrow_mut();
                path.pop();
                path.push(cursor.node());
                break;
            }
            if !cursor.goto_parent() {
                return;
            }
            ctx.ancestors.borrow_mut().pop();
        }
    }
}

/// A shell word that is the value of `NAME=word`.
fn is_assigned<'t>(ctx: &Ctx<'t>, node: Node<'t>) -> bool {
    ctx.parent(node).is_some_and(|p| p.kind() == "variable_assignment")
}

/// Candidates for one literal: what holds it, and, when it is a connection string, its parts.
fn literal_candidates<'t>(ctx: &Ctx<'t>, node: Node<'t>, out: &mut Vec<Candidate>) {
    let Some(lit) = literal::read(ctx.kinds, node, ctx.src) else { return };
    let before = out.len();
    ctx.candidates(node, lit.clone(), out);
    let maybe_dsn = lit.value.contains("://") || lit.value.to_ascii_lowercase().contains("password=");
    if !maybe_dsn || lit.span.len() != lit.value.len() {
        nested_assignments(node, &lit, ctx.src, out);
        return;
    }
    let held_by =
        out.get(before).map(|c| c.name.clone()).or_else(|| ctx.parent(node).and_then(|p| ctx.container_name(p)));
    let mut parts = dsn_hook::candidates(&lit.value, lit.span, node.id(), held_by);
    if let Some(engine) = driver_argument(ctx, node) {
        for p in parts.iter_mut().filter(|p| p.engine.is_none()) {
            p.engine = Some(engine.clone());
        }
    }
    if parts.is_empty() {
        nested_assignments(node, &lit, ctx.src, out);
    } else {
        out.truncate(before);
        out.extend(parts);
    }
}

/// Config or JSON written inside a string (`"{\"pass\":\"…\"}"`, a Go raw string holding a
/// server config, `"password=… host=…"`): the tolerant tokenizer over the literal's source text,
/// one scope per literal.
fn nested_assignments(node: Node, lit: &literal::Literal, src: &str, out: &mut Vec<Candidate>) {
    let raw = &src[lit.span.start..lit.span.end];
    // (`"Basic dXNlcjpwdw=="` alone is a credential too: the tokenizer decodes the scheme.)
    if raw.len() < 6
        || !(raw.contains([':', '=']) || raw.contains("Basic ") || raw.contains("ApiKey "))
        || !raw.bytes().any(|b| b.is_ascii_whitespace() || b == b'{' || b == b',')
    {
        return;
    }
    for p in crate::detect::config::pairs(raw, lit.span.start, crate::detect::config::Values::Any) {
        out.push(
            Candidate::new(p.name, p.value, p.span).in_scope(node.id().wrapping_mul(4096).wrapping_add(p.block), None),
        );
    }
}

/// The engine named by a driver argument beside a DSN (`sql.Open("postgres", "host=…")`).
fn driver_argument<'t>(ctx: &Ctx<'t>, dsn: Node<'t>) -> Option<String> {
    let args = ctx.parent(dsn).filter(|p| ctx.spec.arguments.contains(&p.kind()))?;
    let first = context::named(args).into_iter().next().filter(|f| f.id() != dsn.id())?;
    let driver = literal::read(ctx.kinds, first, ctx.src)?.value.to_ascii_lowercase();
    let engine = match driver.as_str() {
        "postgres" | "postgresql" | "pgx" | "pq" => "postgres",
        "mysql" | "mariadb" => "mysql",
        "sqlserver" | "mssql" => "sqlserver",
        "oracle" | "godror" => "oracle",
        _ => return None,
    };
    Some(engine.to_string())
}
