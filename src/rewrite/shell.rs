//! Shell scripts: a literal credential becomes `"${X:?set X: hoist run or the deployment}"` in
//! place — in an assignment or `export`, a `${NAME:-literal}` default (the whole expansion goes,
//! so no literal fallback is left behind), a command-line word (`-pSECRET`, `--password=SECRET`),
//! a double- or single-quoted string or an unquoted heredoc. The script stops with that message
//! when X is missing instead of running with an empty credential; `hoist run` or the deployment
//! that runs the script provides X.
//!
//! With strategy `sdk` (a script no deployment runs: CI, cron, a `bin/` tool) the site reads the
//! same `"${X:?…}"` and one line per variable after the shebang fills X — unless the environment
//! already gives it — by full ARN with the `aws` CLI (`jq` picks a JSON secret's key), so a failed
//! fetch still stops the script with the message instead of running with an empty credential.

use crate::model::{Span, Strategy};
use tree_sitter::Node;

/// The expansion a script reads `var` with (unquoted; callers quote where the place needs it).
/// `${NAME:?word}` takes a name, not a string, so anything but `[A-Za-z0-9_]` becomes `_`.
pub fn expansion(var: &str) -> String {
    let name = disarm(var);
    format!("${{{name}:?set {name}: hoist run or the deployment}}")
}

/// `var` as a shell variable name: anything but `[A-Za-z0-9_]` becomes `_`.
fn disarm(var: &str) -> String {
    var.chars().map(|c| if c.is_ascii_alphanumeric() || c == '_' { c } else { '_' }).collect()
}

/// The expansion of a site with strategy `sdk`: like [`expansion`], with the message saying where
/// the value should have come from.
fn fetched_expansion(var: &str) -> String {
    let name = disarm(var);
    format!("${{{name}:?set {name}: not in the environment and the aws CLI could not read it}}")
}

/// One variable a script fills from Secrets Manager (strategy `sdk`).
pub struct Fetch<'a> {
    /// The variable.
    pub var: &'a str,
    /// The secret's full ARN.
    pub arn: &'a str,
    /// The JSON key, for a JSON secret (`None`: the whole SecretString).
    pub key: Option<&'a str>,
}

/// The `aws` CLI command that prints one secret's value (the key of a JSON secret through `jq`).
pub fn fetch_command(f: &Fetch<'_>) -> String {
    let arn = crate::keyfile::mounts::sh_quote(f.arn);
    // The endpoint is the ARN's region, whatever the caller's default region is.
    let region =
        f.arn.split(':').nth(3).filter(|r| !r.is_empty() && r.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'));
    let region = region.map(|r| format!(" --region {r}")).unwrap_or_default();
    let get =
        format!("aws secretsmanager get-secret-value{region} --secret-id {arn} --query SecretString --output text");
    match f.key {
        None => get,
        Some(k)
            if k.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
                && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') =>
        {
            format!("{get} | jq -r .{k}")
        }
        Some(k) => format!(
            "{get} | jq -r {}",
            crate::keyfile::mounts::sh_quote(&format!(".[{}]", serde_json::to_string(k).expect("strings serialize")))
        ),
    }
}

/// The lines a script with `sdk` sites gets after its shebang (at the top without one): each
/// variable, unless the environment gives it, read from Secrets Manager by full ARN.
pub fn prologue(text: &str, fetches: &[Fetch<'_>]) -> Option<(Span, String)> {
    if fetches.is_empty() {
        return None;
    }
    let at = if text.starts_with("#!") { text.find('\n').map_or(text.len(), |i| i + 1) } else { 0 };
    let nl = if at > 0 && !text[..at].ends_with('\n') { "\n" } else { "" };
    let mut s = format!(
        "{nl}# Added by hoist: read from AWS Secrets Manager by full ARN unless the environment gives it (needs the aws CLI{}).\n",
        if fetches.iter().any(|f| f.key.is_some()) { " and jq" } else { "" }
    );
    let mut seen: Vec<String> = Vec::new();
    for f in fetches {
        let name = disarm(f.var);
        if seen.contains(&name) {
            continue;
        }
        s.push_str(&format!("{name}=\"${{{name}:-$({})}}\"\n", fetch_command(f)));
        seen.push(name);
    }
    Some((Span::new(at, at), s))
}

/// The edit that replaces the value at `span` with an expansion that fits where it sits, or why
/// it can't be rewritten.
pub(super) fn replacement(
    root: Node<'_>,
    text: &str,
    span: Span,
    var: &str,
    strategy: Strategy,
) -> Result<(Span, String), String> {
    let exp = if strategy == Strategy::Sdk { fetched_expansion(var) } else { expansion(var) };
    let mut node = root.descendant_for_byte_range(span.start, span.end).ok_or("no syntax node at the value")?;
    loop {
        let whole = Span::new(node.start_byte(), node.end_byte());
        // The value sits in quotes exactly (`'v'`, `"v"`): the quotes go with it.
        let exact_quoted = span.start > 0 && whole == Span::new(span.start - 1, span.end + 1);
        match node.kind() {
            "word" | "string" | "raw_string" | "number" | "concatenation"
                if node.parent().is_some_and(|p| p.kind() == "expansion") =>
            {
                return default_of(node.parent().unwrap(), text, span, &exp);
            }
            "string" => return Ok(if exact_quoted { (whole, format!("\"{exp}\"")) } else { (span, exp) }),
            "raw_string" => {
                return Ok(if exact_quoted { (whole, format!("\"{exp}\"")) } else { (span, format!("'\"{exp}\"'")) });
            }
            "ansi_c_string" | "translated_string" => {
                return Err("the value is in a $'…' or $\"…\" string".into());
            }
            "word" | "number" | "concatenation" => return Ok((span, format!("\"{exp}\""))),
            "heredoc_body" | "heredoc_content" => {
                return if heredoc_expands(node, text) {
                    Ok((span, exp))
                } else {
                    Err("the value is in a quoted heredoc (<<'EOF'), which doesn't expand variables".into())
                };
            }
            "program" => break,
            _ => {}
        }
        node = node.parent().ok_or("no enclosing word")?;
    }
    Err("the value is not in a shell word or string".into())
}

/// `${NAME:-literal}` (also `-`, `:=`, `=`) whose whole default is the value: the expansion
/// becomes `${X:?…}`, quoted unless it already sits in a double-quoted string.
fn default_of(exp_node: Node<'_>, text: &str, span: Span, exp: &str) -> Result<(Span, String), String> {
    let src = &text[exp_node.start_byte()..exp_node.end_byte()];
    let inner = src.strip_prefix("${").and_then(|s| s.strip_suffix('}')).ok_or("not a ${…} expansion")?;
    let name_len = inner.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(inner.len());
    let rest = &inner[name_len..];
    let op = [":-", ":=", "-", "="]
        .into_iter()
        .find(|op| rest.starts_with(op))
        .ok_or_else(|| "the value is inside a parameter expansion that isn't a default (${NAME:-value})".to_string())?;
    let default = rest[op.len()..].trim_matches(|c| c == '"' || c == '\'');
    let value = &text[span.start..span.end];
    if name_len == 0 || default != value {
        return Err("the value is only part of a parameter expansion's default".into());
    }
    let whole = Span::new(exp_node.start_byte(), exp_node.end_byte());
    let in_string = exp_node.parent().is_some_and(|p| p.kind() == "string");
    Ok((whole, if in_string { exp.to_string() } else { format!("\"{exp}\"") }))
}

/// True when the heredoc holding `node` expands variables (its delimiter is unquoted).
fn heredoc_expands(node: Node<'_>, text: &str) -> bool {
    let mut cur = Some(node);
    while let Some(n) = cur {
        let mut c = n.walk();
        if let Some(start) = n.children(&mut c).find(|k| k.kind() == "heredoc_start") {
            let delim = &text[start.start_byte()..start.end_byte()];
            return !delim.contains(['\'', '"', '\\']);
        }
        cur = n.parent();
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rewrite::lang::Lang;

    /// Rewrites the first occurrence of `value` in `script` to `X`.
    fn rewrite(script: &str, value: &str) -> Result<String, String> {
        let tree = Lang::Shell.parse(script).unwrap();
        let start = script.find(value).unwrap();
        let (span, new) =
            replacement(tree.root_node(), script, Span::new(start, start + value.len()), "X", Strategy::Env)?;
        Ok(format!("{}{new}{}", &script[..span.start], &script[span.end..]))
    }

    const E: &str = "${X:?set X: hoist run or the deployment}";

    #[test]
    fn assignments_exports_and_command_words() {
        assert_eq!(rewrite("export A='s3cr3t'\n", "s3cr3t").unwrap(), format!("export A=\"{E}\"\n"));
        assert_eq!(rewrite("A=\"s3cr3t\"\n", "s3cr3t").unwrap(), format!("A=\"{E}\"\n"));
        assert_eq!(rewrite("A=s3cr3t\n", "s3cr3t").unwrap(), format!("A=\"{E}\"\n"));
        assert_eq!(rewrite("mysql -u r -ps3cr3t db\n", "s3cr3t").unwrap(), format!("mysql -u r -p\"{E}\" db\n"));
        assert_eq!(rewrite("d --password=s3cr3t x\n", "s3cr3t").unwrap(), format!("d --password=\"{E}\" x\n"));
        assert_eq!(rewrite("c 'u:s3cr3t@h'\n", "s3cr3t").unwrap(), format!("c 'u:'\"{E}\"'@h'\n"));
        assert_eq!(rewrite("c \"u:s3cr3t@h\"\n", "s3cr3t").unwrap(), format!("c \"u:{E}@h\"\n"));
    }

    #[test]
    fn a_default_loses_its_literal_fallback() {
        assert_eq!(rewrite("A=${TOK:-s3cr3t}\n", "s3cr3t").unwrap(), format!("A=\"{E}\"\n"));
        assert_eq!(rewrite("A=\"${TOK:-s3cr3t}\"\n", "s3cr3t").unwrap(), format!("A=\"{E}\"\n"));
        assert_eq!(rewrite("A=${TOK:-\"s3cr3t\"}\n", "s3cr3t").unwrap(), format!("A=\"{E}\"\n"));
        assert_eq!(rewrite(": \"${TOK:=s3cr3t}\"\n", "s3cr3t").unwrap(), format!(": \"{E}\"\n"));
        assert_eq!(rewrite("c \"u:${P:-s3cr3t}@h\"\n", "s3cr3t").unwrap(), format!("c \"u:{E}@h\"\n"));
        // Part of a default: only the value goes (the rest of the default stays).
        assert_eq!(rewrite("A=${TOK:-pre-s3cr3t}\n", "s3cr3t").unwrap(), format!("A=${{TOK:-pre-\"{E}\"}}\n"));
        assert!(rewrite("A=${TOK#s3cr3t}\n", "s3cr3t").is_err());
    }

    #[test]
    fn heredocs_expand_only_unquoted() {
        assert_eq!(rewrite("cat <<EOF\npw=s3cr3t\nEOF\n", "s3cr3t").unwrap(), format!("cat <<EOF\npw={E}\nEOF\n"));
        assert!(rewrite("cat <<'EOF'\npw=s3cr3t\nEOF\n", "s3cr3t").is_err());
        assert!(rewrite("cat <<\"EOF\"\npw=s3cr3t\nEOF\n", "s3cr3t").is_err());
    }

    #[test]
    fn an_sdk_site_reads_the_variable_a_prologue_fetches_by_full_arn() {
        let arn = "arn:aws:secretsmanager:eu-west-1:1:secret:shop/db-AbCdEf";
        let f = |key| Fetch { var: "DB_PASSWORD", arn, key };
        assert_eq!(
            fetch_command(&f(Some("password"))),
            format!(
                "aws secretsmanager get-secret-value --region eu-west-1 --secret-id {arn} --query SecretString --output text | jq -r .password"
            )
        );
        assert!(fetch_command(&f(Some("api-key"))).ends_with(r#"| jq -r '.["api-key"]'"#));
        assert!(fetch_command(&f(None)).ends_with("--output text"), "a plain-string secret is the whole value");
        let text = "#!/bin/sh\nset -e\nA=s3cr3t\n";
        let (at, lines) = prologue(text, &[f(Some("password")), f(Some("password"))]).unwrap();
        assert_eq!(at, Span::new(10, 10), "after the shebang");
        assert_eq!(lines.matches("DB_PASSWORD=\"${DB_PASSWORD:-$(aws ").count(), 1, "one line per variable:\n{lines}");
        assert_eq!(prologue("A=1\n", &[f(None)]).unwrap().0, Span::new(0, 0));
        let tree = Lang::Shell.parse(text).unwrap();
        let s = text.find("s3cr3t").unwrap();
        let (_, new) = replacement(tree.root_node(), text, Span::new(s, s + 6), "X", Strategy::Sdk).unwrap();
        assert_eq!(new, "\"${X:?set X: not in the environment and the aws CLI could not read it}\"");
    }

    #[test]
    fn names_are_disarmed() {
        assert_eq!(expansion("A;rm -rf $HOME"), "${A_rm__rf__HOME:?set A_rm__rf__HOME: hoist run or the deployment}");
    }
}
