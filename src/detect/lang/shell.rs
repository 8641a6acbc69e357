//! Shell commands that carry credentials on the command line: `PGPASSWORD=… psql -h … -U …`,
//! `mysql -uroot -p…`, `curl -u user:pass`, `sshpass -p …`, and `--password=…`-style flags of any
//! command. Each command is one scope, so its host/user/database group with its password. Also
//! the defaults of parameter expansions (`${DB_PASSWORD:-s3cret}`).

use super::context::{Ctx, named};
use super::dsn_hook;
use super::literal::{self, Literal};
use crate::detect::group::{Candidate, Role};
use crate::detect::judge;
use crate::model::Span;
use tree_sitter::Node;

/// One command-line argument: its literal (when it is one) and, for `--flag=value` written as a
/// word followed by a quoted string, the flag.
struct Arg {
    flag: Option<String>,
    lit: Option<Literal>,
}

/// Candidates for one `command` node.
pub fn command(ctx: &Ctx, cmd: Node, out: &mut Vec<Candidate>) {
    let Some(name) = ctx.kinds.field(cmd, "name") else { return };
    let prog = ctx.text(name).rsplit('/').next().unwrap_or("").to_string();
    let scope = cmd.id();
    let engine = match prog.as_str() {
        "mysql" | "mysqldump" | "mysqladmin" | "mysqlimport" | "mariadb" | "mysqlsh" => Some("mysql"),
        "psql" | "pg_dump" | "pg_dumpall" | "pg_restore" | "createdb" | "dropdb" | "pg_isready" => Some("postgres"),
        _ => None,
    };
    let mut found = Vec::new();
    let push = |found: &mut Vec<Candidate>, name: &str, value: &str, span: Span, role: Role| {
        let mut c = Candidate::new(name, value, span).with_role(role).in_scope(scope, Some(prog.clone()));
        c.engine = engine.map(str::to_string);
        found.push(c);
    };
    let mut cursor = cmd.walk();
    for a in cmd.named_children(&mut cursor).filter(|n| n.kind() == "variable_assignment") {
        if let (Some(n), Some(v)) = (ctx.kinds.field(a, "name"), ctx.kinds.field(a, "value"))
            && let Some(l) = literal::read(ctx.kinds, v, ctx.src)
        {
            push(&mut found, ctx.text(n), &l.value, l.span, Role::ByName);
        }
    }
    let mut cursor = cmd.walk();
    let args: Vec<Arg> = cmd.children_by_field_name("argument", &mut cursor).map(|n| arg(ctx, n)).collect();
    let mut i = 0;
    while i < args.len() {
        let Some(lit) = &args[i].lit else {
            i += 1;
            continue;
        };
        let next = args.get(i + 1).and_then(|a| a.lit.as_ref().filter(|_| a.flag.is_none()));
        let text = lit.value.as_str();
        let exact = lit.span.len() == text.len();
        let (flag, value, span) = match &args[i].flag {
            Some(f) => (f.clone(), lit.value.clone(), lit.span),
            None if exact && text.starts_with("--") && text.contains('=') => {
                let eq = text.find('=').unwrap_or(0);
                (text[..eq].to_string(), text[eq + 1..].to_string(), sub(lit, eq + 1))
            }
            None if exact
                && text.starts_with('-')
                && !text.starts_with("--")
                && text.len() > 2
                && text.is_char_boundary(2)
                && engine == Some("mysql") =>
            {
                (text[..2].to_string(), text[2..].to_string(), sub(lit, 2))
            }
            None if text.starts_with('-') => match next {
                // A bare `-p` makes the MySQL clients prompt; their password is only ever attached.
                Some(n)
                    if (flag_key(&prog, text).is_some() && !(engine == Some("mysql") && text == "-p"))
                        || takes_secret(text) =>
                {
                    i += 1;
                    (text.to_string(), n.value.clone(), n.span)
                }
                _ => {
                    i += 1;
                    continue;
                }
            },
            None if exact => {
                found.extend(dsn_hook::candidates(text, lit.span, scope, Some(prog.clone())));
                i += 1;
                continue;
            }
            None => {
                i += 1;
                continue;
            }
        };
        i += 1;
        if (prog == "curl" && (flag == "-u" || flag == "--user")) && value.contains(':') {
            let c = value.find(':').unwrap_or(0);
            push(
                &mut found,
                "user",
                &value[..c],
                Span::new(span.start, span.start + c),
                Role::Config("username".into()),
            );
            let pw = Span::new(span.start + c + 1, span.end);
            push(&mut found, "password", &value[c + 1..], pw, Role::Secret("password".into()));
            continue;
        }
        match flag_key(&prog, &flag) {
            Some("password") => push(&mut found, &flag, &value, span, Role::Secret("password".into())),
            Some(k) => push(&mut found, &flag, &value, span, Role::Config(k.into())),
            None if takes_secret(&flag) => push(&mut found, flag.trim_start_matches('-'), &value, span, Role::ByName),
            None => {}
        }
    }
    // Only report a command's config flags when it carries a credential.
    if found.iter().any(|c| !matches!(c.role, Role::Config(_))) {
        out.extend(found);
    }
}

/// `${DB_PASSWORD:-s3cret}`, `${PASSWORD:=s3cret}`, `${SECRET-"s3 cret"}`: the value the script
/// runs with when the variable is unset, named after the variable, wherever the expansion stands
/// (an assignment, a command argument, inside a double-quoted string; nested defaults too).
/// `${X:1}` is a substring, `${X:?msg}` an error message, `${X:+alt}` the value when set: none is
/// a default. A default holding an expansion, a command substitution or an escape is a template.
pub fn expansion(ctx: &Ctx, node: Node, out: &mut Vec<Candidate>) {
    if node.kind() == "expansion"
        && let Some((name, value, span)) = expansion_default(ctx.text(node), node.start_byte())
    {
        out.push(Candidate::new(name, value, span).with_role(Role::ByName));
    }
}

/// Every expansion inside a double-quoted string (the engine's walk doesn't enter literals).
pub fn expansions_in(ctx: &Ctx, string: Node, out: &mut Vec<Candidate>) {
    let mut cursor = string.walk();
    for c in string.named_children(&mut cursor) {
        if c.kind() == "expansion" {
            expansion(ctx, c, out);
            expansions_in(ctx, c, out);
        } else if c.kind() == "string" {
            expansions_in(ctx, c, out);
        }
    }
}

/// (variable, default, span of the default) of `${NAME<op>default}` written at byte `at`.
fn expansion_default(text: &str, at: usize) -> Option<(&str, String, Span)> {
    let inner = text.strip_prefix("${")?.strip_suffix('}')?;
    let name_len = inner.bytes().take_while(|b| b.is_ascii_alphanumeric() || *b == b'_').count();
    let rest = &inner[name_len..];
    let op = [":-", ":=", "-", "="].into_iter().find(|op| rest.starts_with(op))?;
    let raw = &rest[op.len()..];
    let start = at + 2 + name_len + op.len();
    let (value, off) = match raw.as_bytes() {
        [q @ (b'"' | b'\''), .., last] if last == q && raw.len() >= 2 => (&raw[1..raw.len() - 1], 1),
        _ => (raw, 0),
    };
    let template = value.contains(['$', '`', '\\']) || off == 0 && value.contains(['"', '\'', ' ']);
    if name_len == 0 || value.is_empty() || template {
        return None;
    }
    Some((&inner[..name_len], value.to_string(), Span::new(start + off, start + off + value.len())))
}

/// A long flag whose name says credential (`--password`, `--api-token`).
fn takes_secret(flag: &str) -> bool {
    flag.starts_with("--") && judge::is_secret_name(flag.trim_start_matches('-'))
}

/// The config key a flag sets for a known database client (or `curl`/`sshpass`).
fn flag_key(prog: &str, flag: &str) -> Option<&'static str> {
    let long = match flag {
        "--password" => return Some("password"),
        "--user" | "--username" => Some("username"),
        "--host" => Some("host"),
        "--port" => Some("port"),
        "--database" | "--dbname" => Some("dbname"),
        _ => None,
    };
    let db = matches!(prog, "mysql" | "mysqldump" | "mysqladmin" | "mysqlimport" | "mariadb" | "mysqlsh");
    let pg = prog.starts_with("pg_") || matches!(prog, "psql" | "createdb" | "dropdb");
    if !(db || pg) {
        return match (prog, flag) {
            ("sshpass", "-p") => Some("password"),
            ("curl", "-u" | "--user") => Some("username"),
            _ => None,
        };
    }
    long.or(match (db, flag) {
        (true, "-p") => Some("password"),
        (true, "-u") | (false, "-U") => Some("username"),
        (_, "-h") => Some("host"),
        (true, "-P") | (false, "-p") => Some("port"),
        (true, "-D") | (false, "-d") => Some("dbname"),
        _ => None,
    })
}

/// The literal `lit` from byte `at` of its value on (only for escape-free words and raw strings).
fn sub(lit: &Literal, at: usize) -> Span {
    Span::new(lit.span.start + at, lit.span.end)
}

fn arg(ctx: &Ctx, n: Node) -> Arg {
    if n.kind() == "concatenation" {
        let kids = named(n);
        if let [flag, value] = kids.as_slice()
            && flag.kind() == "word"
            && let Some(f) = ctx.text(*flag).strip_suffix('=')
            && let Some(lit) = literal::read(ctx.kinds, *value, ctx.src)
        {
            return Arg { flag: Some(f.to_string()), lit: Some(lit) };
        }
        return Arg { flag: None, lit: None };
    }
    Arg { flag: None, lit: literal::read(ctx.kinds, n, ctx.src) }
}

#[cfg(test)]
mod tests {
    use super::expansion_default;

    #[test]
    fn parameter_expansion_defaults() {
        let d = |t: &str| expansion_default(t, 10).map(|(n, v, s)| (n.to_string(), v, s.start - 10, s.len()));
        assert_eq!(d("${DB_PASSWORD:-s3cret}"), Some(("DB_PASSWORD".into(), "s3cret".into(), 15, 6)));
        assert_eq!(d("${PASSWORD:=pw4x}"), Some(("PASSWORD".into(), "pw4x".into(), 12, 4)));
        assert_eq!(d("${SECRET-'let me in'}"), Some(("SECRET".into(), "let me in".into(), 10, 9)));
        for t in [
            "${PASSWORD:1}",
            "${PASSWORD:?unset}",
            "${PASSWORD:+x}",
            "${PASSWORD:-}",
            "${PASSWORD:-$X}",
            "${A:-${B:-x}}",
            "${#PASSWORD}",
        ] {
            assert_eq!(d(t), None, "{t}");
        }
    }
}
