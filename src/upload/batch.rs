//! Uploading many secrets: bounded concurrency, the state file saved after each success (so an
//! interrupted run resumes), and every failure collected without stopping the others — except an
//! unreachable endpoint: after the first connection-level failure no further secret is started
//! (each would wait out the same timeouts), and what succeeded is kept.

use super::UploadItem;
use super::secret::{Context, Done, Outcome, UploadError, upload_one};
use crate::model::State;
use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

/// Most secrets in flight at once, whatever is asked: each is 1–4 write calls, and the account's
/// write quota is about 50 per second.
pub const MAX_CONCURRENCY: usize = 16;

/// How the batch runs.
#[derive(Clone, Debug)]
pub struct BatchOptions {
    /// Secrets in flight at once (1..=[`MAX_CONCURRENCY`]).
    pub concurrency: usize,
}

/// Told about each secret as it finishes (progress bar, log lines).
pub trait Progress {
    /// One secret finished.
    fn finished(&mut self, name: &str, result: &Result<Done, UploadError>);
}

/// What the batch did.
#[derive(Debug, Default)]
pub struct Report {
    /// Finished secrets, sorted by name.
    pub done: Vec<Done>,
    /// Failures (name, error), sorted by name.
    pub failed: Vec<(String, String)>,
    /// The first connection-level failure, when the endpoint was unreachable.
    pub unreachable: Option<String>,
    /// Secrets not attempted after that failure.
    pub not_tried: usize,
}

impl Report {
    /// How many secrets ended with `outcome`.
    pub fn count(&self, outcome: Outcome) -> usize {
        self.done.iter().filter(|d| d.outcome == outcome).count()
    }
}

/// Uploads `items`, saving `state` to `state_path` after every success.
pub async fn run_batch(
    ctx: Arc<Context>,
    items: Vec<UploadItem>,
    state: &mut State,
    state_path: &Path,
    opts: &BatchOptions,
    progress: &mut dyn Progress,
) -> Report {
    let permits = Arc::new(Semaphore::new(opts.concurrency.clamp(1, MAX_CONCURRENCY)));
    let mut set = JoinSet::new();
    let mut names = HashMap::new();
    let mut values: HashMap<String, Vec<String>> = HashMap::new();
    let down = Arc::new(AtomicBool::new(false));
    for item in items {
        let known = state.secrets.get(&item.name).cloned();
        let (ctx, permits, down) = (ctx.clone(), permits.clone(), down.clone());
        let name = item.name.clone();
        values.insert(name.clone(), payload_values(&item));
        let handle = set.spawn(async move {
            let _permit = permits.acquire_owned().await.expect("semaphore never closes");
            if down.load(Ordering::SeqCst) {
                return Err(UploadError::NotTried(item.name.clone()));
            }
            let r = upload_one(&ctx, &item, known.as_ref()).await;
            if matches!(r, Err(UploadError::Unreachable { .. })) {
                down.store(true, Ordering::SeqCst);
            }
            r
        });
        names.insert(handle.id(), name);
    }
    let mut report = Report::default();
    while let Some(joined) = set.join_next_with_id().await {
        let (name, result) = match joined {
            Ok((id, r)) => (names[&id].clone(), r),
            Err(e) => {
                let name = names.get(&e.id()).cloned().unwrap_or_default();
                let message = if e.is_panic() { "internal error (panic)" } else { "cancelled" };
                let err = UploadError::Api { name: name.clone(), op: "upload", message: message.into() };
                (name, Err(err))
            }
        };
        let result = match result {
            Ok(done) => {
                state.secrets.insert(done.reference.name.clone(), done.reference.clone());
                match state.save(state_path) {
                    Ok(()) => Ok(done),
                    Err(e) => Err(UploadError::Api {
                        name: name.clone(),
                        op: "saving the state file",
                        message: format!("{e} (the secret itself is in place; re-running finds it)"),
                    }),
                }
            }
            Err(e) => Err(e),
        };
        progress.finished(&name, &result);
        match result {
            Ok(done) => report.done.push(done),
            Err(e) => {
                let mine: Vec<&str> =
                    values.get(&name).map(|v| v.iter().map(String::as_str).collect()).unwrap_or_default();
                let message = super::fault::scrub(&e.to_string(), &mine);
                match e {
                    UploadError::NotTried(_) => report.not_tried += 1,
                    UploadError::Unreachable { .. } if report.unreachable.is_none() => {
                        report.unreachable = Some(message.clone())
                    }
                    // In flight when the first one failed: the same news, not another line.
                    UploadError::Unreachable { .. } => report.not_tried += 1,
                    _ => {}
                }
                report.failed.push((name, message));
            }
        }
    }
    report.done.sort_by(|a, b| a.reference.name.cmp(&b.reference.name));

    report.failed.sort();
    report
}

/// The values inside a payload (the whole string, and each JSON string/number value), for
/// scrubbing error messages.
fn payload_values(item: &UploadItem) -> Vec<String> {
    let super::Body::String(s) = &item.body else { return Vec::new() };
    let mut out = vec![s.expose().to_string()];
    if let Ok(serde_json::Value::Object(m)) = serde_json::from_str::<serde_json::Value>(s.expose()) {
        for v in m.values() {
            match v {
                serde_json::Value::String(t) => out.push(t.clone()),
                serde_json::Value::Number(n) => out.push(n.to_string()),
                _ => {}
            }
        }
    }
    out
}
