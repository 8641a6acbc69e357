//! Scripts and images, before planning: a provider token the rules found in a Dockerfile `ENV`/`ARG`
//! pair or a shell assignment gets the variable it is assigned to as its name (the process reads
//! that variable, so it is the one to provide at run time), and a Dockerfile pair its deployment
//! context: `dockerfile` for `ENV` (the running container reads it), `dockerfile-arg` for `ARG`
//! (only the build does: nothing is injected at run time).

use crate::model::{DeployInfo, Finding};
use crate::rewrite::deploy::dockerfile;
use crate::rewrite::lang::Lang;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Names and deployment context for the Dockerfile and shell findings of a scan.
pub fn annotate(root: &Path, findings: &mut [Finding]) {
    let mut texts: BTreeMap<PathBuf, Option<String>> = BTreeMap::new();
    for f in findings.iter_mut() {
        if f.format != "dockerfile" && !(f.format == "shell" && f.name.is_none()) {
            continue;
        }
        let text = texts.entry(f.path.clone()).or_insert_with(|| {
            crate::paths::safe_join(root, &f.path).ok().and_then(|p| std::fs::read_to_string(p).ok())
        });
        let Some(text) = text.as_deref() else { continue };
        if f.span.end > text.len() || !text.is_char_boundary(f.span.start) || !text.is_char_boundary(f.span.end) {
            continue;
        }
        if f.format == "dockerfile" {
            let Some((inst, pair)) = dockerfile::pair_at(text, f.span) else { continue };
            if f.name.is_none() {
                f.name = Some(pair.key);
            }
            let kind = if inst.keyword == "ARG" { "dockerfile-arg" } else { "dockerfile" };
            f.deploy = Some(DeployInfo { kind: kind.into(), container: inst.stage_name, embedded: false });
        } else if let Some(name) = shell_variable(text, f.span) {
            f.name = Some(name);
        }
    }
}

/// The variable a shell value is assigned to: `NAME=value`, `export NAME="value"`, or the default
/// of `${NAME:-value}`.
fn shell_variable(text: &str, span: crate::model::Span) -> Option<String> {
    let tree = Lang::Shell.parse(text)?;
    let mut node = tree.root_node().descendant_for_byte_range(span.start, span.end)?;
    loop {
        match node.kind() {
            "variable_assignment" => {
                let name = node.child_by_field_name("name")?;
                return Some(text[name.start_byte()..name.end_byte()].to_string());
            }
            "expansion" => {
                let mut c = node.walk();
                let name = node.children(&mut c).find(|k| k.kind() == "variable_name")?;
                return Some(text[name.start_byte()..name.end_byte()].to_string());
            }
            "command" | "program" | "heredoc_body" => return None,
            _ => {}
        }
        node = node.parent()?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Span;

    fn at(text: &str, v: &str) -> Span {
        let s = text.find(v).unwrap();
        Span::new(s, s + v.len())
    }

    /// A compose service building `web/Dockerfile`, another building `worker/Dockerfile`.
    fn runners() -> Vec<crate::plan::runners::Runner> {
        let compose = "services:\n  web:\n    build: ./web\n    environment:\n      PORT: '80'\n  worker:\n    build:\n      context: worker\n";
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("docker-compose.yml"), compose).unwrap();
        crate::plan::runners::discover(dir.path())
    }

    #[test]
    fn an_image_env_is_injected_where_the_image_runs_and_a_build_arg_nowhere() {
        use crate::plan::testutil::{deployed, secret};
        let env = deployed(secret("web/Dockerfile", 30, "pw-1", None, "DB_PASSWORD", None), "dockerfile", "");
        let arg = deployed(secret("web/Dockerfile", 50, "tok-1", None, "NPM_TOKEN", None), "dockerfile-arg", "");
        let other = deployed(secret("api/Dockerfile", 3, "pw-2", None, "API_PASSWORD", None), "dockerfile", "");
        let o = crate::plan::PlanOptions {
            app: "shop".into(),
            env: None,
            name_template: crate::plan::naming::DEFAULT_TEMPLATE.into(),
            tags: Default::default(),
            kms_key_id: None,
            salt: crate::plan::testutil::TEST_SALT.into(),
            runners: runners(),
        };
        let p = crate::plan::build(&[env, arg, other], &o).unwrap().plan;
        let sites: Vec<_> = p.sites().map(|(_, _, s)| s).collect();
        assert!(sites.iter().all(|s| s.strategy == crate::model::Strategy::Env), "{sites:?}");
        let injected: Vec<(String, &str, &str)> = p
            .secrets
            .iter()
            .flat_map(|s| s.inject.iter())
            .map(|i| (crate::scan::slash_path(&i.path), i.container.as_str(), i.env_var.as_str()))
            .collect();
        assert_eq!(injected, [("docker-compose.yml".to_string(), "web", "DB_PASSWORD")]);
        let reason = |v: &str| sites.iter().find(|s| s.env_var.as_deref() == Some(v)).unwrap().reason.clone().unwrap();
        assert!(
            reason("DB_PASSWORD").contains("`web` in docker-compose.yml gets DB_PASSWORD"),
            "{}",
            reason("DB_PASSWORD")
        );
        assert!(reason("API_PASSWORD").contains("no deployment in the repository runs this image"));
        assert!(reason("NPM_TOKEN").contains("BuildKit secret id=NPM_TOKEN"));
    }

    #[test]
    fn shell_values_take_the_variable_they_are_assigned_to() {
        let t = "export A_TOKEN=\"tok1\"\nB=${B_KEY:-tok2}\nmysql -ptok3\n";
        assert_eq!(shell_variable(t, at(t, "tok1")).as_deref(), Some("A_TOKEN"));
        assert_eq!(shell_variable(t, at(t, "tok2")).as_deref(), Some("B_KEY"));
        assert_eq!(shell_variable(t, at(t, "tok3")), None);
    }
}
