//! The default rewrite strategy of a site (`env`, `sdk`, `manual` with the reason, `skip`), from
//! where the finding sits (deployment file, code, config, `.env`) and what the format can express.

use super::naming;
use super::runners::Runner;
use super::sites::{Place, SDK_LANGS, env_entry, in_url, place};
use crate::model::{Finding, Kind, Severity, Strategy};

/// The default strategy for a site and, for `manual`/`skip`, why and what to do instead.
pub(super) fn strategy(f: &Finding, injected: bool, key: &str, env_var: &str) -> (Strategy, Option<String>) {
    if f.severity == Severity::Low {
        return (
            Strategy::Skip,
            Some("test, fixture or example file: left alone (set strategy to env or sdk to migrate it)".into()),
        );
    }
    // A key or certificate file moves whole: uploaded, removed from the tree, written back at run time.
    if crate::keyfile::is_whole_file(&f.rule) {
        return (Strategy::File, Some(crate::keyfile::plan_note(&f.path, crate::keyfile::is_binary(&f.rule))));
    }
    // Rewriting a host inside a URL or an `engine` argument of a database resource buys nothing:
    // the site still fills its key (apply reads every site), only the rewrite is skipped.
    // A Kubernetes Secret's settings stay as they are too: the ExternalSecret's template writes
    // them literally beside the credentials it reads from Secrets Manager.
    let k8s_secret = f.deploy.as_ref().is_some_and(|d| d.kind == "kubernetes-secret");
    if f.kind == Kind::Config && (in_url(f) || place(f) == Place::Deploy && (!env_entry(f) || k8s_secret)) {
        return (
            Strategy::Skip,
            Some("a setting, not a credential: left in place; its value still fills this key".into()),
        );
    }
    let manual = |why: &str| {
        (
            Strategy::Manual,
            Some(format!("{why}; replace the value with env var {env_var}, injected from this secret's `{key}` key")),
        )
    };
    // Formats that interpolate keep the connection string and move only the credential: compose
    // expands `${DB_PASSWORD:?…}` inside the value, Terraform `${jsondecode(data…)["password"]}`
    // (an interpolated host keeps its template).
    let kind = f.deploy.as_ref().map(|d| d.kind.as_str()).unwrap_or("");
    if in_url(f) && place(f) == Place::Deploy && f.kind == Kind::Secret {
        match kind {
            "docker-compose" => return (Strategy::Env, None),
            "terraform" => return (Strategy::Sdk, None),
            _ => {}
        }
    }
    if in_url(f) && matches!(place(f), Place::Deploy | Place::Dotenv) {
        let var = f.name.as_deref().unwrap_or("the variable");
        return manual(&format!(
            "part of the connection string in {var}, and an injected variable holds a whole value: inject the \
             parts as separate variables and build the string in code, or store the whole string as one key"
        ));
    }
    match place(f) {
        Place::Deploy if crate::rewrite::deploy::embedded_in_script(f.deploy.as_ref()) => {
            (Strategy::Manual, Some(crate::rewrite::deploy::EMBEDDED_WHY.to_string()))
        }
        Place::Deploy => {
            let kind = f.deploy.as_ref().map(|d| d.kind.as_str()).unwrap_or("");
            match kind {
                "ecs-task-definition" | "docker-compose" if env_entry(f) => (Strategy::Env, None),
                "ecs-task-definition" | "docker-compose" => {
                    manual("not an environment entry, and hoist rewrites only those in this file")
                }
                "terraform" | "cloudformation" if env_entry(f) => (Strategy::Env, None),
                // A resource argument: a data source / dynamic reference by ARN.
                "terraform" | "cloudformation" => (Strategy::Sdk, None),
                // The rewriter turns the Secret into an ExternalSecret reading this key.
                "kubernetes-secret" => (Strategy::Env, None),
                // A container `env` value: valueFrom.secretKeyRef to the Secret an ExternalSecret
                // hoist generates for the workload recreates from this secret.
                "kubernetes" if env_entry(f) => (Strategy::Env, None),
                "kubernetes" => manual(
                    "Kubernetes can't read Secrets Manager itself: sync it with External Secrets or the Secrets Store \
                     CSI driver and use a secretKeyRef",
                ),
                "dockerfile" | "dockerfile-arg" if f.kind == Kind::Config => (
                    Strategy::Skip,
                    Some("a setting, not a credential: left in place; its value still fills this key".into()),
                ),
                "dockerfile" if f.kind == Kind::Secret => (Strategy::Env, Some(image_reason(env_var, &[]))),
                "dockerfile-arg" if f.kind == Kind::Secret && f.name.as_deref().is_some_and(naming::is_env_var) => (
                    Strategy::Env,
                    Some(format!(
                        "removed from the image: a build argument's value stays in the image history; the RUN \
                         that reads it while building mounts it as BuildKit secret id={env_var} (`docker build \
                         --secret id={env_var},env={env_var}`, compose `build.secrets`)"
                    )),
                ),
                "dockerfile" | "dockerfile-arg" => {
                    manual("a Dockerfile bakes the value into the image: pass it at run time instead")
                }
                other => manual(&format!("hoist has no rewrite for `{other}` deployment files")),
            }
        }
        Place::Dotenv => (Strategy::Env, None),
        Place::Code if injected => (Strategy::Env, None),
        Place::Code if SDK_LANGS.contains(&f.format.as_str()) => (Strategy::Sdk, None),
        Place::Code => manual(&format!(
            "no deployment file hoist rewrites injects this value and hoist has no {} SDK rewrite",
            f.format
        )),
        Place::Config => config_strategy(f, env_var, manual),
    }
}

pub(crate) use crate::keyfile::is_key_file;

/// Config files: `${VAR}` only where the consumer is known to expand it.
fn config_strategy(
    f: &Finding,
    env_var: &str,
    manual: impl Fn(&str) -> (Strategy, Option<String>),
) -> (Strategy, Option<String>) {
    let file = f.path.file_name().map(|n| n.to_string_lossy().to_ascii_lowercase()).unwrap_or_default();
    let spring = file.starts_with("application") || file.starts_with("bootstrap");
    if is_key_file(&f.path) {
        return (
            Strategy::Manual,
            Some(
                "a key file: delete it from the repository and have the deployment write it from this secret \
                 (`aws secretsmanager get-secret-value --query SecretString --output text`)"
                    .into(),
            ),
        );
    }
    match f.format.as_str() {
        // Spring expands `${VAR}` in properties and application*.yml; npm in .npmrc.
        "properties" | "npmrc" => (Strategy::Env, None),
        "yaml" if spring => (Strategy::Env, None),
        // Terraform and CloudFormation outside containers: a data source / dynamic reference.
        "hcl" => (Strategy::Sdk, None),
        "pgpass" | "netrc" | "git-credentials" | "htpasswd" => {
            manual("a credential file: delete it from the repository and write it at deploy time")
        }
        // A script reads `"${X:?…}"`: `hoist run` or the deployment running it provides X.
        "shell" if f.kind == Kind::Config => {
            (Strategy::Skip, Some("a setting, not a credential: left in place; its value still fills this key".into()))
        }
        "shell" => (Strategy::Env, Some(script_reason(env_var))),
        "dockerfile" => manual("a Dockerfile bakes the value into the image: pass it at run time instead"),
        other => manual(&format!(
            "hoist can't tell whether the program reading this {other} file expands ${{VAR}} references"
        )),
    }
}

/// Why a shell script's literal becomes `"${X:?…}"`, and who provides X.
pub(crate) fn script_reason(env_var: &str) -> String {
    format!(
        "the script reads \"${{{env_var}:?…}}\" and stops with a message when it is unset: run it with `hoist run -- \
         SCRIPT`, or give {env_var} in the deployment that runs it"
    )
}

/// Why a Dockerfile `ENV` literal leaves the image, and which deployments now give the variable.
pub(crate) fn image_reason(env_var: &str, runs: &[&Runner]) -> String {
    let given = if runs.is_empty() {
        format!(
            "no deployment in the repository runs this image: pass {env_var} at run time (`docker run -e \
             {env_var}`, `hoist run -- docker run -e {env_var} …`, or the deployment's environment)"
        )
    } else {
        let names: Vec<String> =
            runs.iter().map(|r| format!("`{}` in {}", r.container, crate::scan::slash_path(&r.path))).collect();
        format!("{} get{} {env_var} at run time", names.join(", "), if names.len() == 1 { "s" } else { "" })
    };
    format!(
        "removed from the image (an ENV is baked into every layer): {given}; a RUN that reads it while building \
         mounts it as BuildKit secret id={env_var} (`docker build --secret id={env_var},env={env_var}`)"
    )
}
