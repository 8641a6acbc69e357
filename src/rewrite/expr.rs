//! The expressions a literal becomes, per language: an environment lookup that fails loudly with
//! the variable's name when it is missing, or a Secrets Manager call by full ARN. Every string
//! formatted into code goes through [`escape`] for its language and quote, although plan
//! validation already limits keys and variable names to plain charsets: the plan is a file people
//! edit and pull requests change, so what it says is never pasted into code as is.

use super::lang::Lang;
use crate::model::Shape;

/// The quote character to write new string literals with (the replaced literal's, where allowed).
pub fn quote_for(lang: Lang, original: &str) -> char {
    match lang {
        Lang::Go | Lang::Java | Lang::Shell => '"',
        Lang::Php => '\'',
        _ => {
            let q = original.trim_start_matches(|c: char| c.is_ascii_alphabetic()).chars().next();
            if q == Some('\'') { '\'' } else { '"' }
        }
    }
}

/// The environment lookup for `var`; `int` keeps an integer literal an integer. `indent` is the
/// leading whitespace of the literal's line (Go's lookup spans lines).
pub fn env_lookup(lang: Lang, q: char, var: &str, int: bool, indent: &str) -> String {
    let raw = var;
    let var = escape(lang, q, raw);
    let dq = escape(lang, '"', raw);
    let sq = escape(lang, '\'', raw);
    match lang {
        Lang::Python => wrap_int(int, "int(", format!("os.environ[{q}{var}{q}]"), ")"),
        Lang::JavaScript | Lang::TypeScript | Lang::Tsx => {
            wrap_int(int, "Number(", format!("hoistEnv({q}{var}{q})"), ")")
        }
        Lang::Java => wrap_int(
            int,
            "Integer.parseInt(",
            format!("java.util.Objects.requireNonNull(System.getenv(\"{dq}\"), \"missing environment variable {dq}\")"),
            ")",
        ),
        Lang::Ruby => wrap_int(int, "Integer(", format!("ENV.fetch({q}{var}{q})"), ")"),
        Lang::Php => format!(
            "{}(getenv('{sq}') ?: throw new \\RuntimeException('missing environment variable {sq}'))",
            if int { "(int) " } else { "" }
        ),
        Lang::Shell => format!("\"{}\"", super::shell::expansion(raw)),
        Lang::Go if int => [
            "func() int {".to_string(),
            format!("{indent}\tv, err := strconv.Atoi(os.Getenv(\"{dq}\"))"),
            format!("{indent}\tif err != nil {{"),
            format!("{indent}\t\tpanic(\"environment variable {dq}: \" + err.Error())"),
            format!("{indent}\t}}"),
            format!("{indent}\treturn v"),
            format!("{indent}}}()"),
        ]
        .join("\n"),
        Lang::Go => [
            "func() string {".to_string(),
            format!("{indent}\tv, ok := os.LookupEnv(\"{dq}\")"),
            format!("{indent}\tif !ok {{"),
            format!("{indent}\t\tpanic(\"missing environment variable {dq}\")"),
            format!("{indent}\t}}"),
            format!("{indent}\treturn v"),
            format!("{indent}}}()"),
        ]
        .join("\n"),
    }
}

/// The Secrets Manager read for `arn` (and `key` of a JSON secret), through the generated helper,
/// which returns environment variable `env` instead when it is set (a deployment injected it).
/// `None` for shell (it has no sdk rewrite).
pub fn sdk_lookup(lang: Lang, q: char, arn: &str, key: &str, shape: Shape, int: bool, env: &str) -> Option<String> {
    let (arn, env) = (escape(lang, q, arn), escape(lang, q, env));
    let key = match shape {
        Shape::Json => format!("{q}{}{q}", escape(lang, q, key)),
        _ => String::new(),
    };
    // `AWS_*` variables are the SDK's own configuration (the caller's credentials): reading the
    // secret from one of them would return the process's credentials, not the secret.
    let env = Some(env).filter(|e| !e.starts_with("AWS_"));
    match lang {
        Lang::Python => {
            let args = match (key.is_empty(), env) {
                (_, Some(e)) => format!(", {}, env={q}{e}{q}", if key.is_empty() { "None" } else { &key }),
                (false, None) => format!(", {key}"),
                (true, None) => String::new(),
            };
            Some(wrap_int(int, "int(", format!("hoist_secrets.get({q}{arn}{q}{args})"), ")"))
        }
        Lang::JavaScript | Lang::TypeScript | Lang::Tsx => {
            let args = match (key.is_empty(), env) {
                (_, Some(e)) => format!(", {}, {q}{e}{q}", if key.is_empty() { "undefined" } else { &key }),
                (false, None) => format!(", {key}"),
                (true, None) => String::new(),
            };
            let call = format!("hoistSecrets.get({q}{arn}{q}{args})");
            Some(if int { format!("Number(await {call})") } else { format!("(await {call})") })
        }
        // Go, Java and PHP take every argument positionally; an absent key or variable is `""`
        // in Go and `null` in Java and PHP.
        Lang::Go => {
            let (key, env) = (or(&key, "\"\""), env.map_or_else(|| "\"\"".to_string(), |e| format!("\"{e}\"")));
            let f = if int { "hoistSecretInt" } else { "hoistSecret" };
            Some(format!("{f}(\"{arn}\", {key}, {env})"))
        }
        Lang::Java => {
            let (key, env) = (or(&key, "null"), env.map_or_else(|| "null".to_string(), |e| format!("\"{e}\"")));
            Some(wrap_int(int, "Integer.parseInt(", format!("HoistSecrets.get(\"{arn}\", {key}, {env})"), ")"))
        }
        Lang::Php => {
            let (key, env) = (or(&key, "null"), env.map_or_else(|| "null".to_string(), |e| format!("{q}{e}{q}")));
            let call = format!("\\HoistSecrets::get({q}{arn}{q}, {key}, {env})");
            Some(if int { format!("(int) {call}") } else { call })
        }
        Lang::Ruby => {
            let args = match (key.is_empty(), env) {
                (_, Some(e)) => format!(", {}, env: {q}{e}{q}", or(&key, "nil")),
                (false, None) => format!(", {key}"),
                (true, None) => String::new(),
            };
            Some(wrap_int(int, "Integer(", format!("HoistSecrets.get({q}{arn}{q}{args})"), ")"))
        }
        Lang::Shell => None,
    }
}

/// `s`, or `none` when it is empty.
fn or(s: &str, none: &str) -> String {
    if s.is_empty() { none.to_string() } else { s.to_string() }
}

/// The reference a person writes by hand for a `manual` site.
pub fn manual_reference(lang: Option<Lang>, var: &str, secret: &str, key: &str, shape: Shape) -> String {
    let what = match shape {
        Shape::Json => format!("secret {secret}, key {key}"),
        _ => format!("secret {secret}"),
    };
    match lang {
        Some(l) => format!("read environment variable {var} ({what}), e.g. {}", env_lookup(l, '"', var, false, "")),
        None => format!("read environment variable {var} ({what})"),
    }
}

/// `s` as the inside of a string literal of `lang` quoted with `q`: backslashes and the quote
/// escaped, line breaks and control characters written as escapes, and the interpolations of
/// double-quoted strings (`$` in PHP and shell, `` ` `` in shell, `#` in Ruby) disarmed.
pub fn escape(lang: Lang, q: char, s: &str) -> String {
    // Single-quoted PHP strings know only `\\` and `\'`; shell strings have no escapes for
    // control characters. Either way such a character stays inside the string.
    let raw_controls = lang == Lang::Shell || (lang == Lang::Php && q == '\'');
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            c if c == q => {
                out.push('\\');
                out.push(c);
            }
            '$' if q == '"' && matches!(lang, Lang::Php | Lang::Shell) => out.push_str("\\$"),
            '`' if lang == Lang::Shell => out.push_str("\\`"),
            '#' if q == '"' && lang == Lang::Ruby => out.push_str("\\#"),
            c if raw_controls && c.is_control() => out.push(if lang == Lang::Shell { '_' } else { c }),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            // Java turns `\uXXXX` into the character before lexing; octal escapes stay escapes.
            c if lang == Lang::Java && (c as u32) < 0x100 && c.is_control() => {
                out.push_str(&format!("\\{:03o}", c as u32))
            }
            c if lang == Lang::Php && c.is_control() => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c if c.is_control() || matches!(c, '\u{2028}' | '\u{2029}') => {
                out.push_str(&format!("\\u{:04x}", c as u32))
            }
            c => out.push(c),
        }
    }
    out
}

fn wrap_int(int: bool, open: &str, inner: String, close: &str) -> String {
    if int { format!("{open}{inner}{close}") } else { inner }
}

/// `expr` percent-encoded for a URL's user info, where the file spelled the value with percent
/// escapes (the secret holds the decoded value): `None` for a language without a built-in that
/// needs no import (the site is left to the user).
pub fn url_encoded(lang: Lang, q: char, expr: &str) -> Option<String> {
    match lang {
        Lang::Python => Some(format!("__import__({q}urllib.parse{q}).parse.quote({expr}, safe={q}{q})")),
        Lang::JavaScript | Lang::TypeScript | Lang::Tsx => Some(format!("encodeURIComponent({expr})")),
        Lang::Php => Some(format!("rawurlencode({expr})")),
        _ => None,
    }
}

/// The string-concatenation operator (shell concatenates by juxtaposition).
pub fn concat_op(lang: Lang) -> &'static str {
    match lang {
        Lang::Php => " . ",
        Lang::Shell => "",
        _ => " + ",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookups_name_the_variable_and_keep_ints() {
        assert_eq!(env_lookup(Lang::Python, '\'', "DB_PORT", true, ""), "int(os.environ['DB_PORT'])");
        assert_eq!(env_lookup(Lang::Ruby, '"', "X", false, ""), "ENV.fetch(\"X\")");
        assert!(env_lookup(Lang::Php, '"', "X", false, "").contains("missing environment variable X"));
        assert!(env_lookup(Lang::Go, '"', "X", false, "\t").contains("\t\tpanic(\"missing environment variable X\")"));
        assert_eq!(quote_for(Lang::Python, "r'abc'"), '\'');
        assert_eq!(
            sdk_lookup(Lang::Python, '"', "arn:x", "password", Shape::Json, false, "PW").unwrap(),
            "hoist_secrets.get(\"arn:x\", \"password\", env=\"PW\")"
        );
        assert!(sdk_lookup(Lang::Shell, '"', "arn:x", "k", Shape::Json, false, "K").is_none());
        assert_eq!(
            sdk_lookup(Lang::Go, '"', "arn:x", "k", Shape::Json, true, "K").unwrap(),
            "hoistSecretInt(\"arn:x\", \"k\", \"K\")"
        );
        assert_eq!(
            sdk_lookup(Lang::Go, '"', "arn:x", "value", Shape::String, false, "AWS_X").unwrap(),
            "hoistSecret(\"arn:x\", \"\", \"\")"
        );
        assert_eq!(
            sdk_lookup(Lang::Java, '"', "arn:x", "value", Shape::String, false, "K").unwrap(),
            "HoistSecrets.get(\"arn:x\", null, \"K\")"
        );
        assert_eq!(
            sdk_lookup(Lang::Java, '"', "arn:x", "port", Shape::Json, true, "P").unwrap(),
            "Integer.parseInt(HoistSecrets.get(\"arn:x\", \"port\", \"P\"))"
        );
        assert_eq!(
            sdk_lookup(Lang::Ruby, '\'', "arn:x", "k", Shape::Json, false, "K").unwrap(),
            "HoistSecrets.get('arn:x', 'k', env: 'K')"
        );
        assert_eq!(
            sdk_lookup(Lang::Php, '\'', "arn:x", "k", Shape::Json, true, "K").unwrap(),
            "(int) \\HoistSecrets::get('arn:x', 'k', 'K')"
        );
    }

    #[test]
    fn injected_keys_and_names_stay_inside_their_string() {
        let evil = "pw\") + __import__(\"os\").system(\"id\") + (\"";
        let py = sdk_lookup(Lang::Python, '"', "arn:x", evil, Shape::Json, false, "PW").unwrap();
        assert_eq!(
            py,
            "hoist_secrets.get(\"arn:x\", \"pw\\\") + __import__(\\\"os\\\").system(\\\"id\\\") + (\\\"\", env=\"PW\")"
        );
        let js = sdk_lookup(Lang::JavaScript, '\'', "arn:x", "a'b\\", Shape::Json, false, "K").unwrap();
        assert_eq!(js, "(await hoistSecrets.get('arn:x', 'a\\'b\\\\', 'K'))");
        assert_eq!(env_lookup(Lang::Ruby, '"', "A#{x}", false, ""), "ENV.fetch(\"A\\#{x}\")");
        assert_eq!(
            env_lookup(Lang::Shell, '"', "A;rm -rf $HOME", false, ""),
            "\"${A_rm__rf__HOME:?set A_rm__rf__HOME: hoist run or the deployment}\""
        );
        assert!(
            env_lookup(Lang::Php, '"', "A'.system('id').'", false, "").contains("getenv('A\\'.system(\\'id\\').\\'')")
        );
        assert!(env_lookup(Lang::Java, '"', "A\"+x+\"", false, "").contains("System.getenv(\"A\\\"+x+\\\"\")"));
        assert_eq!(escape(Lang::Python, '"', "a\nb"), "a\\nb");
        let go = sdk_lookup(Lang::Go, '"', "arn:x", "k\") + os.Exit(1) + (\"", Shape::Json, false, "K").unwrap();
        assert_eq!(go, "hoistSecret(\"arn:x\", \"k\\\") + os.Exit(1) + (\\\"\", \"K\")");
        let rb = sdk_lookup(Lang::Ruby, '"', "arn:x", "#{system('id')}", Shape::Json, false, "K").unwrap();
        assert_eq!(rb, "HoistSecrets.get(\"arn:x\", \"\\#{system('id')}\", env: \"K\")");
        let php = sdk_lookup(Lang::Php, '\'', "arn:x", "k'.system('id').'", Shape::Json, false, "K").unwrap();
        assert_eq!(php, "\\HoistSecrets::get('arn:x', 'k\\'.system(\\'id\\').\\'', 'K')");
        let java = sdk_lookup(Lang::Java, '"', "arn:x", "k\\u000a", Shape::Json, false, "K").unwrap();
        assert!(java.contains("\"k\\\\u000a\""), "{java}");
        assert_eq!(
            sdk_lookup(Lang::Python, '"', "arn:x", "aws_access_key_id", Shape::Json, false, "AWS_ACCESS_KEY_ID")
                .unwrap(),
            "hoist_secrets.get(\"arn:x\", \"aws_access_key_id\")",
            "the SDK's own variables are never read as the secret"
        );
        assert_eq!(
            sdk_lookup(Lang::TypeScript, '"', "arn:x", "k", Shape::Json, true, "K").unwrap(),
            "Number(await hoistSecrets.get(\"arn:x\", \"k\", \"K\"))"
        );
    }
}
