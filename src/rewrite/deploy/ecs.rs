//! Moving ECS container `environment` entries into `secrets` (`valueFrom` by full ARN), for every
//! syntax a container definition is written in: raw JSON, Terraform `jsonencode` HCL and heredoc
//! JSON, CloudFormation YAML/JSON. New text copies the removed entry, so key order, quoting and
//! indentation follow the file.

use super::tree::{Entry, Node, NodeKind, Style, line_end, line_start};
use crate::model::Span;
use crate::rewrite::SiteRewrite;

/// The key names of one dialect (ECS API camelCase, CloudFormation PascalCase).
#[derive(Clone, Copy, Debug)]
pub struct Keys {
    /// `environment`.
    pub env: &'static str,
    /// `secrets`.
    pub secrets: &'static str,
    /// `name`.
    pub name: &'static str,
    /// `value`.
    pub value: &'static str,
    /// `valueFrom`.
    pub value_from: &'static str,
}

/// ECS API / Terraform spelling.
pub const CAMEL: Keys =
    Keys { env: "environment", secrets: "secrets", name: "name", value: "value", value_from: "valueFrom" };
/// CloudFormation spelling.
pub const PASCAL: Keys =
    Keys { env: "Environment", secrets: "Secrets", name: "Name", value: "Value", value_from: "ValueFrom" };

/// What moving produced: text edits, the sites they cover, and sites left to the user.
#[derive(Debug, Default)]
pub struct Outcome {
    /// (span, replacement) pairs.
    pub edits: Vec<(Span, String)>,
    /// Indices of sites these edits migrate.
    pub done: Vec<usize>,
    /// Sites found in a container definition that can't be moved safely, with the reason.
    pub manual: Vec<(usize, String)>,
    /// Sites that are only part of an HCL environment value (a connection string whose host is
    /// an interpolation): the entry stays, and the caller replaces the part in place.
    pub partial: Vec<usize>,
}

/// One environment entry to move.
struct Move<'a> {
    item: usize,
    name: String,
    value_from: String,
    node: &'a Node,
}

/// Renders a string scalar for `style`.
pub fn render_str(style: Style, s: &str) -> String {
    match style {
        Style::YamlBlock | Style::YamlFlow => format!("'{}'", s.replace('\'', "''")),
        _ => serde_json::to_string(s).expect("strings serialize"),
    }
}

/// Moves the planned entries of each container's environment into its secrets.
/// `sites` pairs each site with its index in the caller's list.
pub fn move_env(text: &str, containers: &[&Node], keys: &Keys, sites: &[(usize, &SiteRewrite)]) -> Outcome {
    let mut out = Outcome::default();
    for c in containers {
        move_container(text, c, keys, sites, &mut out);
    }
    out
}

fn move_container(text: &str, c: &Node, keys: &Keys, sites: &[(usize, &SiteRewrite)], out: &mut Outcome) {
    let Some(env_entry) = c.entry(keys.env) else { return };
    let env = &env_entry.value;
    let mut moves: Vec<Move> = Vec::new();
    for (i, item) in env.items().iter().enumerate() {
        let Some(value) = item.get(keys.value) else { continue };
        let hits: Vec<&(usize, &SiteRewrite)> =
            sites.iter().filter(|(_, s)| value.span.contains(&s.site.span) && !s.site.span.is_empty()).collect();
        if hits.is_empty() {
            continue;
        }
        let inner = value.inner();
        let name = item.get(keys.name).and_then(Node::str);
        for (idx, s) in &hits {
            if (inner != Some(s.site.span) || hits.len() > 1) && value.style == Style::Hcl {
                out.partial.push(*idx);
            } else if inner != Some(s.site.span) || hits.len() > 1 {
                out.manual.push((
                    *idx,
                    format!(
                        "the {} value holds more than the secret; put the whole value in the secret and reference it as {}",
                        keys.env,
                        s.value_from()
                    ),
                ));
            } else if name.is_none() {
                out.manual.push((*idx, format!("the {} entry has no literal {}", keys.env, keys.name)));
            }
        }
        if let (Some(name), [(idx, s)]) = (name, hits.as_slice())
            && inner == Some(s.site.span)
        {
            out.done.push(*idx);
            moves.push(Move { item: i, name: name.to_string(), value_from: s.value_from(), node: item });
        }
    }
    if moves.is_empty() {
        return;
    }
    let secrets_entry = c.entry(keys.secrets);
    if let Some(se) = secrets_entry
        && !matches!(se.value.kind, NodeKind::Seq { .. })
    {
        // `secrets: !Ref X` or similar: we can't append to it.
        let n = out.done.len() - moves.len();
        let undone: Vec<usize> = out.done.drain(n..).collect();
        for idx in undone {
            out.manual.push((idx, format!("{} isn't a literal list; add the entry by hand", keys.secrets)));
        }
        return;
    }
    let existing: Vec<String> = secrets_entry
        .map(|e| {
            e.value.items().iter().filter_map(|i| i.get(keys.name).and_then(Node::str).map(str::to_string)).collect()
        })
        .unwrap_or_default();
    let mut seen = existing.clone();
    let mut new_items: Vec<String> = Vec::new();
    for m in &moves {
        if seen.contains(&m.name) {
            continue;
        }
        seen.push(m.name.clone());
        new_items.push(render_item(text, m, keys));
    }
    let removed: Vec<usize> = moves.iter().map(|m| m.item).collect();
    let all_removed = removed.len() == env.items().len();
    let block = env.style == Style::YamlBlock;

    if block && all_removed && secrets_entry.is_none() {
        // Replace `Environment:` and its items with `Secrets:` and the moved items.
        let key = rename_key(text, env_entry.key_span, keys.env, keys.secrets);
        let end = line_end(text, env_entry.span.end.saturating_sub(1).max(env_entry.span.start));
        out.edits.push((Span::new(env_entry.key_span.start, end), format!("{key}:\n{}", new_items.concat())));
        return;
    }
    if block && all_removed {
        let start = line_start(text, env_entry.key_span.start);
        let end = line_end(text, env_entry.span.end.saturating_sub(1).max(env_entry.span.start));
        if text[start..env_entry.key_span.start].trim().is_empty() {
            out.edits.push((Span::new(start, end), String::new()));
        } else {
            out.edits.push((
                Span::new(env_entry.span.start, env_entry.span.end),
                format!("{}: []", &text[env_entry.key_span.start..env_entry.key_span.end]),
            ));
        }
    } else {
        out.edits.extend(removal_edits(text, env, &removed));
    }
    if new_items.is_empty() {
        return;
    }
    match secrets_entry {
        Some(se) => out.edits.extend(append_items(text, &se.value, env, new_items)),
        None => out.edits.push(new_entry(text, c, env_entry, keys, env, new_items)),
    }
}

/// The moved entry, rewritten from the environment entry's own text.
fn render_item(text: &str, m: &Move, keys: &Keys) -> String {
    let node = m.node;
    let value = node.entry(keys.value).expect("checked above");
    let region = if node.style == Style::YamlBlock && is_block_item(text, node) {
        Span::new(line_start(text, node.span.start), line_end(text, node.span.end.saturating_sub(1)))
    } else {
        node.span
    };
    let key_word = text[value.key_span.start..value.key_span.end]
        .find(keys.value)
        .map(|i| value.key_span.start + i + keys.value.len());
    let mut reps: Vec<(Span, String)> = vec![(value.value.span, render_str(value.value.style, &m.value_from))];
    if let Some(at) = key_word {
        reps.push((Span::new(at, at), keys.value_from[keys.value.len()..].to_string()));
    }
    reps.sort_by_key(|(s, _)| s.start);
    let mut s = String::new();
    let mut pos = region.start;
    for (sp, r) in reps {
        s.push_str(&text[pos..sp.start]);
        s.push_str(&r);
        pos = sp.end;
    }
    s.push_str(&text[pos..region.end]);
    if region != node.span && !s.ends_with('\n') {
        s.push('\n');
    }
    s
}

/// A YAML block sequence item starts with `-` as the first thing on its line.
fn is_block_item(text: &str, node: &Node) -> bool {
    text[node.span.start..].starts_with('-')
        && text[line_start(text, node.span.start)..node.span.start].trim().is_empty()
}

fn rename_key(text: &str, key_span: Span, from: &str, to: &str) -> String {
    text[key_span.start..key_span.end].replacen(from, to, 1)
}

/// Edits removing items `removed` (indices) from a sequence, separators included.
fn removal_edits(text: &str, seq: &Node, removed: &[usize]) -> Vec<(Span, String)> {
    let items = seq.items();
    let mut edits = Vec::new();
    if seq.style == Style::YamlBlock {
        for &i in removed {
            let n = &items[i];
            edits.push((
                Span::new(line_start(text, n.span.start), line_end(text, n.span.end.saturating_sub(1))),
                String::new(),
            ));
        }
        return edits;
    }
    let NodeKind::Seq { open: Some(open), close: Some(close), .. } = seq.kind else { return edits };
    // HCL items on lines of their own go with their whole line, trailing comment included, so a
    // comment never ends up on a neighbour's line (HCL accepts the trailing comma this can leave).
    if seq.style == Style::Hcl
        && removed.len() < items.len()
        && removed.iter().all(|&i| own_line(text, &items[i]).is_some())
    {
        return removed.iter().filter_map(|&i| own_line(text, &items[i])).map(|s| (s, String::new())).collect();
    }
    let gone = |i: usize| removed.contains(&i);
    let mut i = 0;
    while i < items.len() {
        if !gone(i) {
            i += 1;
            continue;
        }
        let mut j = i;
        while j + 1 < items.len() && gone(j + 1) {
            j += 1;
        }
        let span = if j + 1 < items.len() {
            Span::new(items[i].span.start, items[j + 1].span.start)
        } else if i > 0 {
            Span::new(items[i - 1].span.end, items[j].span.end)
        } else {
            Span::new(open + 1, close)
        };
        edits.push((span, String::new()));
        i = j + 1;
    }
    edits
}

/// The whole line(s) of an HCL list item that has them to itself: only indentation before it, and
/// after it at most a comma and a `#`/`//` comment.
fn own_line(text: &str, item: &Node) -> Option<Span> {
    let start = line_start(text, item.span.start);
    if !text[start..item.span.start].trim().is_empty() {
        return None;
    }
    let end = line_end(text, item.span.end.saturating_sub(1).max(item.span.start));
    let rest = text[item.span.end..end].trim();
    let rest = rest.strip_prefix(',').unwrap_or(rest).trim_start();
    (rest.is_empty() || rest.starts_with('#') || rest.starts_with("//")).then(|| Span::new(start, end))
}

/// Layout of a flow sequence: text before the first item, between items, after the last.
fn layout(text: &str, seq: &Node) -> Option<(String, String, String)> {
    let NodeKind::Seq { open: Some(open), close: Some(close), items } = &seq.kind else { return None };
    let first = items.first()?;
    let last = items.last()?;
    let lead = bare_gap(&text[open + 1..first.span.start], false);
    let sep =
        if items.len() >= 2 { bare_gap(&text[first.span.end..items[1].span.start], true) } else { format!(",{lead}") };
    // A trailing comma (HCL) carries over to the new list.
    let trail = bare_gap(&text[last.span.end..*close], text[last.span.end..*close].trim_start().starts_with(','));
    Some((lead, sep, trail))
}

/// The whitespace layout of the text between two list elements, without its comments (a comment
/// copied into the new list would duplicate it — and a commented-out entry may hold a value): an
/// optional comma, then the line break and indentation before the next element, or a space.
fn bare_gap(gap: &str, comma: bool) -> String {
    let c = if comma { "," } else { "" };
    match gap.rfind('\n') {
        Some(i) => format!("{c}{}", &gap[i..]),
        None if gap.trim().trim_start_matches(',').trim().is_empty() => {
            let ws = gap.trim_start().trim_start_matches(',');
            if comma { format!(",{ws}") } else { gap.to_string() }
        }
        None => format!("{c} "),
    }
}

/// Appends rendered items to an existing `secrets` sequence.
fn append_items(text: &str, secrets: &Node, env: &Node, new_items: Vec<String>) -> Vec<(Span, String)> {
    let items = secrets.items();
    if secrets.style == Style::YamlBlock {
        let Some(last) = items.last() else { return vec![] };
        let at = line_end(text, last.span.end.saturating_sub(1));
        let from = env.items().first().map(|n| col(text, n.span.start)).unwrap_or(0);
        let to = col(text, items[0].span.start);
        let mut s: String = if text[..at].ends_with('\n') { String::new() } else { "\n".into() };
        s.push_str(&new_items.iter().map(|t| reindent(t, from, to)).collect::<String>());
        return vec![(Span::new(at, at), s)];
    }
    let NodeKind::Seq { open: Some(open), .. } = secrets.kind else { return vec![] };
    match (items.last(), layout(text, secrets), layout(text, env)) {
        (Some(last), Some((_, sep, _)), _) => {
            let s: String = new_items.iter().map(|t| format!("{sep}{t}")).collect();
            vec![(Span::new(last.span.end, last.span.end), s)]
        }
        (None, _, Some((lead, sep, trail))) => {
            vec![(Span::new(open + 1, open + 1), format!("{lead}{}{trail}", new_items.join(&sep)))]
        }
        _ => vec![(Span::new(open + 1, open + 1), new_items.join(", "))],
    }
}

/// A new `secrets` entry in the container, placed right after `environment`.
fn new_entry(
    text: &str,
    c: &Node,
    env_entry: &Entry,
    keys: &Keys,
    env: &Node,
    new_items: Vec<String>,
) -> (Span, String) {
    let key = rename_key(text, env_entry.key_span, keys.env, keys.secrets);
    let kv = &text[env_entry.key_span.end..env_entry.value.span.start];
    let array = match layout(text, env) {
        Some((lead, sep, trail)) => format!("[{lead}{}{trail}]", new_items.join(&sep)),
        None => format!("[{}]", new_items.join(", ")),
    };
    match c.style {
        Style::Json | Style::YamlFlow => {
            let ws = ws_before(text, env_entry.key_span.start);
            (Span::new(env_entry.span.end, env_entry.span.end), format!(",{ws}{key}{kv}{array}"))
        }
        Style::Hcl => {
            let ws = ws_before(text, env_entry.key_span.start);
            if ws.contains('\n') {
                let mut at = env_entry.span.end;
                let rest = &text[at..];
                let trimmed = rest.trim_start_matches([' ', '\t']);
                if trimmed.starts_with(',') {
                    at += rest.len() - trimmed.len() + 1;
                }
                (Span::new(at, at), format!("{ws}{key}{kv}{array}"))
            } else {
                (Span::new(env_entry.span.end, env_entry.span.end), format!(", {key}{kv}{array}"))
            }
        }
        Style::YamlBlock => {
            let at = line_end(text, env_entry.span.end.saturating_sub(1));
            let indent = " ".repeat(col(text, env_entry.key_span.start));
            let nl = if text[..at].ends_with('\n') { "" } else { "\n" };
            let body = if env.style == Style::YamlBlock {
                format!(":\n{}", new_items.concat())
            } else {
                format!(": {array}\n")
            };
            (Span::new(at, at), format!("{nl}{indent}{key}{body}"))
        }
    }
}

/// The whitespace run just before `pos`.
fn ws_before(text: &str, pos: usize) -> &str {
    let head = &text[..pos];
    &head[head.trim_end().len()..]
}

/// Column (in bytes) of `pos` on its line.
fn col(text: &str, pos: usize) -> usize {
    pos - line_start(text, pos)
}

/// Shifts every line of a block from column `from` to column `to`.
fn reindent(block: &str, from: usize, to: usize) -> String {
    if from == to {
        return block.to_string();
    }
    block
        .split_inclusive('\n')
        .map(|l| {
            let lead = l.len() - l.trim_start_matches(' ').len();
            let keep = lead.min(from);
            let new = (lead - keep) + to;
            if l.trim().is_empty() { l.to_string() } else { format!("{}{}", " ".repeat(new), &l[lead..]) }
        })
        .collect()
}

/// Edits adding `(name, valueFrom)` entries to a container's `secrets` (created after
/// `environment` when absent), rendered like the container's existing entries. `None` when the
/// container has no literal list to copy the layout from or `secrets` isn't a literal list.
pub fn add_secrets(text: &str, c: &Node, keys: &Keys, items: &[(String, String)]) -> Option<Vec<(Span, String)>> {
    let env_entry = c.entry(keys.env)?;
    let env = &env_entry.value;
    let secrets_entry = c.entry(keys.secrets);
    let template = secrets_entry.and_then(|e| e.value.items().first()).or_else(|| env.items().first());
    let rendered: Vec<String> = items
        .iter()
        .map(|(name, value_from)| match template {
            Some(t) => render_from(text, t, keys, name, value_from),
            None => None,
        })
        .collect::<Option<Vec<_>>>()?;
    match secrets_entry {
        Some(se) if matches!(se.value.kind, NodeKind::Seq { .. }) && !se.value.items().is_empty() => {
            Some(append_items(text, &se.value, env, rendered))
        }
        Some(_) => None,
        None if env.items().is_empty() => None,
        None => Some(vec![new_entry(text, c, env_entry, keys, env, rendered)]),
    }
}

/// A new `secrets` item written like `template` (an `environment` or `secrets` item): its name and
/// value replaced, `value` renamed `valueFrom`.
fn render_from(text: &str, template: &Node, keys: &Keys, name: &str, value_from: &str) -> Option<String> {
    let n = template.entry(keys.name)?;
    let v = template.entry(keys.value).or_else(|| template.entry(keys.value_from))?;
    n.value.inner()?;
    v.value.inner()?;
    let region = if template.style == Style::YamlBlock && is_block_item(text, template) {
        Span::new(line_start(text, template.span.start), line_end(text, template.span.end.saturating_sub(1)))
    } else {
        template.span
    };
    let mut reps: Vec<(Span, String)> =
        vec![(n.value.span, render_str(n.value.style, name)), (v.value.span, render_str(v.value.style, value_from))];
    if v.key == keys.value
        && let Some(i) = text[v.key_span.start..v.key_span.end].find(keys.value)
    {
        let at = v.key_span.start + i + keys.value.len();
        reps.push((Span::new(at, at), keys.value_from[keys.value.len()..].to_string()));
    }
    reps.sort_by_key(|(s, _)| s.start);
    let mut s = String::new();
    let mut pos = region.start;
    for (sp, r) in reps {
        s.push_str(&text[pos..sp.start]);
        s.push_str(&r);
        pos = sp.end;
    }
    s.push_str(&text[pos..region.end]);
    if region != template.span && !s.ends_with('\n') {
        s.push('\n');
    }
    Some(s)
}
