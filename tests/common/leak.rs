//! The leak harness every CLI test uses: after a command, grep its stdout and stderr, every file
//! under `.hoist/`, and every file that is new or changed since [`Leak::watch`] for every planted
//! value and every 6-character piece of it (also in JSON-escaped form). A value that leaves the
//! process anywhere but Secrets Manager fails the test, naming the channel and the piece.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Output;

/// Planted values of every shape: short, with characters that need escaping, unicode, base64, DSN
/// parts (user, password — the password percent-encoded in the DSN), a PEM body.
pub const SHAPES: &[&str] = &[
    "Qx7!zv",
    "Xk9\"mQ2\\vL7pR4zW",
    "pässwörd-ü9xÄ",
    "UGxhbnRlZEJhc2U2NFZhbHVlWnE=",
    "dsnuser_Kq9",
    "dsnP@ss:w0rd/Xy",
    "MIIBOgIBAAJBAKj34GkxFhD90vcNLYLInFEX6Ppy1tPf9Cnzj4p4WGeKLs1Pt8Qu",
];

/// Webhook URLs whose scheme, host and fixed path are public (a rule id like `slack.webhook`
/// shares a piece with them); every piece reaching into the secret path is still checked.
const PUBLIC_URL_PREFIXES: &[&str] =
    &["https://hooks.slack.com/services/", "https://discord.com/api/webhooks/", "https://outlook.office.com/webhook/"];

/// Public identifiers in hoist's output (the account id of moto and the fixtures' ARNs).
const PUBLIC_IDS: &[&str] = &["123456789012"];

/// The ids of hoist's built-in rules (public words of every scan output).
fn rule_ids() -> &'static [String] {
    static IDS: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    IDS.get_or_init(|| {
        hoist::rules::RuleSet::builtin().expect("built-in rules").compiled().iter().map(|r| r.rule.id.clone()).collect()
    })
}

/// What a repository looked like before a command, and the values to look for.
pub struct Leak {
    values: Vec<String>,
    before: BTreeMap<PathBuf, Vec<u8>>,
    kept: Vec<String>,
    whole_only: bool,
}

impl Leak {
    /// Starts watching `root` for `values` (pieces of 6 characters are checked too).
    pub fn watch(root: &Path, values: &[&str]) -> Leak {
        Leak {
            values: values.iter().map(|v| v.to_string()).collect(),
            before: snapshot(root),
            kept: Vec::new(),
            whole_only: false,
        }
    }

    /// Only whole values and their JSON-escaped forms, no 6-character pieces: for a test that plants
    /// hundreds of unrelated provider examples at once (every rule's), whose pieces meet each
    /// other's public prefixes, hosts and rule names by chance.
    pub fn whole_values_only(mut self) -> Leak {
        self.whole_only = true;
        self
    }

    /// Values the test leaves in the project's files on purpose (a site planned `manual` keeps its
    /// value where it is): still checked in stdout, stderr and `.hoist/`, not in the project files.
    pub fn keeping_in_files(mut self, values: &[&str]) -> Leak {
        self.kept = values.iter().map(|v| v.to_string()).collect();
        self
    }

    /// Every needle: each value, its JSON-escaped form, and each 6-character piece of it.
    fn needles(&self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        // Every public prefix a preview may show (`sk_live_` of any planted value): a piece of
        // another value that lies inside one (`_live_` of `duffel_live_…`) proves nothing.
        let publics: Vec<&str> = self
            .values
            .iter()
            .filter_map(|v| hoist::model::secret::public_prefix(v))
            .chain(PUBLIC_URL_PREFIXES.iter().copied())
            .collect();
        for v in &self.values {
            out.push((v.clone(), v.clone()));
            let json = serde_json::to_string(v).unwrap();
            out.push((json.trim_matches('"').to_string(), v.clone()));
            if self.whole_only {
                continue;
            }
            let chars: Vec<char> = v.chars().collect();
            // A provider's public prefix (`sk_live_`) is what previews show on purpose; every
            // piece holding at least one character after it is checked.
            let public = hoist::model::secret::public_prefix(v)
                .or_else(|| PUBLIC_URL_PREFIXES.iter().copied().find(|p| v.starts_with(p)))
                .map_or(0, |p| p.chars().count());
            for (i, w) in chars.windows(6).enumerate() {
                let piece: String = w.iter().collect();
                // The test account id (123456789012) in every ARN hoist prints is public; a
                // planted value that happens to hold "0123456789" shares digits with it.
                if PUBLIC_IDS.iter().any(|p| p.contains(&piece)) {
                    continue;
                }
                // Rule ids are printed beside every finding (`azure.search-admin-key`): a piece
                // that is part of one (`-admin`) proves nothing. The whole value still counts.
                if rule_ids().iter().any(|id| id.contains(&piece)) || publics.iter().any(|p| p.contains(&piece)) {
                    continue;
                }
                if i + 6 > public {
                    out.push((w.iter().collect(), v.clone()));
                }
            }
        }
        out.sort();
        out.dedup();
        out
    }

    /// Fails when `out` or any file under `.hoist/` or any new or changed file of `root` holds a
    /// planted value or a piece of one. `what` names the command. Returns stdout + stderr.
    pub fn check(&self, root: &Path, what: &str, out: &Output) -> String {
        let stdout = String::from_utf8_lossy(&out.stdout).to_string();
        let stderr = String::from_utf8_lossy(&out.stderr).to_string();
        // (name, text, is a project file)
        let mut channels: Vec<(String, String, bool)> =
            vec![("stdout".into(), stdout.clone(), false), ("stderr".into(), stderr.clone(), false)];
        for (path, bytes) in snapshot(root) {
            let in_hoist = path.starts_with(".hoist");
            let changed = self.before.get(&path) != Some(&bytes);
            if in_hoist || changed {
                channels.push((path.display().to_string(), String::from_utf8_lossy(&bytes).to_string(), !in_hoist));
            }
        }
        for (needle, value) in self.needles() {
            for (name, text, project) in &channels {
                if *project && self.kept.contains(&value) {
                    continue;
                }
                assert!(
                    !text.contains(&needle),
                    "`hoist {what}` leaked {needle:?} (a piece of planted value {value:?}) into {name}"
                );
            }
        }
        format!("{stdout}{stderr}")
    }
}

/// Every file under `root` except `.git`, by relative path.
pub fn snapshot(root: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    walk(root, root, &mut out);
    out
}

fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<PathBuf, Vec<u8>>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let p = e.path();
        if p.file_name().is_some_and(|n| n == ".git") {
            continue;
        }
        let Ok(t) = e.file_type() else { continue };
        if t.is_dir() {
            walk(root, &p, out);
        } else if t.is_file() {
            out.insert(p.strip_prefix(root).unwrap().to_path_buf(), std::fs::read(&p).unwrap_or_default());
        }
    }
}
