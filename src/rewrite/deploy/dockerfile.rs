//! Dockerfiles: a credential in an `ENV` or `ARG` default is baked into every image layer built
//! from it, so the pair is removed from the image and the value passed at run time instead (the
//! planner adds the variable to the compose service / ECS container that runs the image). A `RUN`
//! of the same stage that reads the variable while building gets it as a BuildKit secret:
//! `RUN --mount=type=secret,id=K,required=true K="$(cat /run/secrets/K)" && export K && …`,
//! which never lands in a layer or the image history (`docker build --secret id=K,env=K`).
//! Anything else (the value in a `RUN` line, a partial value, an `ARG` feeding another
//! instruction, exec-form `RUN`) stays `manual` with the reason.

use super::Rewritten;
use crate::model::Span;
use crate::rewrite::{RewriteError, SiteRewrite};
use std::path::Path;

/// One instruction: its keyword (upper case), the bytes it covers (continuation lines included,
/// final newline excluded), where its arguments start, and its build stage (0-based `FROM` count).
#[derive(Clone, Debug)]
pub struct Instruction {
    /// `ENV`, `ARG`, `RUN`…
    pub keyword: String,
    /// The whole instruction.
    pub span: Span,
    /// Start of the arguments (after the keyword).
    pub args: usize,
    /// Build stage index.
    pub stage: usize,
    /// The stage's `AS` name.
    pub stage_name: Option<String>,
}

/// A `K=V` (or legacy `ENV K V`) pair of an `ENV`/`ARG` instruction.
#[derive(Clone, Debug)]
pub struct Pair {
    /// The variable.
    pub key: String,
    /// The value without its quotes (`None`: `ARG K` with no default).
    pub value: Option<Span>,
    /// The pair's own bytes (`K="v"`).
    pub span: Span,
}

/// Every instruction of `text`, comments and blank lines skipped.
pub fn instructions(text: &str) -> Vec<Instruction> {
    let mut out = Vec::new();
    let (mut stage, mut stage_name, mut seen_from) = (0usize, None, false);
    let mut pos = 0;
    while pos < text.len() {
        let line_end = text[pos..].find('\n').map_or(text.len(), |i| pos + i);
        let line = &text[pos..line_end];
        let t = line.trim_start();
        if t.is_empty() || t.starts_with('#') {
            pos = line_end + 1;
            continue;
        }
        let start = pos + (line.len() - t.len());
        // Continuation lines: a trailing `\` joins the next line (comment lines inside are skipped).
        let mut end = line_end;
        while text[..end].trim_end_matches('\r').ends_with('\\') && end < text.len() {
            let next_end = text[end + 1..].find('\n').map_or(text.len(), |i| end + 1 + i);
            end = next_end;
        }
        let end_trimmed = text[..end].trim_end_matches('\r').len();
        let kw_len = t.find(char::is_whitespace).unwrap_or(t.len());
        let keyword = t[..kw_len].to_ascii_uppercase();
        if keyword == "FROM" {
            if seen_from {
                stage += 1;
            }
            seen_from = true;
            let parts: Vec<&str> = text[start..end_trimmed].split_whitespace().collect();
            stage_name = parts
                .iter()
                .position(|p| p.eq_ignore_ascii_case("as"))
                .and_then(|i| parts.get(i + 1))
                .map(|s| s.to_string());
        }
        out.push(Instruction {
            keyword,
            span: Span::new(start, end_trimmed),
            args: start + kw_len,
            stage,
            stage_name: stage_name.clone(),
        });
        pos = end + 1;
    }
    out
}

/// The pairs of an `ENV`/`ARG` instruction.
pub fn pairs(text: &str, inst: &Instruction) -> Vec<Pair> {
    let body = &text[inst.args..inst.span.end];
    let b = body.as_bytes();
    let gap = |i: usize| b[i].is_ascii_whitespace() || b[i] == b'\\' && matches!(b.get(i + 1), Some(b'\n' | b'\r'));
    let mut out = Vec::new();
    let mut i = 0;
    loop {
        while i < b.len() && gap(i) {
            i += 1;
        }
        if i >= b.len() {
            break;
        }
        let ks = i;
        while i < b.len() && b[i] != b'=' && !b[i].is_ascii_whitespace() {
            i += 1;
        }
        let key = body[ks..i].to_string();
        if i >= b.len() || b[i] != b'=' {
            if inst.keyword == "ENV" && out.is_empty() {
                // Legacy `ENV K value with spaces`: the rest of the instruction is the value.
                let vs = body[i..].len() - body[i..].trim_start().len() + i;
                let v = Span::new(inst.args + vs, inst.span.end);
                out.push(Pair { key, value: Some(v), span: Span::new(inst.args + ks, inst.span.end) });
                break;
            }
            out.push(Pair { key, value: None, span: Span::new(inst.args + ks, inst.args + i) });
            continue;
        }
        i += 1;
        let (vs, ve, end) = match b.get(i) {
            Some(&q) if q == b'"' || q == b'\'' => {
                let mut j = i + 1;
                while j < b.len() && b[j] != q {
                    j += if b[j] == b'\\' && q == b'"' { 2 } else { 1 };
                }
                (i + 1, j.min(b.len()), (j + 1).min(b.len()))
            }
            _ => {
                let mut j = i;
                while j < b.len() && !gap(j) {
                    j += 1;
                }
                (i, j, j)
            }
        };
        out.push(Pair {
            key,
            value: Some(Span::new(inst.args + vs, inst.args + ve)),
            span: Span::new(inst.args + ks, inst.args + end),
        });
        i = end;
    }
    out
}

/// True when `s` mentions `$K` or `${K…}`.
fn references(s: &str, key: &str) -> bool {
    s.match_indices('$').any(|(i, _)| {
        let rest = &s[i + 1..];
        let rest = rest.strip_prefix('{').unwrap_or(rest);
        rest.starts_with(key) && !rest[key.len()..].starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_')
    })
}

/// The ENV/ARG pair (and its instruction) whose value holds `span`.
pub fn pair_at(text: &str, span: Span) -> Option<(Instruction, Pair)> {
    let inst = instructions(text).into_iter().find(|i| i.span.start <= span.start && span.end <= i.span.end)?;
    if inst.keyword != "ENV" && inst.keyword != "ARG" {
        return None;
    }
    let pair =
        pairs(text, &inst).into_iter().find(|p| p.value.is_some_and(|v| v.start <= span.start && span.end <= v.end))?;
    Some((inst, pair))
}

/// Rewrites the active (`env`/`sdk`) sites of one Dockerfile.
pub fn rewrite(path: &Path, text: &str, active: &[(usize, &SiteRewrite<'_>)]) -> Result<Rewritten, RewriteError> {
    let all = instructions(text);
    let mut out = Rewritten::default();
    // Pairs to remove, per instruction index; build secrets to mount, per RUN index.
    let mut remove: std::collections::BTreeMap<usize, Vec<Pair>> = Default::default();
    let mut mounts: std::collections::BTreeMap<usize, Vec<String>> = Default::default();
    for &(i, s) in active {
        match plan_site(text, &all, s) {
            Ok((idx, pair, runs)) => {
                let list = remove.entry(idx).or_default();
                if !list.iter().any(|p| p.span == pair.span) {
                    list.push(pair.clone());
                }
                for r in runs {
                    let m = mounts.entry(r).or_default();
                    if !m.contains(&pair.key) {
                        m.push(pair.key.clone());
                    }
                }
            }
            Err(why) => out.manual.push((
                i,
                format!(
                    "{why}; {}",
                    crate::rewrite::expr::manual_reference(None, &s.env_var, s.secret_name, s.key, s.shape)
                ),
            )),
        }
    }
    let mut edits: Vec<(Span, String)> = Vec::new();
    for (idx, gone) in &remove {
        let inst = &all[*idx];
        let keep = pairs(text, inst).into_iter().filter(|p| !gone.iter().any(|g| g.span == p.span)).count();
        let names: Vec<&str> = gone.iter().map(|p| p.key.as_str()).collect();
        let note = if inst.keyword == "ENV" {
            format!("# {}: given at run time (hoist moved the value to Secrets Manager)", names.join(", "))
        } else {
            format!(
                "# {}: a build secret now (hoist moved the value to Secrets Manager): docker build --secret id={},env={}",
                names.join(", "),
                names[0],
                names[0]
            )
        };
        if keep == 0 {
            edits.push((inst.span, note));
            continue;
        }
        // Only the moved pairs go, each with the gap before it (the first with the gap after it),
        // so the other pairs keep their bytes and continuation lines.
        let ps = pairs(text, inst);
        let gone_at = |k: usize| gone.iter().any(|g| g.span == ps[k].span);
        for k in (0..ps.len()).filter(|&k| gone_at(k)) {
            let span = if k > 0 {
                Span::new(ps[k - 1].span.end, ps[k].span.end)
            } else if ps.len() > 1 && !gone_at(1) {
                Span::new(ps[0].span.start, ps[1].span.start)
            } else {
                ps[0].span
            };
            edits.push((span, String::new()));
        }
        edits.push((Span::new(inst.span.start, inst.span.start), format!("{note}\n")));
    }
    for (idx, keys) in &mounts {
        let inst = &all[*idx];
        let mut flags = String::new();
        let mut exports = String::new();
        for k in keys {
            flags.push_str(&format!(" --mount=type=secret,id={k},required=true"));
            exports.push_str(&format!("{k}=\"$(cat /run/secrets/{k})\" && export {k} && "));
        }
        // After the keyword and any `--flag`s already there, before the command.
        let body = &text[inst.args..inst.span.end];
        let mut at = inst.args + (body.len() - body.trim_start().len());
        while text[at..].starts_with("--") {
            let flag_end = text[at..].find(char::is_whitespace).map_or(inst.span.end, |i| at + i);
            at = flag_end + (text[flag_end..].len() - text[flag_end..].trim_start().len());
        }
        edits.push((Span::new(inst.args, inst.args), flags));
        edits.push((Span::new(at, at), exports));
    }
    edits.sort_by_key(|(s, _)| (s.start, s.end));
    out.edits = edits;
    check(&String::from_utf8_lossy(
        &crate::model::apply_edits(text.as_bytes(), &as_edits(path, &out.edits))
            .map_err(|e| super::parse_error(path, "Dockerfile", e.to_string()))?,
    ))
    .map_err(|e| super::parse_error(path, "Dockerfile", e))?;
    Ok(out)
}

fn as_edits(path: &Path, edits: &[(Span, String)]) -> Vec<crate::model::Edit> {
    edits
        .iter()
        .map(|(span, r)| crate::model::Edit { path: path.into(), span: *span, replacement: r.clone() })
        .collect()
}

/// The instructions the Dockerfile reference defines.
const KEYWORDS: &[&str] = &[
    "FROM",
    "RUN",
    "CMD",
    "LABEL",
    "MAINTAINER",
    "EXPOSE",
    "ENV",
    "ADD",
    "COPY",
    "ENTRYPOINT",
    "VOLUME",
    "USER",
    "WORKDIR",
    "ARG",
    "ONBUILD",
    "STOPSIGNAL",
    "HEALTHCHECK",
    "SHELL",
];

/// A structural parse check: every instruction is a known one, the first (after `ARG`s) is
/// `FROM`, `ENV`/`ARG` pairs have names, `RUN --mount` flags are `key=value` lists with a type,
/// and every quote closes. Not BuildKit's parser, but what a rewrite could break.
pub fn check(text: &str) -> Result<(), String> {
    let all = instructions(text);
    let line = |at: usize| text[..at].matches('\n').count() + 1;
    match all.iter().find(|i| i.keyword != "ARG") {
        Some(i) if i.keyword == "FROM" => {}
        Some(i) => {
            return Err(format!("line {}: the first instruction is {}, not FROM", line(i.span.start), i.keyword));
        }
        None => return Err("no FROM instruction".into()),
    }
    for i in &all {
        if !KEYWORDS.contains(&i.keyword.as_str()) {
            return Err(format!("line {}: unknown instruction {}", line(i.span.start), i.keyword));
        }
        if i.keyword == "ENV" || i.keyword == "ARG" {
            let ps = pairs(text, i);
            if ps.is_empty() || ps.iter().any(|p| p.key.is_empty() || p.key.contains(['"', '\'', '$'])) {
                return Err(format!("line {}: {} without a variable name", line(i.span.start), i.keyword));
            }
        }
        let body = text[i.args..i.span.end].trim_start();
        for flag in body.split_whitespace().take_while(|w| w.starts_with("--")) {
            if let Some(m) = flag.strip_prefix("--mount=")
                && !(m.split(',').all(|kv| kv.contains('=')) && m.split(',').any(|kv| kv.starts_with("type=")))
            {
                return Err(format!("line {}: malformed --mount", line(i.span.start)));
            }
        }
        if i.keyword == "RUN" && !body.starts_with('[') && quotes_unbalanced(body) {
            return Err(format!("line {}: an unclosed quote", line(i.span.start)));
        }
    }
    Ok(())
}

/// True when a shell-form command leaves a quote open.
fn quotes_unbalanced(s: &str) -> bool {
    let (mut q, mut esc) = (None, false);
    for c in s.chars() {
        match (q, c) {
            (_, _) if esc => esc = false,
            (None | Some('"'), '\\') => esc = true,
            (None, '\'' | '"') => q = Some(c),
            (Some(open), c) if c == open => q = None,
            _ => {}
        }
    }
    q.is_some()
}

/// For one site: the instruction to remove its pair from, the pair, and the RUN instructions that
/// read the variable while building — or why it can't be moved.
fn plan_site(text: &str, all: &[Instruction], s: &SiteRewrite<'_>) -> Result<(usize, Pair, Vec<usize>), String> {
    let span = s.site.span;
    let idx = all
        .iter()
        .position(|i| i.span.start <= span.start && span.end <= i.span.end)
        .ok_or("the value is not in a Dockerfile instruction")?;
    let inst = &all[idx];
    if inst.keyword != "ENV" && inst.keyword != "ARG" {
        return Err(format!("the value is in a {} instruction, not an ENV or ARG default", inst.keyword));
    }
    let pair = pairs(text, inst)
        .into_iter()
        .find(|p| p.value.is_some_and(|v| v.start <= span.start && span.end <= v.end))
        .ok_or("the value is not an ENV or ARG default")?;
    if pair.value != Some(span) {
        return Err(format!("the value is only part of {}'s default", pair.key));
    }
    if pair.key != s.env_var {
        return Err(format!(
            "the image's processes read {}, but the plan gives this site env var {}: set env_var to {}",
            pair.key, s.env_var, pair.key
        ));
    }
    let mut runs = Vec::new();
    for (j, later) in all.iter().enumerate().skip(idx + 1).filter(|(_, l)| l.stage == inst.stage) {
        let body = &text[later.args..later.span.end];
        if !references(body, &pair.key) {
            continue;
        }
        match later.keyword.as_str() {
            "RUN" if body.trim_start().starts_with('[') || body.contains("<<") => {
                return Err(format!("an exec-form or heredoc RUN reads {}", pair.key));
            }
            "RUN" => runs.push(j),
            // A redeclaration without a value doesn't read it.
            "ARG" | "ENV" if pairs(text, later).iter().any(|p| p.key == pair.key && p.value.is_none()) => {}
            other => return Err(format!("a {other} instruction reads {} while building", pair.key)),
        }
    }
    Ok((idx, pair, runs))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instructions_pairs_and_stages() {
        let t = "FROM a AS build\n# c\nENV A=1 B=\"two words\" \\\n    C='x'\nARG TOKEN\nENV LEGACY some value\nFROM b\nRUN x\n";
        let all = instructions(t);
        let kws: Vec<&str> = all.iter().map(|i| i.keyword.as_str()).collect();
        assert_eq!(kws, ["FROM", "ENV", "ARG", "ENV", "FROM", "RUN"]);
        assert_eq!(all[1].stage_name.as_deref(), Some("build"));
        assert_eq!(all[5].stage, 1);
        let p = pairs(t, &all[1]);
        let got: Vec<(&str, &str)> =
            p.iter().map(|p| (p.key.as_str(), &t[p.value.unwrap().start..p.value.unwrap().end])).collect();
        assert_eq!(got, [("A", "1"), ("B", "two words"), ("C", "x")]);
        assert!(pairs(t, &all[2])[0].value.is_none());
        let legacy = &pairs(t, &all[3])[0];
        assert_eq!(
            (legacy.key.as_str(), &t[legacy.value.unwrap().start..legacy.value.unwrap().end]),
            ("LEGACY", "some value")
        );
        assert!(references("echo ${TOKEN} $X", "TOKEN") && references("a=$TOKEN;", "TOKEN"));
        assert!(!references("$TOKENS", "TOKEN"));
    }
}
