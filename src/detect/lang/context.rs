//! What holds a string literal: the binding (assignment, dict entry, kwarg, field), the env-lookup
//! default (`process.env.X || "…"`), or the call it is an argument of — and the name it gets.

use super::calls;
use super::kinds::{Kinds, NUMBER};
use super::spec::{Binding, Slot, Spec};
use crate::detect::group::{Candidate, Role};
use crate::detect::judge;
use crate::detect::lang::literal;
use crate::format::FileFormat;
use std::cell::RefCell;
use tree_sitter::Node;

/// Where a literal sits, as the engine sees it.
pub struct Ctx<'t> {
    /// The language tables.
    pub spec: &'static Spec,
    /// The source.
    pub src: &'t str,
    /// The grammar's kinds and fields by id (and the file's format).
    pub kinds: &'static Kinds,
    /// The path from the root to the node being read, kept by the walk. tree-sitter's
    /// `Node::parent` rescans every earlier sibling on the way down from the root, which made
    /// each element of a large list literal cost O(its index): a 23k-int list took over a minute.
    pub ancestors: RefCell<Vec<Node<'t>>>,
}

/// Kinds of lists that pair names with values by position (`a, b = "x", "y"`).
const LISTS: &[&str] = &["expression_list", "pattern_list", "tuple_pattern", "left_assignment_list"];

/// More names than any real list binding has (`a, b, c = …`); beyond it a list is data.
const MAX_LIST_BINDING: usize = 64;

/// Receivers that add nothing to a name (`self.password`, `this.password`, `os.environ["X"]`).
const NOISE: &[&str] = &["self", "this", "cls", "os", "environ", "env", "ENV", "_ENV", "_SERVER", "process", "$this"];

impl<'t> Ctx<'t> {
    /// The reader of a file `src` of `format` in `language`, with `format`'s tables.
    pub fn new(format: FileFormat, spec: &'static Spec, language: &tree_sitter::Language, src: &'t str) -> Ctx<'t> {
        Ctx { spec, src, kinds: Kinds::of(format, language), ancestors: Default::default() }
    }

    /// The text of a node.
    pub fn text(&self, n: Node) -> &'t str {
        &self.src[n.byte_range()]
    }

    /// The node in a binding's slot.
    fn slot<'a>(&self, node: Node<'a>, slot: Slot) -> Option<Node<'a>> {
        match slot {
            Slot::Field(f) => self.kinds.field(node, f),
            Slot::Nth(i) => named(node).get(i).copied(),
        }
    }

    /// The parent of `n`: from the walk's path when `n` is on it (O(depth from the top)), else
    /// tree-sitter's own lookup.
    pub fn parent(&self, n: Node<'t>) -> Option<Node<'t>> {
        let path = self.ancestors.borrow();
        match path.iter().rposition(|a| a.id() == n.id()) {
            Some(0) => None,
            Some(i) => Some(path[i - 1]),
            None => n.parent(),
        }
    }

    fn binding(&self, kind: &str) -> Option<&'static Binding> {
        self.spec.bindings.iter().find(|b| b.kind == kind)
    }

    /// Candidates for one string literal node, read as `lit`.
    pub fn candidates(&self, node: Node<'t>, lit: literal::Literal, out: &mut Vec<Candidate>) {
        let mut cur = node;
        let mut list_index = None;
        while let Some(p) = self.parent(cur) {
            if p.is_error() {
                return;
            }
            let kind = p.kind();
            if let Some(bind) = self.binding(kind)
                && let Some(v) = self.slot(p, bind.value)
                && v.id() == cur.id()
            {
                let op = self.kinds.field(p, "operator").map(|o| self.text(o));
                if (kind.contains("augmented") || kind == "operator_assignment") && !matches!(op, Some("||=" | "??=")) {
                    // `token += "-suffix"` appends; only `||=` / `??=` set a whole default value.
                    return;
                }
                let Some(name_node) = self.slot(p, bind.name) else { return };
                let name_node = match list_index {
                    Some(i) => self.nth_name(p, bind, name_node, i),
                    None => Some(name_node),
                };
                let Some(name) = name_node.and_then(|n| self.name_of(n)) else { return };
                let mut c = Candidate::new(name, lit.value, lit.span);
                if self.kinds.is(node, NUMBER) {
                    // A number is a port or similar config value, never a credential.
                    let Some(key) = judge::config_key(&c.name) else { return };
                    c = c.with_role(Role::Config(key.into()));
                }
                if bind.scoped
                    && let Some(container) = self.parent(p)
                {
                    c = c.in_scope(container.id(), self.container_name(container));
                }
                out.push(c);
                return;
            }
            if self.spec.transparent.contains(&kind) {
                cur = p;
                continue;
            }
            if matches!(kind, "tuple" | "list" | "array" | "array_creation_expression") {
                self.auth_pair(p, cur, lit, out);
                return;
            }
            if LISTS.contains(&kind) && list_index.is_none() {
                if p.named_child_count() > MAX_LIST_BINDING {
                    // `x = 1, 2, …` (a bare tuple), not names paired with values by position.
                    return;
                }
                list_index = Some(named(p).iter().position(|c| c.id() == cur.id()).unwrap_or(0));
                cur = p;
                continue;
            }
            if self.spec.binary.contains(&kind) {
                self.binary(p, cur, lit, out);
                return;
            }
            if self.spec.arguments.contains(&kind) {
                calls::argument(self, p, cur, lit, out);
                return;
            }
            return;
        }
    }

    /// The i-th name of a list binding (`a, b = …`, Go `var a, b = …`).
    fn nth_name<'a>(&self, p: Node<'a>, bind: &Binding, name_node: Node<'a>, i: usize) -> Option<Node<'a>> {
        if LISTS.contains(&name_node.kind()) {
            return named(name_node).get(i).copied();
        }
        if let Slot::Field(f) = bind.name {
            let mut cursor = p.walk();
            let names: Vec<Node> = p.children_by_field_name(f, &mut cursor).collect();
            return names.get(i).copied();
        }
        (i == 0).then_some(name_node)
    }

    /// `auth=("user", "pass")`, `basic_auth: ["user", "pass"]`: a two-element tuple under an
    /// auth-like name is a username and a password.
    fn auth_pair(&self, tuple: Node<'t>, cur: Node, lit: literal::Literal, out: &mut Vec<Candidate>) {
        if tuple.named_child_count() > 4 {
            // Checked first (O(1)): listing a large literal's items for each of them is quadratic.
            return;
        }
        let items = named(tuple);
        let Some(name) = self.container_name(tuple) else { return };
        let last = judge::words(&name).last().cloned().unwrap_or_default();
        if items.len() != 2 || !matches!(last.as_str(), "auth" | "credentials" | "creds" | "login") {
            return;
        }
        let role =
            if items[0].id() == cur.id() { Role::Config("username".into()) } else { Role::Secret("password".into()) };
        let key = if matches!(role, Role::Secret(_)) { "password" } else { "username" };
        out.push(Candidate::new(key, lit.value, lit.span).with_role(role).in_scope(tuple.id(), Some(name)));
    }

    /// `process.env.X || "lit"`, `os.environ.get("X") or "lit"`, `ENV["X"] || "lit"`: the literal
    /// is the hardcoded default of an env lookup, named after the variable.
    fn binary(&self, p: Node, cur: Node, lit: literal::Literal, out: &mut Vec<Candidate>) {
        let op = self.kinds.field(p, "operator").map(|o| self.text(o)).unwrap_or("");
        if !matches!(op, "||" | "??" | "or") || self.kinds.field(p, "right").map(|r| r.id()) != Some(cur.id()) {
            return;
        }
        let Some(left) = self.kinds.field(p, "left") else { return };
        let lt = self.text(left);
        if !["env", "ENV", "getenv", "environ", "Getenv", "getProperty"].iter().any(|e| lt.contains(e)) {
            return;
        }
        if let Some(name) = self.name_of(left) {
            out.push(Candidate::new(name, lit.value, lit.span));
        }
    }

    /// The name a container (dict, object, argument list) goes by: the variable it is assigned
    /// to, the key it sits under, or the function it is passed to.
    pub fn container_name(&self, container: Node<'t>) -> Option<String> {
        let mut cur = container;
        for _ in 0..4 {
            let p = self.parent(cur)?;
            if let Some(bind) = self.binding(p.kind())
                && self.slot(p, bind.value).map(|v| v.id()) == Some(cur.id())
            {
                return self.slot(p, bind.name).and_then(|n| self.name_of(n));
            }
            if self.spec.arguments.contains(&cur.kind()) {
                // Arguments of a call: named after what the call is assigned to, else the callee.
                return self.container_name(p).or_else(|| calls::callee(self, p).map(|c| last_segment(&c).to_string()));
            }
            cur = p;
        }
        None
    }

    /// A name for a name-position node: an identifier, a string key, a member path
    /// (`self.db.password` → `db.password`), a subscript (`os.environ["X"]` → `X`).
    pub fn name_of(&self, n: Node) -> Option<String> {
        let mut segs = Vec::new();
        self.segments(n, &mut segs, 0);
        segs.retain(|s| !s.is_empty() && !NOISE.contains(&s.as_str()));
        if segs.is_empty() {
            return None;
        }
        let keep = segs.len().saturating_sub(3);
        Some(segs[keep..].join("."))
    }

    fn segments(&self, n: Node, out: &mut Vec<String>, depth: usize) {
        if depth > 8 {
            return;
        }
        if let Some(l) = literal::read(self.kinds, n, self.src) {
            out.push(l.value);
            return;
        }
        let kids = named(n);
        if kids.is_empty() {
            let t = self.text(n).trim_start_matches(['$', '@', ':']).trim_end_matches(':');
            if !t.is_empty() && t.chars().all(|c| c.is_alphanumeric() || c == '_' || c == '-' || c == '.') {
                out.push(t.to_string());
            }
            return;
        }
        if let Some(args) = self.kinds.field(n, "arguments") {
            // `os.getenv("X")`, `getenv('X')`, `ENV.fetch("X")`: the name is the string argument.
            if let Some(first) = named(args).first() {
                let mut inner = *first;
                while let Some(c) = named(inner).first().filter(|_| inner.kind() == "argument") {
                    inner = *c;
                }
                if let Some(l) = literal::read(self.kinds, inner, self.src) {
                    out.push(l.value);
                }
            }
            return;
        }
        for k in kids {
            if !matches!(k.kind(), "comment" | "type_annotation" | "type" | "type_arguments") {
                self.segments(k, out, depth + 1);
            }
        }
    }
}

/// A node's named children.
pub fn named(n: Node) -> Vec<Node> {
    let mut cursor = n.walk();
    n.named_children(&mut cursor).filter(|c| c.kind() != "comment").collect()
}

/// The last `.`-separated segment of a dotted name.
pub fn last_segment(s: &str) -> &str {
    s.rsplit(['.', ':', '>']).next().unwrap_or(s)
}
