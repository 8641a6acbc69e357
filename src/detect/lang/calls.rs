//! Literals passed to calls: env defaults and key/value setters (`os.getenv("X", "…")`,
//! `props.put("password", "…")`, `define('DB_PASSWORD', '…')`), setters and builders
//! (`cfg.setPassword("…")`), and positional arguments of well-known sinks
//! (`DriverManager.getConnection(url, user, pass)`, `new PDO($dsn, $user, $pass)`).

use super::context::{Ctx, last_segment, named};
use super::kinds::NUMBER;
use super::literal::{self, Literal};
use crate::detect::group::{Candidate, Role};
use crate::detect::judge;
use tree_sitter::Node;

/// More arguments than any key/value call, setter or sink takes (the widest, `mysqli`, takes 6).
const MAX_ARGUMENTS: usize = 32;

/// Methods whose first argument names the value in the second.
const KEY_VALUE: &[&str] = &[
    "getenv",
    "get",
    "setdefault",
    "put",
    "set",
    "setproperty",
    "getproperty",
    "getordefault",
    "fetch",
    "define",
    "setenv",
    "env",
    "putifabsent",
    "withenv",
    "add",
    "store",
];

/// Builder methods that take the value directly (`.password("…")`).
const BUILDERS: &[&str] =
    &["password", "username", "user", "host", "port", "database", "apikey", "token", "secret", "accesskey"];

/// Positional sinks: method (lowercase) → minimum argument count and the key of each position.
const SINKS: &[(&str, usize, &[&str])] = &[
    ("getconnection", 3, &["", "username", "password"]),
    ("pdo", 3, &["", "username", "password"]),
    ("mysqli", 3, &["host", "username", "password", "dbname", "port"]),
    ("mysqli_connect", 3, &["host", "username", "password", "dbname", "port"]),
    ("real_connect", 3, &["host", "username", "password", "dbname", "port"]),
    ("connect", 3, &["host", "username", "password", "dbname"]),
    ("sequelize", 3, &["dbname", "username", "password"]),
    ("httpbasicauth", 2, &["username", "password"]),
    ("httpdigestauth", 2, &["username", "password"]),
    ("basicauth", 2, &["username", "password"]),
    ("setbasicauth", 2, &["username", "password"]),
    ("basic_auth", 2, &["username", "password"]),
    ("auth", 2, &["username", "password"]),
    ("usernamepasswordcredentials", 2, &["username", "password"]),
    ("usernamepasswordauthenticationtoken", 2, &["username", "password"]),
    ("passwordauthentication", 2, &["username", "password"]),
];

/// Calls (lowercase last segment) that wrap the literal they are given into the value a binding
/// holds: `password = SecretStr("…")`, CDK `masterUserPassword: SecretValue.unsafePlainText("…")`,
/// `Buffer.from("…")`, `SecureString`.
const WRAPPERS: &[&str] =
    &["secretstr", "secretbytes", "securestring", "unsafeplaintext", "plaintext", "plain_text", "from"];

/// The callee of a call node as dotted text (`psycopg2.connect`, `DriverManager.getConnection`,
/// `PDO`).
pub fn callee(ctx: &Ctx, call: Node) -> Option<String> {
    let f = |name: &str| ctx.kinds.field(call, name).map(|n| ctx.text(n));
    let text = match (f("function"), f("constructor"), f("method"), f("name"), f("type")) {
        (Some(t), ..) | (None, Some(t), ..) => t.to_string(),
        (None, None, Some(m), ..) => join(f("receiver"), m),
        (None, None, None, Some(n), _) => join(f("object").or(f("scope")), n),
        (None, None, None, None, Some(t)) => t.to_string(),
        _ => {
            // PHP `new PDO(...)`: the class name is an unnamed-field child.
            let kids = named(call);
            let k = kids.iter().find(|k| matches!(k.kind(), "name" | "qualified_name"))?;
            ctx.text(*k).to_string()
        }
    };
    Some(text.replace("->", ".").replace("::", ".").replace("?.", "."))
}

fn join(recv: Option<&str>, m: &str) -> String {
    match recv {
        Some(r) => format!("{r}.{m}"),
        None => m.to_string(),
    }
}

/// Candidates for a literal that is argument `cur` of the call owning `args`.
pub fn argument<'t>(ctx: &Ctx<'t>, args: Node<'t>, cur: Node<'t>, lit: Literal, out: &mut Vec<Candidate>) {
    if args.named_child_count() > MAX_ARGUMENTS {
        // Data passed as arguments (checked in O(1): listing them per argument is quadratic).
        return;
    }
    let Some(call) = ctx.parent(args) else { return };
    let Some(callee) = callee(ctx, call) else { return };
    let method = last_segment(&callee).trim_start_matches('$');
    let lower = method.to_ascii_lowercase();
    let all = named(args);
    let Some(i) = all.iter().position(|a| a.id() == cur.id()) else { return };
    let scope_name = || ctx.container_name(args);
    let number = ctx.kinds.is(unwrap_arg(cur), NUMBER);

    // Key/value: the first argument is the name.
    if i == 1
        && KEY_VALUE.contains(&lower.as_str())
        && let Some(key) = literal::read(ctx.kinds, unwrap_arg(all[0]), ctx.src)
    {
        let c = Candidate::new(key.value, lit.value, lit.span);
        if number {
            // A number is a port or similar config value, never a credential.
            if let Some(k) = judge::config_key(&c.name) {
                out.push(c.with_role(Role::Config(k.into())));
            }
        } else {
            out.push(c);
        }
        return;
    }

    // Setters and builders: `cfg.setPassword("…")`, `.withUsername("…")`, `.password("…")`.
    let receiver = callee.strip_suffix(method).unwrap_or("").trim_end_matches('.');
    // A wrapper's one argument is the value of what the call is bound to (`password = new
    // StringCredentialValue("…")`): a known wrapper, or a constructor of a credential type.
    // Only the whole value of the binding: not a part of an expression (`'Basic ' +
    // Buffer.from(…)`), a receiver (`Buffer.from(…).toString()`) or another call's argument.
    if all.len() == 1 && !number && ctx.parent(call).is_some_and(|p| !is_operand(ctx, p)) {
        let wrapper = WRAPPERS.contains(&lower.as_str()) && (lower != "from" || receiver == "Buffer");
        let constructs =
            matches!(call.kind(), "object_creation_expression" | "new_expression") && is_value_type(method);
        if (wrapper || constructs)
            && let Some(name) = ctx.container_name(call).filter(|n| judge::is_secret_name(n))
        {
            out.push(Candidate::new(name, lit.value, lit.span));
            return;
        }
    }
    if all.len() == 1 && !receiver.is_empty() && !number {
        // Go and C# setters are exported, so capitalised: `req.SetPassword("…")`, `SetAuthToken("…")`.
        let field = ["set_", "set", "Set", "with_", "with", "With"]
            .iter()
            .find_map(|p| {
                method.strip_prefix(p).filter(|r| r.starts_with(|c: char| c.is_uppercase() || p.ends_with('_')))
            })
            .or_else(|| BUILDERS.contains(&lower.as_str()).then_some(method));
        if let Some(field) = field
            && (judge::is_secret_name(field) || judge::config_key(field).is_some())
        {
            let simple = receiver.chars().all(|c| c.is_alphanumeric() || c == '_' || c == '.');
            let name = if simple { format!("{}.{field}", last_segment(receiver)) } else { field.to_string() };
            let c = Candidate::new(name, lit.value, lit.span);
            out.push(match chain_root(ctx, call) {
                Some(root) => c.in_scope(root.id(), ctx.container_name(root)),
                None => c,
            });
            return;
        }
    }

    // Positional sinks.
    if let Some((_, min, keys)) = SINKS.iter().find(|(m, ..)| *m == lower)
        && all.len() >= *min
        && let Some(key) = keys.get(i).filter(|k| !k.is_empty())
    {
        let role = if *key == "password" { Role::Secret("password".into()) } else { Role::Config(key.to_string()) };
        let mut c = Candidate::new(*key, lit.value, lit.span).with_role(role).in_scope(args.id(), scope_name());
        c.engine = engine_of(&callee, all.first().and_then(|a| literal::read(ctx.kinds, unwrap_arg(*a), ctx.src)));
        out.push(c);
    }
}

/// A node that uses its child as an operand, receiver or argument rather than binding it.
fn is_operand(ctx: &Ctx, p: Node) -> bool {
    let k = p.kind();
    ctx.spec.binary.contains(&k)
        || ctx.spec.arguments.contains(&k)
        || k.contains("call")
        || k.contains("member")
        || k.contains("binary")
        || matches!(k, "method_invocation" | "selector_expression" | "field_access" | "attribute" | "argument")
}

/// A type that holds a credential's value (`StringCredentialValue`, `PlainTextPassword`,
/// `SecretString`), not one that names or finds one (`Credential("/prod/db")` takes a path).
fn is_value_type(name: &str) -> bool {
    let w = judge::words(name);
    let has = |ws: &[&str]| w.iter().any(|x| ws.contains(&x.as_str()));
    has(&["password", "passwd", "passphrase"])
        || has(&["credential", "secret", "token"]) && has(&["value", "plain", "plaintext", "string", "str", "bytes"])
}

/// PHP wraps each argument in an `argument` node.
fn unwrap_arg(n: Node) -> Node {
    if n.kind() == "argument" { named(n).last().copied().unwrap_or(n) } else { n }
}

/// The outermost call of a builder chain (`Builder.create().username(…).password(…)`), so all its
/// links share a scope; `None` for a call on a plain receiver.
fn chain_root<'t>(ctx: &Ctx<'t>, call: Node<'t>) -> Option<Node<'t>> {
    let mut cur = call;
    let mut chained = false;
    while let Some(p) = ctx.parent(cur) {
        let k = p.kind();
        let link = k.contains("call")
            || k.contains("member")
            || k == "method_invocation"
            || k == "selector_expression"
            || k == "attribute"
            || k == "field_access";
        if !link {
            break;
        }
        chained = true;
        cur = p;
    }
    chained.then_some(cur)
}

/// A database engine hint from a callee or a PDO-style DSN argument.
fn engine_of(callee: &str, first: Option<Literal>) -> Option<String> {
    let c = callee.to_ascii_lowercase();
    let dsn = first.map(|l| l.value.to_ascii_lowercase()).unwrap_or_default();
    let hint = |s: &str| {
        if s.contains("postgres") || s.contains("psycopg") || s.starts_with("pgsql") || s.contains(":postgresql") {
            Some("postgres")
        } else if s.contains("mysql") || s.contains("mariadb") {
            Some("mysql")
        } else if s.contains("sqlserver") || s.contains("mssql") {
            Some("sqlserver")
        } else if s.contains("oracle") {
            Some("oracle")
        } else {
            None
        }
    };
    hint(&dsn).or_else(|| hint(&c)).map(str::to_string)
}
