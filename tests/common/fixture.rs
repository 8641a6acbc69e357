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
            mounts: Vec::new(),
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

/// A provider key planted beside [`crate::common::leak::SHAPES`] (its public prefix `sk_live_` is
/// what previews show on purpose; every piece after it is checked).
pub const PROVIDER_KEY: &str = "sk_live_4eC39HqLyjWDarjtT1zdp7dc";

/// Writes every planted shape into files hoist detects and migrates under `dir`: `.env` (short,
/// unicode, base64), `database.env` (a DSN of the user and the percent-encoded password on a host
/// that is no reserved example host, which hoist rightly ignores — alone,
/// as a DSN split into keys is a manual site that keeps its value by design), `settings.py` (the
/// escaped value as a Python string literal, and [`PROVIDER_KEY`]) and `key.pem` (the PEM body).
/// Returns every value to grep for: the shapes, the provider key and the encoded password.
pub fn plant_shapes(dir: &Path) -> Vec<String> {
    let [short, escaped, unicode, b64, user, password, pem] = crate::common::leak::SHAPES else { unreachable!() };
    let encoded = password.replace('@', "%40").replace(':', "%3A").replace('/', "%2F");
    let write = |p: &str, s: String| std::fs::write(dir.join(p), s).unwrap();
    write(".env", format!("SHORT_PASSWORD={short}\nUNICODE_PASSWORD={unicode}\nB64_SECRET={b64}\n"));
    write("database.env", format!("DATABASE_URL=postgres://{user}:{encoded}@orders-db.prod.internal:5432/app\n"));
    let py_escaped = escaped.replace('\\', "\\\\").replace('"', "\\\"");
    write("settings.py", format!("DB_PASSWORD = \"{py_escaped}\"\nAPI_TOKEN = \"{PROVIDER_KEY}\"\n"));
    write(
        "key.pem",
        format!(
            "-----BEGIN RSA PRIVATE KEY-----\n{pem}\nAwEAAQJAb3Jk2mXk3Tn2lWn8x9Qw0pYqfzZzK1x3Vb7sT8uFfWmD\n-----END RSA PRIVATE KEY-----\n"
        ),
    );
    shape_values()
}

/// The values [`plant_shapes`] plants (without writing anything).
pub fn shape_values() -> Vec<String> {
    let shapes = crate::common::leak::SHAPES;
    let encoded = shapes[5].replace('@', "%40").replace(':', "%3A").replace('/', "%2F");
    let mut values: Vec<String> = shapes.iter().map(|v| v.to_string()).collect();
    values.extend([PROVIDER_KEY.to_string(), encoded]);
    values
}

/// The values a fixture tree plants, one a line in `testdata/<list>` (e.g. `demo-planted.txt`).
pub fn planted(list: &str) -> Vec<String> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata").join(list);
    let text = std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    text.lines().filter(|l| !l.is_empty()).map(String::from).collect()
}

/// `testdata/<name>` copied into a fresh temp dir (the tests change their copy, never the original).
pub fn copy_testdata(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    crate::common::deployed::copy_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata").join(name), dir.path());
    dir
}
