//! Golden tests for deployment-file rewrites: each `testdata/deploy/<case>/` holds `input.*`,
//! `expected.*` and `case.yaml` (the sites, found by their literal text, and which input lines
//! may change). The output must equal `expected.*` byte for byte, every input line outside the
//! `touch` ranges must survive unchanged, and no migrated value may remain.
//! `scripts/bless` writes `expected.*` for review (the ignored `bless_deployment_goldens` test);
//! the normal test only compares.

mod common;

use common::bless::{self, Mode};

use hoist::model::{DeployInfo, Fingerprint, Shape, Site, Span, Strategy, apply_edits};
use hoist::rewrite::SiteRewrite;
use hoist::rewrite::deploy::rewrite_deploy;
use serde::Deserialize;
use std::path::{Path, PathBuf};

#[derive(Deserialize)]
struct Case {
    #[serde(default)]
    kind: Option<String>,
    sites: Vec<CaseSite>,
    /// Inclusive 1-based line ranges of the input that may change.
    #[serde(default)]
    touch: Vec<[usize; 2]>,
    /// Values that must not remain in the output.
    #[serde(default)]
    gone: Vec<String>,
    /// Indices of sites expected to be reported as manual.
    #[serde(default)]
    manual: Vec<usize>,
}

#[derive(Deserialize)]
struct CaseSite {
    find: String,
    #[serde(default = "one")]
    nth: usize,
    secret: String,
    key: String,
    #[serde(default)]
    shape: Option<String>,
    arn: String,
    #[serde(default)]
    env_var: Option<String>,
}

fn one() -> usize {
    1
}

fn case_dirs() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir("testdata/deploy")
        .expect("testdata/deploy exists")
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("case.yaml").exists())
        .collect();
    v.sort();
    v
}

fn file_named(dir: &Path, stem: &str) -> Option<PathBuf> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.file_stem().and_then(|s| s.to_str()) == Some(stem))
}

fn nth_span(text: &str, needle: &str, nth: usize) -> Span {
    let mut from = 0;
    for _ in 0..nth {
        let at =
            text[from..].find(needle).unwrap_or_else(|| panic!("fixture lacks occurrence {nth} of {needle:?}")) + from;
        from = at + 1;
        if from > text.len() {
            break;
        }
    }
    let start = from - 1;
    Span::new(start, start + needle.len())
}

/// Runs one case and returns (output, manual indices).
fn run_case(dir: &Path) -> (String, String, Vec<usize>, Case) {
    let case: Case = serde_yaml::from_str(&std::fs::read_to_string(dir.join("case.yaml")).unwrap()).unwrap();
    let input_path = file_named(dir, "input").expect("input.* exists");
    let text = std::fs::read_to_string(&input_path).unwrap();
    let rel = PathBuf::from(input_path.file_name().unwrap());
    let sites: Vec<Site> = case
        .sites
        .iter()
        .map(|s| {
            let span = nth_span(&text, &s.find, s.nth);
            Site {
                path: rel.clone(),
                line: text[..span.start].matches('\n').count() + 1,
                span,
                fingerprint: Fingerprint("0".repeat(32)),
                encoding: None,
                raw_fingerprint: None,
                rule: "test".into(),
                format: "test".into(),
                strategy: Strategy::Env,
                env_var: s.env_var.clone(),
                name: None,
                deploy: case.kind.clone().map(|kind| DeployInfo { kind, container: None, embedded: false }),
                reason: None,
            }
        })
        .collect();
    let rewrites: Vec<SiteRewrite> = case
        .sites
        .iter()
        .zip(&sites)
        .map(|(c, site)| SiteRewrite {
            site,
            secret_name: &c.secret,
            key: &c.key,
            shape: match c.shape.as_deref() {
                Some("string") => Shape::String,
                _ => Shape::Json,
            },
            arn: c.arn.clone(),
            env_var: c.env_var.clone().unwrap_or_else(|| c.key.to_uppercase()),
        })
        .collect();
    let fr = rewrite_deploy(&rel, &text, &rewrites)
        .unwrap_or_else(|| panic!("{}: not handled as a deployment file", dir.display()))
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    let out = String::from_utf8(apply_edits(text.as_bytes(), &fr.edits).expect("edits apply")).unwrap();
    let mut manual: Vec<usize> = fr.manual.iter().map(|(i, _)| *i).collect();
    manual.sort();
    for (_, reason) in &fr.manual {
        for s in &case.sites {
            assert!(!reason.contains(&s.find), "a manual reason holds a secret value: {reason}");
        }
    }
    (text, out, manual, case)
}

#[test]
fn golden_deployment_rewrites() {
    deployment_goldens(Mode::Compare);
}

#[test]
#[ignore = "rewrites testdata/deploy/*/expected.*: run scripts/bless"]
fn bless_deployment_goldens() {
    deployment_goldens(bless::guard("bless_deployment_goldens"));
}

fn deployment_goldens(mode: Mode) {
    let dirs = case_dirs();
    assert!(dirs.len() >= 2, "expected golden cases under testdata/deploy");
    let mut failures = Vec::new();
    for dir in &dirs {
        let (input, out, manual, case) = run_case(dir);
        let input_path = file_named(dir, "input").unwrap();
        let ext = input_path.extension().unwrap().to_str().unwrap();
        let expected_path = dir.join(format!("expected.{ext}"));
        if mode == Mode::Bless {
            std::fs::write(&expected_path, &out).unwrap();
        }
        let expected = std::fs::read_to_string(&expected_path)
            .unwrap_or_else(|_| panic!("{} missing (scripts/bless writes it)", expected_path.display()));
        if out != expected {
            failures.push(format!("{}: output differs from expected\n--- got ---\n{out}", dir.display()));
            continue;
        }
        assert_eq!(manual, case.manual, "{}: manual sites", dir.display());
        parses(ext, &out, dir);
        for v in &case.gone {
            assert!(!out.contains(v.as_str()), "{}: value still present", dir.display());
        }
        // Every input line outside `touch` survives unchanged.
        let diff = similar::TextDiff::from_lines(&input, &out);
        for op in diff.ops() {
            if let similar::DiffOp::Delete { old_index, old_len, .. }
            | similar::DiffOp::Replace { old_index, old_len, .. } = *op
            {
                for line in old_index + 1..=old_index + old_len {
                    assert!(
                        case.touch.iter().any(|[a, b]| (*a..=*b).contains(&line)),
                        "{}: input line {line} changed but is outside touch ranges",
                        dir.display()
                    );
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// The rewritten file still parses: JSON with serde_json, HCL with tree-sitter (no ERROR or
/// MISSING nodes), YAML with PyYAML keeping CloudFormation short tags.
fn parses(ext: &str, out: &str, dir: &Path) {
    match ext {
        "json" => {
            serde_json::from_str::<serde_json::Value>(out)
                .unwrap_or_else(|e| panic!("{}: output isn't JSON: {e}", dir.display()));
        }
        "tf" => {
            let mut p = tree_sitter::Parser::new();
            p.set_language(&tree_sitter_hcl::LANGUAGE.into()).unwrap();
            let t = p.parse(out, None).unwrap();
            assert!(!t.root_node().has_error(), "{}: output has HCL ERROR/MISSING nodes", dir.display());
            terraform_fmt(out, dir);
        }
        "yaml" => yaml_loads(out, dir),
        // No Dockerfile parser runs offline here (BuildKit's needs a daemon): the structural check.
        "dockerfile" => hoist::rewrite::deploy::dockerfile::check(out)
            .unwrap_or_else(|e| panic!("{}: output isn't a valid Dockerfile: {e}", dir.display())),
        other => panic!("no parser check for .{other}"),
    }
}

/// `terraform fmt -` accepts the output (it parses it with Terraform's own HCL parser), when
/// terraform is installed; the tree-sitter check above runs everywhere.
fn terraform_fmt(out: &str, dir: &Path) {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let Ok(mut child) = Command::new("terraform")
        .args(["fmt", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
    else {
        return;
    };
    child.stdin.take().unwrap().write_all(out.as_bytes()).unwrap();
    let o = child.wait_with_output().unwrap();
    assert!(
        o.status.success(),
        "{}: terraform fmt rejects the output: {}",
        dir.display(),
        String::from_utf8_lossy(&o.stderr)
    );
}

const PY_YAML: &str = r#"
import sys, yaml
class L(yaml.SafeLoader): pass
def tagged(loader, suffix, node):
    if isinstance(node, yaml.ScalarNode): v = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode): v = loader.construct_sequence(node)
    else: v = loader.construct_mapping(node)
    return {"!" + suffix: v}
L.add_multi_constructor("!", tagged)
docs = list(yaml.load_all(sys.stdin.read(), Loader=L))
print(len(docs))
"#;

fn yaml_loads(out: &str, dir: &Path) {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let mut child = Command::new("python3")
        .args(["-c", PY_YAML])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python3 is required for the YAML checks (scripts/test sets up a venv with pyyaml)");
    child.stdin.take().unwrap().write_all(out.as_bytes()).unwrap();
    let o = child.wait_with_output().unwrap();
    assert!(
        o.status.success(),
        "{}: PyYAML can't load the output (is pyyaml installed? scripts/test installs it): {}",
        dir.display(),
        String::from_utf8_lossy(&o.stderr)
    );
}

/// The ExternalSecret produces the Secret the manifest held: same name, namespace and keys, each
/// key read from its secret's ARN (and JSON property); the other documents are unchanged.
#[test]
fn external_secret_recreates_the_same_secret() {
    use serde::Deserialize as _;
    let docs = |text: &str| -> Vec<serde_yaml::Value> {
        serde_yaml::Deserializer::from_str(text).map(|d| serde_yaml::Value::deserialize(d).unwrap()).collect()
    };
    let input = docs(&std::fs::read_to_string("testdata/deploy/k8s-secret/input.yaml").unwrap());
    let output = docs(&std::fs::read_to_string("testdata/deploy/k8s-secret/expected.yaml").unwrap());
    assert_eq!(input.len(), output.len());
    assert_eq!(input[0], output[0]);
    assert_eq!(input[2], output[2]);
    let (secret, es) = (&input[1], &output[1]);
    assert_eq!(es["apiVersion"], "external-secrets.io/v1beta1");
    assert_eq!(es["kind"], "ExternalSecret");
    assert_eq!(es["metadata"]["namespace"], secret["metadata"]["namespace"]);
    assert_eq!(es["spec"]["target"]["name"], secret["metadata"]["name"]);
    assert_eq!(es["spec"]["secretStoreRef"]["kind"], "ClusterSecretStore");
    let mut want: Vec<String> = ["data", "stringData"]
        .iter()
        .filter_map(|s| secret[*s].as_mapping())
        .flat_map(|m| m.keys().map(|k| k.as_str().unwrap().to_string()))
        .collect();
    let mut got: Vec<String> = es["spec"]["data"]
        .as_sequence()
        .unwrap()
        .iter()
        .map(|d| d["secretKey"].as_str().unwrap().to_string())
        .collect();
    want.sort();
    got.sort();
    assert_eq!(got, want);
    for d in es["spec"]["data"].as_sequence().unwrap() {
        let key = d["remoteRef"]["key"].as_str().unwrap();
        assert!(key.starts_with("arn:aws:secretsmanager:") && key.rsplit('-').next().unwrap().len() == 6, "{key}");
    }
}
