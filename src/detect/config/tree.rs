//! A small document tree shared by YAML, JSON, HCL and XML, and the walk over it that knows the
//! deployment formats: ECS task definitions, CloudFormation, Kubernetes, docker-compose, Terraform.

use super::entry::{Role, Sink};
use super::env_line::{env_line_pairs, span_in};
use crate::model::{DeployInfo, Span};
use base64::Engine;

/// A parsed value with byte spans for its scalars.
#[derive(Clone, Debug)]
pub(crate) enum Val {
    /// Mapping/object/block: ordered pairs (keys may repeat, as XML elements do).
    Map(Vec<(String, Val)>),
    /// Sequence/array/tuple.
    Seq(Vec<Val>),
    /// A scalar.
    Str(Scalar),
    /// Anything else (null, aliases, calls hoist doesn't look into).
    Other,
}

/// A scalar value.
#[derive(Clone, Debug)]
pub(crate) struct Scalar {
    /// Decoded text.
    pub value: String,
    /// The bytes of the value (inside quotes).
    pub span: Span,
    /// False for references: short tags (`!Ref`), expressions, interpolations.
    pub literal: bool,
}

impl Val {
    /// The value under `key` (case-insensitive) in a map.
    pub fn get(&self, key: &str) -> Option<&Val> {
        match self {
            Val::Map(p) => p.iter().find(|(k, _)| k.eq_ignore_ascii_case(key)).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The scalar text under `key`.
    pub fn str_at(&self, key: &str) -> Option<&str> {
        match self.get(key)? {
            Val::Str(s) => Some(&s.value),
            _ => None,
        }
    }
}

/// CloudFormation's short-form tag of an intrinsic function (`!If`, `!Join`) in its long form
/// (`Fn::If`, `Fn::Join`), as JSON templates write it.
pub(crate) fn cfn_function(tag: &str) -> Option<&'static str> {
    Some(match tag {
        "!If" => "Fn::If",
        "!Join" => "Fn::Join",
        "!Select" => "Fn::Select",
        "!Sub" => "Fn::Sub",
        "!FindInMap" => "Fn::FindInMap",
        "!GetAtt" => "Fn::GetAtt",
        "!Split" => "Fn::Split",
        "!Base64" => "Fn::Base64",
        "!Equals" => "Fn::Equals",
        "!Not" => "Fn::Not",
        "!And" => "Fn::And",
        "!Or" => "Fn::Or",
        "!Cidr" => "Fn::Cidr",
        "!ImportValue" => "Fn::ImportValue",
        "!Transform" => "Fn::Transform",
        "!GetAZs" => "Fn::GetAZs",
        "!ToJsonString" => "Fn::ToJsonString",
        "!Length" => "Fn::Length",
        "!Ref" => "Ref",
        "!Condition" => "Condition",
        _ => return None,
    })
}

/// The CloudFormation intrinsic function a value is (`{"Fn::If": [...]}`, `!If [...]`): its name
/// and arguments.
fn intrinsic(v: &Val) -> Option<(&str, &Val)> {
    match v {
        Val::Map(p) if p.len() == 1 && (p[0].0.starts_with("Fn::") || p[0].0 == "Ref") => Some((&p[0].0, &p[0].1)),
        _ => None,
    }
}

/// The scalars a value can evaluate to when the stack deploys: a scalar is itself; `Fn::If` is
/// either branch (the condition's name is no value); `Fn::Select` with a literal index the item
/// it picks; `Fn::Sub`'s template string a reference (only a literal URL login in it counts, as
/// in any templated value); `Fn::Join` the literal part that holds the value (the longest part
/// that is no URL fragment or separator; a part carrying a URL is judged as a template).
/// `Ref`, `Fn::GetAtt`, `Fn::ImportValue`, … evaluate to nothing written here.
pub(crate) fn outcomes(v: &Val) -> Vec<Scalar> {
    let Some(_depth) = crate::scan::limit::enter() else { return Vec::new() };
    let Some((f, args)) = intrinsic(v) else {
        return match v {
            Val::Str(s) => vec![s.clone()],
            _ => Vec::new(),
        };
    };
    let items = match args {
        Val::Seq(items) => items.as_slice(),
        _ => &[],
    };
    match (f, items) {
        ("Fn::If", [_, a, b]) => outcomes(a).into_iter().chain(outcomes(b)).collect(),
        ("Fn::Select", [Val::Str(i), Val::Seq(list)]) => {
            i.value.parse::<usize>().ok().and_then(|i| list.get(i)).map(outcomes).unwrap_or_default()
        }
        ("Fn::Sub", _) => {
            let template = match (args, items.first()) {
                (Val::Str(s), _) | (_, Some(Val::Str(s))) => s,
                _ => return Vec::new(),
            };
            vec![Scalar { literal: false, ..template.clone() }]
        }
        ("Fn::Join", [_, Val::Seq(parts)]) => {
            let literal = |p: &&Val| matches!(p, Val::Str(s) if s.literal);
            let scalars = parts.iter().filter(literal).filter_map(|p| match p {
                Val::Str(s) => Some(s),
                _ => None,
            });
            let mut url = Vec::new();
            let mut best: Option<&Scalar> = None;
            for s in scalars {
                if s.value.contains("://") {
                    url.push(Scalar { literal: false, ..s.clone() });
                } else if !s.value.ends_with([':', '@', '/', '=', ';'])
                    && s.value.chars().any(char::is_alphanumeric)
                    && best.is_none_or(|b| s.value.len() > b.value.len())
                {
                    best = Some(s);
                }
            }
            url.into_iter().chain(best.cloned()).collect()
        }
        _ => Vec::new(),
    }
}

/// What kind of deployment document is being walked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Deploy {
    /// A plain config document.
    None,
    /// ECS task definition JSON (or a list of container definitions).
    Ecs,
    /// CloudFormation template.
    CloudFormation,
    /// Kubernetes manifest; `true` for a `Secret` object.
    Kubernetes { secret: bool },
    /// docker-compose file.
    Compose,
    /// Terraform/HCL.
    Terraform,
}

impl Deploy {
    /// Classifies a top-level document.
    pub fn classify(doc: &Val, file_name: &str) -> Deploy {
        let is_ecs_list = |v: &Val| match v {
            Val::Seq(items) => {
                !items.is_empty() && items.iter().all(|i| i.get("name").is_some() && i.get("image").is_some())
            }
            _ => false,
        };
        if is_ecs_list(doc) {
            return Deploy::Ecs;
        }
        if doc.get("containerDefinitions").is_some()
            || doc.get("taskDefinition").and_then(|t| t.get("containerDefinitions")).is_some()
        {
            return Deploy::Ecs;
        }
        if doc.get("AWSTemplateFormatVersion").is_some()
            || matches!(doc.get("Resources"), Some(Val::Map(r)) if r.iter().any(|(_, v)| v.str_at("Type").is_some_and(|t| t.starts_with("AWS::"))))
        {
            return Deploy::CloudFormation;
        }
        if doc.get("apiVersion").is_some() && doc.get("kind").is_some() {
            return Deploy::Kubernetes { secret: doc.str_at("kind") == Some("Secret") };
        }
        let services = matches!(doc.get("services"), Some(Val::Map(s)) if s.iter().any(|(_, v)| v.get("image").is_some() || v.get("build").is_some() || v.get("environment").is_some()));
        if services || file_name.contains("compose") && doc.get("services").is_some() {
            return Deploy::Compose;
        }
        Deploy::None
    }

    fn kind(self) -> Option<&'static str> {
        Some(match self {
            Deploy::None => return None,
            Deploy::Ecs => "ecs-task-definition",
            Deploy::CloudFormation => "cloudformation",
            // A Secret's data is what hoist converts (to an ExternalSecret); other objects only
            // reference values, so the planner must tell them apart.
            Deploy::Kubernetes { secret: true } => "kubernetes-secret",
            Deploy::Kubernetes { secret: false } => "kubernetes",
            Deploy::Compose => "docker-compose",
            Deploy::Terraform => "terraform",
        })
    }
}

/// Walk state: where in the document we are.
#[derive(Clone)]
struct Ctx {
    path: Vec<String>,
    deploy: Deploy,
    container: Option<String>,
}

impl Ctx {
    fn info(&self) -> Option<DeployInfo> {
        self.deploy.kind().map(|k| DeployInfo {
            kind: k.to_string(),
            container: self.container.clone(),
            embedded: false,
        })
    }

    fn label(&self) -> String {
        self.path.join(".")
    }

    fn child(&self, key: &str) -> Ctx {
        let mut c = self.clone();
        c.path.push(key.to_string());
        c
    }
}

/// Walks one document into entries.
pub(crate) fn walk_document(doc: &Val, deploy: Deploy, sink: &mut Sink) {
    let container = match deploy {
        Deploy::Kubernetes { .. } => doc.get("metadata").and_then(|m| m.str_at("name")).map(str::to_string),
        _ => None,
    };
    let ctx = Ctx { path: Vec::new(), deploy, container };
    walk(doc, &ctx, sink);
}

fn walk(v: &Val, ctx: &Ctx, sink: &mut Sink) {
    let Some(_depth) = crate::scan::limit::enter() else { return };
    match v {
        Val::Map(pairs) => walk_map(pairs, ctx, sink),
        Val::Seq(items) => walk_seq(items, ctx, sink),
        _ => {}
    }
}

const ENV_KEYS: &[&str] = &["environment", "env", "envs", "variables", "env_vars", "envvars", "environmentvariables"];

fn walk_map(pairs: &[(String, Val)], ctx: &Ctx, sink: &mut Sink) {
    let last = ctx.path.last().map(|s| s.to_ascii_lowercase()).unwrap_or_default();
    // Kubernetes Secret `data:`/`stringData:` and env-like maps are flat namespaces.
    let k8s_secret = matches!(ctx.deploy, Deploy::Kubernetes { secret: true })
        && ctx.path.len() == 1
        && (last == "data" || last == "stringdata");
    // Terraform's top level (`.tfvars`) and `locals` are flat namespaces of variables too.
    let tf_flat = ctx.deploy == Deploy::Terraform && (ctx.path.is_empty() || ctx.path.len() == 1 && last == "locals");
    let flat = ENV_KEYS.contains(&last.as_str()) || ctx.path.len() == 1 && last == "data" || tf_flat;
    let scope = sink.scope(ctx.label(), flat);
    // Only a collection of credentials is a parent the judgement asks about (`inherits_secret`):
    // not cloned for every scalar of every other mapping.
    let parent = ctx.path.last().filter(|p| super::entry::names_a_collection(p)).cloned();
    for (k, val) in pairs {
        match val {
            Val::Str(s) => {
                if k8s_secret {
                    add_k8s_secret(sink, scope, k, s, last == "data", ctx);
                    continue;
                }
                add_scalar(sink, scope, ctx, k, s, parent.clone());
            }
            // `MasterUserPassword: !If [IsDev, "literal", !Ref Pw]`: each literal outcome.
            Val::Map(_) if intrinsic(val).is_some() => {
                for s in outcomes(val) {
                    add_scalar(sink, scope, ctx, k, &s, parent.clone());
                }
            }
            Val::Seq(items) if ENV_KEYS.contains(&k.to_ascii_lowercase().as_str()) => {
                walk_env_list(items, &ctx.child(k), sink);
            }
            Val::Map(_) if pair_of(val).is_some() => {
                // `<add key="DbPassword" value="…"/>`, `<property name="password" value="…"/>`:
                // named by the pair's own name, grouped with its siblings.
                let (n, values) = pair_of(val).expect("checked");
                for s in values {
                    let e = sink.add(scope, &n, s.value.clone(), s.span, s.literal);
                    e.deploy = ctx.info();
                }
            }
            _ => {
                let mut c = ctx.child(k);
                if let Some(name) = container_of(ctx, k) {
                    c.container = Some(name);
                }
                walk(val, &c, sink);
            }
        }
    }
}

/// One scalar under key `k` of a mapping: named by the key (or the CloudFormation parameter /
/// Terraform variable whose default it is).
fn add_scalar(sink: &mut Sink, scope: usize, ctx: &Ctx, k: &str, s: &Scalar, parent: Option<String>) {
    let (name, role) = match cfn_parameter_name(ctx, k) {
        Some(p) => (p.0, p.1),
        None if is_tf_variable_default(ctx, k) => (ctx.path[1].as_str(), Role::Auto),
        None => (k, Role::Auto),
    };
    let e = sink.add(scope, name, s.value.clone(), s.span, s.literal);
    e.role = role;
    e.deploy = ctx.info();
    e.parent = parent;
}

/// The container/service/resource a subtree belongs to.
fn container_of(ctx: &Ctx, key: &str) -> Option<String> {
    match ctx.deploy {
        Deploy::Compose if ctx.path.len() == 1 && ctx.path[0] == "services" => Some(key.to_string()),
        Deploy::CloudFormation if ctx.path.len() == 1 && ctx.path[0] == "Resources" => Some(key.to_string()),
        Deploy::Terraform if ctx.path.len() == 2 && ctx.path[0] == "resource" => Some(format!("{}.{key}", ctx.path[1])),
        Deploy::Terraform if ctx.path.len() == 1 && matches!(ctx.path[0].as_str(), "module" | "provider") => {
            Some(format!("{}.{key}", ctx.path[0]))
        }
        _ => None,
    }
}

fn walk_seq(items: &[Val], ctx: &Ctx, sink: &mut Sink) {
    let last = ctx.path.last().map(|s| s.to_ascii_lowercase()).unwrap_or_default();
    let containers = ctx.path.is_empty() && ctx.deploy == Deploy::Ecs
        || matches!(last.as_str(), "containerdefinitions" | "containers" | "initcontainers" | "container_definitions");
    for (i, item) in items.iter().enumerate() {
        let mut c = ctx.child(&format!("[{i}]"));
        if containers && let Some(n) = item.str_at("name") {
            c.container = Some(n.to_string());
        }
        walk(item, &c, sink);
    }
}

/// `environment:` as a list: `- KEY=value` strings (compose) or `{name, value}` maps (ECS,
/// Kubernetes, CloudFormation). Entries without a literal `value` (`valueFrom`) are references.
fn walk_env_list(items: &[Val], ctx: &Ctx, sink: &mut Sink) {
    let scope = sink.scope(ctx.label(), true);
    for item in items {
        match item {
            Val::Str(s) if s.literal && s.span.len() == s.value.len() => {
                // Travis/CI `env:` items set several variables at once (`- DB_USER=root DB_PASSWORD=…`).
                if let Some(pairs) = env_line_pairs(&s.value) {
                    for (name, value) in pairs {
                        let e = sink.add(
                            scope,
                            &s.value[name],
                            s.value[value.clone()].to_string(),
                            span_in(s, value),
                            true,
                        );
                        e.deploy = ctx.info();
                    }
                    continue;
                }
                let Some(eq) = s.value.find('=') else { continue };
                let name = s.value[..eq].trim();
                let value = &s.value[eq + 1..];
                if name.is_empty() || name.contains(' ') {
                    continue;
                }
                let span = Span::new(s.span.start + eq + 1, s.span.end);
                let e = sink.add(scope, name, value.to_string(), span, true);
                e.deploy = ctx.info();
            }
            Val::Map(_) => match pair_of(item) {
                Some((n, values)) => {
                    for s in values {
                        let e = sink.add(scope, &n, s.value.clone(), s.span, s.literal);
                        e.deploy = ctx.info();
                    }
                }
                None if item.get("valueFrom").is_some() || item.get("name").is_some() => {}
                None => walk(item, ctx, sink),
            },
            _ => {}
        }
    }
}

/// A `{name|key: N, value: V}` map: the entry it stands for, with what its value can evaluate
/// to ([`outcomes`]: `Value: !If [IsProd, !Ref Pw, "literal"]` in a CloudFormation environment).
fn pair_of(v: &Val) -> Option<(String, Vec<Scalar>)> {
    let Val::Map(pairs) = v else { return None };
    if pairs.len() > 4 {
        return None;
    }
    let name = v.str_at("name").or_else(|| v.str_at("key"))?;
    let values = outcomes(v.get("value")?);
    (!values.is_empty()).then(|| (name.to_string(), values))
}

/// CloudFormation `Parameters: {DbPassword: {Default: …, NoEcho: true}}`: the parameter's name
/// is the name; `NoEcho` says credential.
fn cfn_parameter_name<'c>(ctx: &'c Ctx, key: &str) -> Option<(&'c str, Role)> {
    if ctx.deploy != Deploy::CloudFormation || ctx.path.len() != 2 || ctx.path[0] != "Parameters" || key != "Default" {
        return None;
    }
    Some((ctx.path[1].as_str(), Role::Auto))
}

fn is_tf_variable_default(ctx: &Ctx, key: &str) -> bool {
    ctx.deploy == Deploy::Terraform && ctx.path.len() == 2 && ctx.path[0] == "variable" && key == "default"
}

/// A Kubernetes `Secret` entry: every key is a credential unless it names a config value or a
/// certificate; `data:` values are base64 (the span stays on the base64 text).
fn add_k8s_secret(sink: &mut Sink, scope: usize, key: &str, s: &Scalar, b64: bool, ctx: &Ctx) {
    let value = if b64 {
        let compact: String = s.value.split_whitespace().collect();
        match base64::engine::general_purpose::STANDARD
            .decode(compact.as_bytes())
            .ok()
            .and_then(|b| String::from_utf8(b).ok())
        {
            Some(v) => v,
            None => return,
        }
    } else {
        s.value.clone()
    };
    let lower = key.to_ascii_lowercase();
    let public =
        [".crt", ".pem", ".cert", "ca.crt", ".pub"].iter().any(|x| lower.ends_with(x)) && !lower.contains("key");
    if public {
        return;
    }
    // `type: postgresql`, `provider: bitnami` (service-binding Secrets): descriptive keys are
    // judged by their name like anywhere else.
    let role = match crate::detect::judge::config_key(key) {
        Some(k) => Role::Config(k),
        None if crate::detect::judge::names_non_credential(key) => Role::Auto,
        None => Role::Secret,
    };
    let e = sink.add(scope, key, value, s.span, s.literal);
    e.role = role;
    e.deploy = ctx.info();
}

/// Applies the CloudFormation `NoEcho: true` rule after the walk: such a parameter's default is a
/// credential whatever its name.
pub(crate) fn mark_noecho(doc: &Val, sink: &mut Sink) {
    let Some(Val::Map(params)) = doc.get("Parameters") else { return };
    for (name, p) in params {
        let noecho = p.str_at("NoEcho").is_some_and(|v| v.eq_ignore_ascii_case("true"));
        if let (true, Some(Val::Str(d))) = (noecho, p.get("Default")) {
            for e in sink.entries.iter_mut().filter(|e| e.span == d.span && &e.name == name) {
                e.role = Role::Secret;
            }
        }
    }
}
