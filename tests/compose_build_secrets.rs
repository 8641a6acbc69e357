//! Compose `build.secrets` for Dockerfile build secrets (#13 item 4), golden over a whole tree
//! (`testdata/compose_build_secrets/`): after `hoist apply` against moto, each `ARG` token is gone
//! from its Dockerfile, the `RUN` reading it mounts a BuildKit secret, the compose service that
//! builds that Dockerfile has `build.secrets: [ID]` and the file a top-level
//! `secrets: ID: environment: ID`. Checked beyond the bytes: the compose file parses, and resolved
//! as compose does (`tests/common/compose.rs`; the installed docker-compose v1 predates build
//! secrets, so it can't check this) under `hoist run`'s shell, every mount id of each Dockerfile
//! is a build secret of the service building it and holds the original value from moto; without
//! that shell the secret has no value. A second apply changes nothing.

mod common;

use common::git::git;

use common::bless::{self, Mode};
use common::cli::Hoist;
use common::compose::Compose;
use common::deployed::{copy_dir, deployment_shell};
use common::moto::Moto;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

const NPM_TOKEN: &str = "npm_Rt5yU8iO2pA4sD6fG8hJ0kL2zX4cV6bN8mQ1";
const GITHUB_TOKEN: &str = "ghp_Wq3eR5tY7uI9oP1aS3dF5gH7jK9lZ1xC3vB5";
const PLANTED: &[&str] = &[NPM_TOKEN, GITHUB_TOKEN];

/// Service → (its Dockerfile, the build secret it needs → the original value).
const BUILDS: &[(&str, &str, &str, &str)] =
    &[("web", "web/Dockerfile", "NPM_TOKEN", NPM_TOKEN), ("api", "api/Dockerfile.prod", "GITHUB_TOKEN", GITHUB_TOKEN)];

fn fixture() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("testdata/compose_build_secrets")
}

fn hoist(moto: &Moto, dir: &Path, args: &[&str]) -> String {
    let (code, text) = Hoist::moto(moto, PLANTED).current_dir(dir).args(args).run();
    assert_eq!(code, Some(0), "hoist {args:?} failed:\n{text}");
    text
}

/// The repository's files (not `.hoist/` or `.git`), by path.
fn tree(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    common::leak::snapshot(dir).into_iter().filter(|(p, _)| !p.starts_with(".hoist")).collect()
}

fn build_secrets(mode: Mode) {
    let moto = Moto::start();
    let repo = tempfile::tempdir().unwrap();
    let dir = repo.path();
    copy_dir(&fixture().join("input"), dir);
    git(dir, &["init", "-q"]);
    git(dir, &["add", "-A"]);
    git(dir, &["-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "images"]);

    hoist(&moto, dir, &["plan", ".", "--app", "shop"]);
    let applied = hoist(&moto, dir, &["apply", ".", "--yes"]);
    assert!(!applied.contains("Still to do:\n  1. Edit by hand"), "nothing is left by hand:\n{applied}");
    let got = tree(dir);
    let expected_dir = fixture().join("expected");
    if mode == Mode::Bless {
        let _ = std::fs::remove_dir_all(&expected_dir);
        for (p, bytes) in &got {
            std::fs::create_dir_all(expected_dir.join(p).parent().unwrap()).unwrap();
            std::fs::write(expected_dir.join(p), bytes).unwrap();
        }
    }
    let want = common::leak::snapshot(&expected_dir);
    assert_eq!(
        got.keys().collect::<Vec<_>>(),
        want.keys().collect::<Vec<_>>(),
        "the tree after apply has other files than expected/"
    );
    for (p, bytes) in &got {
        assert_eq!(
            String::from_utf8_lossy(bytes),
            String::from_utf8_lossy(&want[p]),
            "{} differs from expected/",
            p.display()
        );
        for v in PLANTED {
            assert!(!String::from_utf8_lossy(bytes).contains(v), "{} still holds a planted value", p.display());
        }
    }

    // The Dockerfiles stay well-formed, and each mounts exactly the secret its service builds with.
    let compose_path = dir.join("docker-compose.yml");
    let shell = deployment_shell(&moto, dir, PLANTED);
    let compose = Compose::load(&compose_path, &shell).unwrap_or_else(|e| panic!("compose config fails: {e}"));
    for (service, dockerfile, id, value) in BUILDS {
        let text = std::fs::read_to_string(dir.join(dockerfile)).unwrap();
        hoist::rewrite::deploy::dockerfile::check(&text).unwrap_or_else(|e| panic!("{dockerfile}: {e}"));
        assert_eq!(hoist::rewrite::build_secrets::secret_ids(&text), [*id], "{dockerfile} mounts");
        let secrets = compose.build_secrets(service).unwrap_or_else(|e| panic!("{service}: {e}"));
        assert_eq!(secrets.keys().collect::<Vec<_>>(), [id], "{service}'s build secrets");
        assert_eq!(secrets[*id], *value, "{service}: build secret {id} holds another value than the ARG did");
    }
    assert!(compose.build_secrets("db").unwrap().is_empty(), "the db image builds nothing");
    // Without hoist run's shell the build secrets have no value (BuildKit's required mount fails).
    let bare = Compose::load(&compose_path, &[]).unwrap();
    let err = bare.build_secrets("web").expect_err("no value without the deployment's shell");
    assert!(err.contains("NPM_TOKEN is unset"), "{err}");

    let snap = tree(dir);
    let again = hoist(&moto, dir, &["apply", ".", "--yes"]);
    assert!(again.contains("nothing to do"), "{again}");
    assert_eq!(tree(dir), snap, "the second apply changed files");
}

#[test]
fn services_building_an_image_get_its_build_secrets() {
    build_secrets(Mode::Compare);
}

#[test]
#[ignore = "rewrites testdata/compose_build_secrets/expected: run through scripts/bless"]
fn bless_compose_build_secrets() {
    build_secrets(bless::guard("bless_compose_build_secrets"));
}
