//! `hoist policy`: the least-privilege IAM policy for each ECS task execution role, from the
//! plan, the state file and the deployment files (read-only; `apply` writes `.hoist/iam-policy*.json`).

use crate::Ui;
use crate::cli::{PolicyArgs, PolicyFormat};
use crate::model::{Plan, State, Strategy};
use crate::rewrite::deploy::policy::{document, kms_lookup, planned_arn, terraform_snippet};
use crate::rewrite::deploy::repo::{deployment_files, policy_file_name, repo_policies};
use anyhow::Context;
use std::path::Path;

/// Reads `.hoist/plan.yaml` (optional) and `.hoist/state.yaml` (optional).
pub fn load_plan_and_state(root: &Path) -> anyhow::Result<(Option<Plan>, State)> {
    let plan_path = root.join(".hoist/plan.yaml");
    let plan = if plan_path.exists() { Some(crate::plan::load_plan(&plan_path)?) } else { None };
    let state_path = root.join(".hoist/state.yaml");
    let state = match std::fs::read_to_string(&state_path) {
        Ok(t) => serde_yaml::from_str::<State>(&t)
            .with_context(|| format!("cannot read the state {}", state_path.display()))?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => State::default(),
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", state_path.display())),
    };
    Ok((plan, state))
}

/// Runs `hoist policy`.
pub fn run(args: &PolicyArgs, ui: &mut Ui<'_>) -> anyhow::Result<u8> {
    let root = &args.path;
    if !root.is_dir() {
        anyhow::bail!("{} is not a directory", root.display());
    }
    let (plan, state) = load_plan_and_state(root)?;
    let (policies, roleless) = repo_policies(root, plan.as_ref(), &state);
    for d in &roleless {
        writeln!(
            ui.errors,
            "warning: {} ({}) has no execution role: ECS needs one to fetch secrets; add executionRoleArn and attach the policy below",
            d.path.display(),
            d.name
        )?;
    }
    if policies.iter().any(|p| p.arns.iter().any(|a| a.ends_with("-??????"))) {
        writeln!(
            ui.err,
            "note: secrets not uploaded yet appear as NAME-??????; run `hoist policy` again after upload for exact ARNs"
        )?;
    }
    match args.format {
        PolicyFormat::Json => {
            let v: Vec<serde_json::Value> = policies
                .iter()
                .map(|p| {
                    serde_json::json!({
                        "role": p.role,
                        "task_definitions": p.task_definitions.iter().map(|(f, n)| serde_json::json!({"path": f, "name": n})).collect::<Vec<_>>(),
                        "policy": p.document,
                    })
                })
                .collect();
            writeln!(ui.out, "{}", serde_json::to_string_pretty(&v)?)?;
        }
        PolicyFormat::Human => {
            if policies.is_empty() {
                writeln!(ui.err, "no task definition references a Secrets Manager secret (in the files or the plan)")?;
            }
            let terraform = deployment_files(root).iter().any(|(p, _)| p.extension().is_some_and(|e| e == "tf"));
            for (i, p) in policies.iter().enumerate() {
                let role = p.role.as_deref().unwrap_or("(none: add an execution role)");
                writeln!(ui.out, "# Attach to the task execution role: {role}")?;
                for (f, n) in &p.task_definitions {
                    writeln!(ui.out, "#   task definition {n} in {}", f.display())?;
                }
                writeln!(ui.out, "# `hoist apply` writes it to .hoist/{}", policy_file_name(p, policies.len(), i))?;
                writeln!(ui.out, "{}", serde_json::to_string_pretty(&p.document)?)?;
                if terraform {
                    writeln!(ui.out, "\n# Terraform:\n{}", terraform_snippet(p, i + 1))?;
                }
            }
            if let Some(plan) = &plan {
                sdk_readers(plan, &state, ui)?;
            }
            writeln!(
                ui.err,
                "note: running services read secrets at task start: deploy them again (update-service --force-new-deployment)"
            )?;
        }
    }
    Ok(crate::EXIT_CLEAN)
}

/// Code rewritten to the `sdk` strategy calls GetSecretValue itself, with the task role (or the
/// function's / instance's role), not the execution role: print the statement for that role too.
fn sdk_readers(plan: &Plan, state: &State, ui: &mut Ui<'_>) -> anyhow::Result<()> {
    let arns: std::collections::BTreeSet<String> = plan
        .sites()
        .filter(|(_, _, site)| site.strategy == Strategy::Sdk)
        .map(|(secret, _, _)| planned_arn(&secret.name, state))
        .collect();
    if arns.is_empty() {
        return Ok(());
    }
    let kms = kms_lookup(Some(plan), state);
    let keys = arns.iter().filter_map(|a| kms(a).map(|k| (a.clone(), k))).collect();
    writeln!(ui.out, "# Attach to the role the application code runs as (ECS taskRoleArn, Lambda or instance role):")?;
    writeln!(ui.out, "#   code rewritten to read these secrets through the SDK calls GetSecretValue itself")?;
    writeln!(ui.out, "{}", serde_json::to_string_pretty(&document(&arns, &keys))?)?;
    Ok(())
}
