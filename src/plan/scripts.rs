//! Scripts and images, before planning: a provider token the rules found in a Dockerfile `ENV`/`ARG`
//! pair or a shell assignment gets the variable it is assigned to as its name (the process reads
//! that variable, so it is the one to provide at run time), and a Dockerfile pair its deployment
//! context: `dockerfile` for `ENV` (the running container reads it), `dockerfile-arg` for `ARG`
//! (only the build does: nothing is injected at run time).
//!
//! After planning, [`fetch_unattended`] gives the shell sites of scripts that run where nothing
//! injects variables — named by a CI pipeline or a crontab, or kept in a `bin/` or CI folder, and
//! run by no compose service or ECS container — strategy `sdk`: the script fetches the value by
//! full ARN with the `aws` CLI (environment first), since no `hoist run` wraps a CI job or cron.

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

/// Files that run scripts unattended: CI pipelines and crontabs.
fn is_scheduler(rel: &Path) -> bool {
    let p = crate::scan::slash_path(rel).to_ascii_lowercase();
    let name = p.rsplit('/').next().unwrap_or("");
    p.starts_with(".github/workflows/")
        || p.starts_with(".circleci/")
        || p.starts_with(".buildkite/")
        || [".gitlab-ci.yml", ".travis.yml", "azure-pipelines.yml", "bitbucket-pipelines.yml", "jenkinsfile", "crontab"]
            .contains(&name)
        || name.ends_with(".cron")
        || p.contains("cron.d/")
}

/// The CI pipelines and crontabs of the repository (at most 1 MiB each) with their text.
fn schedulers(root: &Path) -> Vec<(PathBuf, String)> {
    let walker = ignore::WalkBuilder::new(root)
        .hidden(false)
        .filter_entry(|e| !matches!(e.file_name().to_str(), Some(".git" | ".hoist" | "node_modules")))
        .build();
    let mut out = Vec::new();
    for e in walker.flatten() {
        let rel = e.path().strip_prefix(root).unwrap_or(e.path());
        let small = e.metadata().is_ok_and(|m| m.is_file() && m.len() <= 1 << 20);
        if small
            && is_scheduler(rel)
            && let Ok(text) = std::fs::read_to_string(e.path())
        {
            out.push((rel.to_path_buf(), text));
        }
    }
    out.sort();
    out
}

/// Folders whose scripts are tools or CI steps, not a deployment's processes.
const UNATTENDED_DIRS: &[&str] = &["bin", "ci", ".ci", ".github", ".circleci", ".buildkite", "cron", "cron.d"];

/// Why the script at `rel` runs where no variable is injected, if it does: the CI pipeline or
/// crontab that names it, or the folder it sits in.
fn unattended(rel: &Path, schedulers: &[(PathBuf, String)]) -> Option<String> {
    let p = crate::scan::slash_path(rel);
    let named = |t: &str| {
        t.match_indices(p.as_str()).any(|(i, _)| {
            let before = t[..i].chars().next_back();
            let after = t[i + p.len()..].chars().next();
            before.is_none_or(|c| c.is_whitespace() || "/\"'=:;(".contains(c))
                && after.is_none_or(|c| c.is_whitespace() || "\"';)&|".contains(c))
        })
    };
    if let Some((by, _)) = schedulers.iter().find(|(_, t)| named(t)) {
        return Some(format!("run by {}", crate::scan::slash_path(by)));
    }
    let dirs: Vec<&str> = p.split('/').collect();
    let dir = dirs[..dirs.len().saturating_sub(1)].iter().find(|d| UNATTENDED_DIRS.contains(d))?;
    Some(format!("a tool in {dir}/"))
}

/// Gives the `env` shell sites of unattended scripts that no deployment runs strategy `sdk`, with
/// the reason (see the module doc).
pub fn fetch_unattended(root: &Path, plan: &mut crate::model::Plan) {
    use crate::model::{Shape, Strategy};
    if !plan.sites().any(|(_, _, s)| s.format == "shell" && s.strategy == Strategy::Env) {
        return;
    }
    let schedulers = schedulers(root);
    let runners = crate::plan::runners::discover(root);
    for s in &mut plan.secrets {
        let shape = s.shape;
        for k in &mut s.keys {
            for site in k.sites.iter_mut().filter(|x| x.format == "shell" && x.strategy == Strategy::Env) {
                if runners.iter().any(|r| r.runs(&site.path)) {
                    continue;
                }
                let Some(why) = unattended(&site.path, &schedulers) else { continue };
                let var = site.env_var.clone().unwrap_or_default();
                let fetch = crate::rewrite::shell::fetch_command(&crate::rewrite::shell::Fetch {
                    var: &var,
                    arn: "ARN",
                    key: (shape == Shape::Json).then_some(k.key.as_str()),
                });
                site.strategy = Strategy::Sdk;
                site.reason = Some(format!(
                    "{why}, where no deployment injects variables: the script reads {var} from the environment if \
                     set, else fetches it by full ARN (`{fetch}`; needs the aws CLI{} and \
                     secretsmanager:GetSecretValue there), and stops with a message when neither works; set strategy \
                     env to have it read {var} only (`hoist run` provides it)",
                    if shape == Shape::Json { ", jq" } else { "" }
                ));
            }
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
    #[test]
    fn a_script_named_by_a_pipeline_or_crontab_or_kept_in_bin_is_unattended() {
        let by = |p: &str, t: &str| vec![(PathBuf::from(p), t.to_string())];
        let ci = by(".github/workflows/release.yml", "steps:\n  - run: bash scripts/release.sh --tag\n");
        assert_eq!(
            unattended(Path::new("scripts/release.sh"), &ci).as_deref(),
            Some("run by .github/workflows/release.yml")
        );
        assert_eq!(unattended(Path::new("scripts/release.sh.bak"), &ci), None, "a longer name isn't the script");
        assert_eq!(unattended(Path::new("old/scripts/release.sh"), &ci), None, "another folder's script");
        let cron = by("deploy/crontab", "0 3 * * * /srv/app/scripts/backup.sh\n");
        assert_eq!(unattended(Path::new("scripts/backup.sh"), &cron).as_deref(), Some("run by deploy/crontab"));
        assert_eq!(unattended(Path::new("bin/rotate-keys"), &[]).as_deref(), Some("a tool in bin/"));
        assert_eq!(unattended(Path::new("scripts/dev.sh"), &[]), None, "nothing says who runs it");
        assert!(is_scheduler(Path::new(".gitlab-ci.yml")) && is_scheduler(Path::new("ops/nightly.cron")));
        assert!(!is_scheduler(Path::new("docs/ci.md")));
    }

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
