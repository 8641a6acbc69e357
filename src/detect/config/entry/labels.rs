//! Group labels of the config judgement: short, file-unique, readable (container, scope segment,
//! name prefix).

use super::{Entry, Scope};
use crate::detect::judge;

/// Short, file-unique group labels: one per (scope, name prefix) or per connection string.
#[derive(Default)]
pub(super) struct Labels {
    by_key: std::collections::HashMap<(usize, Option<String>, bool), String>,
    used: std::collections::HashSet<String>,
}

impl Labels {
    pub(super) fn get(&mut self, key: (usize, Option<String>, bool), base: impl FnOnce() -> String) -> String {
        if let Some(l) = self.by_key.get(&key) {
            return l.clone();
        }
        let base = base();
        let mut label = base.clone();
        let mut n = 2;
        while !self.used.insert(label.clone()) {
            label = format!("{base}-{n}");
            n += 1;
        }
        self.by_key.insert(key, label.clone());
        label
    }
}

/// A readable label: the container (ECS container, compose service, k8s object, resource) or the
/// scope's last named segment, then the name prefix (`api.db`, `datasource`, `smtp`).
pub(super) fn friendly(scope: &Scope, e: &Entry, prefix: Option<&str>) -> String {
    let base = e
        .deploy
        .as_ref()
        .and_then(|d| d.container.clone())
        .or_else(|| scope.label.rsplit('.').find(|s| !s.starts_with('[') && !s.is_empty()).map(str::to_string))
        .unwrap_or_default();
    let parts: Vec<&str> = [base.as_str(), prefix.unwrap_or("")].into_iter().filter(|p| !p.is_empty()).collect();
    if parts.is_empty() { judge::secret_key(&e.name) } else { parts.join(".") }
}
