//! Hand-written plans over small fixture trees in a temp dir: files with planted values, and a
//! plan (built from the real model types, written as YAML) whose spans and fingerprints point at them.

use hoist::model::{Fingerprinter, Plan, PlannedSecret, SecretKey, Shape, Site, Span, Strategy};
use std::path::{Path, PathBuf};

/// A fixture repository and the plan being built over it.
pub struct Fixture {
    /// The temp dir (deleted on drop).
    pub dir: tempfile::TempDir,
    /// The plan.
    pub plan: Plan,
    fp: Fingerprinter,
}

impl Default for Fixture {
    fn default() -> Self {
        Self::new("demo")
    }
}

impl Fixture {
    /// An empty repository with a fresh salt.
    pub fn new(app: &str) -> Self {
        let salt = Fingerprinter::random_salt();
        let fp = Fingerprinter::from_hex(&salt).unwrap();
        let plan = Plan { version: 1, salt, app: app.into(), env: None, secrets: Vec::new() };
        Self { dir: tempfile::tempdir().unwrap(), plan, fp }
    }

    /// The repository root.
    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    /// Writes a file (parents created).
    pub fn file(&self, rel: &str, content: &str) {
        let p = self.root().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, content).unwrap();
    }

    /// A site for `value` at its first occurrence in `rel` (which must already be written).
    pub fn site(&self, rel: &str, value: &str) -> Site {
        let text = std::fs::read_to_string(self.root().join(rel)).unwrap();
        let start = text.find(value).unwrap_or_else(|| panic!("value not in {rel}"));
        Site {
            path: PathBuf::from(rel),
            line: text[..start].matches('\n').count() + 1,
            span: Span::new(start, start + value.len()),
            fingerprint: self.fp.fingerprint(value),
            encoding: None,
            raw_fingerprint: None,
            rule: "test.fixture".into(),
            format: "text".into(),
            strategy: Strategy::Env,
            env_var: None,
            name: None,
            deploy: None,
            reason: None,
        }
    }

    /// Adds a secret whose keys come from `(key, file, value)` triples (one key may repeat with
    /// several files: several sites of one value).
    pub fn secret(&mut self, name: &str, shape: Shape, keys: &[(&str, &str, &str)]) {
        let mut out: Vec<SecretKey> = Vec::new();
        let last = name.rsplit('/').next().unwrap_or(name);
        for (key, rel, value) in keys {
            let mut site = self.site(rel, value);
            let var: String = format!("{last}_{key}")
                .chars()
                .map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_uppercase() } else { '_' })
                .collect();
            site.env_var = Some(var);
            match out.iter_mut().find(|k| k.key == *key) {
                Some(k) => k.sites.push(site),
                None => out.push(SecretKey {
                    key: (*key).into(),
                    fingerprint: self.fp.fingerprint(value),
                    sites: vec![site],
                }),
            }
        }
        self.plan.secrets.push(PlannedSecret {
            name: name.into(),
            shape,
            description: None,
            tags: [("managed-by".to_string(), "hoist".to_string())].into(),
            kms_key_id: None,
            keys: out,
            inject: Vec::new(),
        });
    }

    /// Writes the plan to `.hoist/plan.yaml` and returns its path.
    pub fn write_plan(&self) -> PathBuf {
        let p = self.root().join(".hoist/plan.yaml");
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, serde_yaml::to_string(&self.plan).unwrap()).unwrap();
        p
    }

    /// The state file path beside the plan.
    pub fn state_path(&self) -> PathBuf {
        self.root().join(".hoist/state.yaml")
    }

    /// The state file parsed (empty when missing).
    pub fn state(&self) -> hoist::model::State {
        hoist::model::State::load(&self.state_path()).unwrap()
    }
}

/// Planted values of the demo fixture; no output may ever contain one.
pub const DEMO_VALUES: &[&str] = &[
    "Pl4nted-DbPassw0rd-x9q",
    "sk_live_PLANTEDplanted0123456789ab",
    "ghp_PLANTEDplantedPLANTEDplanted0123",
    "db.internal.example.com",
    "app_user_planted",
];

/// A demo-like repository: a Django-style settings file with database credentials, a JS file with
/// a Stripe key, and a GitHub token written in two places.
pub fn demo() -> Fixture {
    let mut f = Fixture::new("demo");
    f.file(
        "config/settings.py",
        "DATABASES = {\n    \"default\": {\n        \"ENGINE\": \"django.db.backends.postgresql\",\n        \
         \"HOST\": \"db.internal.example.com\",\n        \"PORT\": \"5432\",\n        \"USER\": \"app_user_planted\",\n        \
         \"PASSWORD\": \"Pl4nted-DbPassw0rd-x9q\",\n        \"NAME\": \"shop\",\n    }\n}\n",
    );
    f.file("web/pay.js", "const stripe = require('stripe')('sk_live_PLANTEDplanted0123456789ab');\n");
    f.file(".env", "GITHUB_TOKEN=ghp_PLANTEDplantedPLANTEDplanted0123\n");
    f.file("scripts/release.sh", "#!/bin/sh\nexport GITHUB_TOKEN=\"ghp_PLANTEDplantedPLANTEDplanted0123\"\n");
    f.secret(
        "demo/prod/db",
        Shape::Json,
        &[
            ("engine", "config/settings.py", "postgresql"),
            ("host", "config/settings.py", "db.internal.example.com"),
            ("port", "config/settings.py", "5432"),
            ("username", "config/settings.py", "app_user_planted"),
            ("password", "config/settings.py", "Pl4nted-DbPassw0rd-x9q"),
            ("dbname", "config/settings.py", "shop"),
        ],
    );
    f.secret("demo/prod/stripe", Shape::String, &[("value", "web/pay.js", "sk_live_PLANTEDplanted0123456789ab")]);
    f.secret(
        "demo/prod/github",
        Shape::Json,
        &[
            ("GITHUB_TOKEN", ".env", "ghp_PLANTEDplantedPLANTEDplanted0123"),
            ("GITHUB_TOKEN", "scripts/release.sh", "ghp_PLANTEDplantedPLANTEDplanted0123"),
        ],
    );
    f
}
