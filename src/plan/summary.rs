//! The review table `hoist plan` prints: secret → keys → number of sites → strategies.

use crate::model::{Plan, Strategy};
use std::io::{self, Write};

const KEYS_WIDTH: usize = 48;

/// Writes one row per secret, then a total line.
pub fn write_summary(out: &mut dyn Write, plan: &Plan) -> io::Result<()> {
    if plan.secrets.is_empty() {
        return writeln!(out, "no secrets to plan");
    }
    let rows: Vec<[String; 4]> = plan
        .secrets
        .iter()
        .map(|s| {
            let mut keys = s.keys.iter().map(|k| k.key.as_str()).collect::<Vec<_>>().join(", ");
            if keys.chars().count() > KEYS_WIDTH {
                keys = keys.chars().take(KEYS_WIDTH - 1).collect::<String>() + "…";
            }
            let sites: Vec<_> = s.keys.iter().flat_map(|k| &k.sites).collect();
            let strategies = [Strategy::Env, Strategy::Sdk, Strategy::File, Strategy::Manual, Strategy::Skip]
                .iter()
                .filter_map(|st| {
                    let n = sites.iter().filter(|t| t.strategy == *st).count();
                    (n > 0).then(|| format!("{} {n}", strategy_word(*st)))
                })
                .collect::<Vec<_>>()
                .join(", ");
            [s.name.clone(), keys, sites.len().to_string(), strategies]
        })
        .collect();
    let header = ["SECRET", "KEYS", "SITES", "STRATEGY"].map(String::from);
    let width = |i: usize| rows.iter().chain([&header]).map(|r| r[i].chars().count()).max().unwrap_or(0);
    let (w0, w1, w2) = (width(0), width(1), width(2));
    for r in [&header].into_iter().chain(&rows) {
        writeln!(out, "{:<w0$}  {:<w1$}  {:>w2$}  {}", r[0], r[1], r[2], r[3])?;
    }
    let keys: usize = plan.secrets.iter().map(|s| s.keys.len()).sum();
    let sites = plan.sites().count();
    writeln!(out, "{} secrets, {keys} keys, {sites} sites", plan.secrets.len())
}

fn strategy_word(s: Strategy) -> &'static str {
    s.word()
}
