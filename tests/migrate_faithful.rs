//! #13 items 7–9 through the CLI, each checked so that it fails when the behaviour breaks:
//! - **grouping by meaning** (`plan`): a MySQL and a Postgres login with equal passwords are two
//!   secrets; one password in dev, test and prod connection strings is three; a login whose
//!   username differs from another with the same password keeps its username (never dropped);
//! - **no orphan secrets** (`apply` against moto): a secret only a manual site uses, and one only
//!   skipped sites (a test fixture) use, are not created; the summary names both and why;
//!   `--include-manual` creates the manual one and never the skipped one;
//! - **faithful HCL rewrites** (`apply` against moto on Terraform with comments everywhere):
//!   every comment of the input is in the output exactly as often (a commented-out plaintext line
//!   is never emitted twice), a trailing comment stays on its own entry's line, no changed or
//!   added line holds a moved value (each token fingerprinted with the plan's salt against the
//!   plan's fingerprints), only lines holding a moved value change, and the bytes around an
//!   in-place value stay as they were. Every hoist run goes through the leak harness.

mod common;

use common::git::{commit, git};

use common::cli::Hoist;
use common::moto::Moto;
use hoist::model::Fingerprinter;
use std::collections::BTreeMap;
use std::path::Path;

/// A committed repository holding `files`.
fn repo(files: &[(&str, &str)]) -> tempfile::TempDir {
    common::git::committed(files)
}

fn plan_of(dir: &Path) -> serde_yaml::Value {
    serde_yaml::from_str(&std::fs::read_to_string(dir.join(".hoist/plan.yaml")).unwrap()).unwrap()
}

/// (secret name, key, path, line, strategy) of every site.
fn sites(plan: &serde_yaml::Value) -> Vec<(String, String, String, u64, String)> {
    let mut out = Vec::new();
    for s in plan["secrets"].as_sequence().unwrap() {
        for k in s["keys"].as_sequence().unwrap() {
            for site in k["sites"].as_sequence().unwrap() {
                out.push((
                    s["name"].as_str().unwrap().to_string(),
                    k["key"].as_str().unwrap().to_string(),
                    site["path"].as_str().unwrap().to_string(),
                    site["line"].as_u64().unwrap(),
                    site["strategy"].as_str().unwrap().to_string(),
                ));
            }
        }
    }
    out
}

const SAME_PW: &str = "Sm9xQ2rTk7Vw";
const URL_PW: &str = "Ur4kR8zLq1Nb";
const LOGIN_PW: &str = "Lg7hT3qWx5Dm";

#[test]
fn equal_values_of_different_services_environments_and_logins_stay_apart() {
    let compose = format!(
        "services:\n  mysql:\n    image: mysql:8\n    environment:\n      MYSQL_USER: shop\n      MYSQL_PASSWORD: \
         {SAME_PW}\n  postgres:\n    image: postgres:16\n    environment:\n      POSTGRES_USER: shop\n      \
         POSTGRES_PASSWORD: {SAME_PW}\n"
    );
    let url = |e: &str| format!("DATABASE_URL=postgres://shop:{URL_PW}@db-{e}.internal:5432/shop\n");
    let (dev, test, prod) = (url("dev"), url("test"), url("prod"));
    let dotenv = format!("DB_USER=alice\nDB_PASSWORD={LOGIN_PW}\n");
    let settings = format!(
        "DATABASES = {{\"default\": {{\"ENGINE\": \"django.db.backends.postgresql\", \"USER\": \"bob\", \
         \"PASSWORD\": \"{LOGIN_PW}\", \"HOST\": \"db\"}}}}\n"
    );
    let dir = repo(&[
        ("docker-compose.yml", &compose),
        ("deploy/dev/.env", &dev),
        ("deploy/test/.env", &test),
        ("deploy/prod/.env", &prod),
        ("app/.env", &dotenv),
        ("app/settings.py", &settings),
    ]);
    let (code, out) =
        Hoist::new(&[SAME_PW, URL_PW, LOGIN_PW]).current_dir(dir.path()).args(["plan", ".", "--app", "shop"]).run();
    assert_eq!(code, Some(0), "{out}");
    let all = sites(&plan_of(dir.path()));
    let secrets_of = |pred: &dyn Fn(&str, &str) -> bool| {
        let mut v: Vec<String> = all.iter().filter(|s| pred(&s.2, &s.1)).map(|s| s.0.clone()).collect();
        v.sort();
        v.dedup();
        v
    };

    // MySQL and Postgres with one password: two secrets, each named after its engine.
    let db = secrets_of(&|p, k| p == "docker-compose.yml" && k == "password");
    assert_eq!(db.len(), 2, "{db:?}\n{out}");
    assert!(db.iter().any(|n| n.contains("mysql")) && db.iter().any(|n| n.contains("postgres")), "{db:?}");

    // One password in three environments' URLs: three secrets, one per environment.
    for e in ["dev", "test", "prod"] {
        let here = secrets_of(&|p, k| p == format!("deploy/{e}/.env") && k == "password");
        assert_eq!(here.len(), 1, "{e}: {here:?}");
        assert!(here[0].contains(&format!("/{e}/")), "{e}'s secret is named for it: {here:?}");
        let others: Vec<String> = ["dev", "test", "prod"]
            .iter()
            .filter(|o| **o != e)
            .flat_map(|o| secrets_of(&|p, _| p == format!("deploy/{o}/.env")))
            .collect();
        assert!(!others.contains(&here[0]), "{e} shares a secret with another environment: {here:?} {others:?}");
    }

    // alice's and bob's logins share a password: each username is a site of its login's secret.
    let alice = secrets_of(&|p, k| p == "app/.env" && k == "username");
    let bob = secrets_of(&|p, k| p == "app/settings.py" && k == "username");
    assert_eq!((alice.len(), bob.len()), (1, 1), "a username was dropped: {all:?}");
    assert_ne!(alice, bob, "two usernames in one secret: one of them would be lost");
    for (who, s) in [("alice", &alice[0]), ("bob", &bob[0])] {
        let pw = all.iter().filter(|x| x.0 == *s && x.1 == "password").count();
        assert!(pw > 0, "{who}'s secret {s} lost its password");
    }
}

const INI_PW: &str = "In5pWq8Rz2Lx";
const STRIPE: &str = "sk_live_51Hq8Zr2Lx7Vw3Nb9Kt4Yp6Mc";
const FIXTURE: &str = "ghp_Fx7Qw9Er1Ty3Ui5Op7As9Df1Gh3Jk5Lz7Xc";

#[test]
fn secrets_only_manual_or_skipped_sites_use_are_not_created_unless_asked() {
    let moto = Moto::start();
    let dir = repo(&[
        (".env", &format!("STRIPE_SECRET_KEY={STRIPE}\n")),
        ("conf/legacy.ini", &format!("[db]\nuser = legacy\npassword = {INI_PW}\n")),
        ("tests/fixtures/creds.env", &format!("GITHUB_TOKEN={FIXTURE}\n")),
    ]);
    let d = dir.path();
    let planted = [INI_PW, STRIPE, FIXTURE];
    let hoist = |args: &[&str]| {
        let (code, out) = Hoist::moto(&moto, &planted).current_dir(d).args(args).run();
        assert_eq!(code, Some(0), "hoist {args:?}:\n{out}");
        out
    };
    hoist(&["plan", ".", "--app", "shop"]);
    let all = sites(&plan_of(d));
    let name_of = |path: &str| all.iter().find(|s| s.2 == path).map(|s| s.0.clone()).unwrap();
    let (env, manual, skipped) = (name_of(".env"), name_of("conf/legacy.ini"), name_of("tests/fixtures/creds.env"));
    let strategies = |name: &str| {
        let mut v: Vec<&str> = all.iter().filter(|s| s.0 == name).map(|s| s.4.as_str()).collect();
        v.sort();
        v.dedup();
        v
    };
    assert_eq!(strategies(&manual), ["manual"], "{all:?}");
    assert_eq!(strategies(&skipped), ["skip"], "{all:?}");
    commit(d, "plan");

    let out = hoist(&["apply", ".", "--yes"]);
    assert_eq!(moto.secret_names(), std::slice::from_ref(&env), "only the secret a rewritten site reads is created");
    let left = |why: &str| out.lines().find(|l| l.contains(why)).unwrap_or_else(|| panic!("no `{why}` in:\n{out}"));
    assert!(left("only manual sites would use them").contains(&manual), "{out}");
    assert!(left("every site is `skip`").contains(&skipped), "{out}");

    hoist(&["apply", ".", "--yes", "--include-manual"]);
    let mut want = vec![env, manual];
    want.sort();
    assert_eq!(moto.secret_names(), want, "--include-manual creates the manual one, never the skipped one");
}

const TF_PW: &str = "Bq7xW2zLk9Rt";
const TF_OLD: &str = "Od5nR8qTx3Vm";
const TF_KEY: &str = "sk_live_51Tf3Qm8Zr2Lx7Vw9Nb4Kc6Yp";

fn terraform() -> String {
    format!(
        r#"# Billing database and its task definition.
resource "aws_db_instance" "billing" {{
  engine   = "postgres"
  username = "billing"
  password = "{TF_PW}" # rotate yearly
  # password = "{TF_OLD}" (before the last rotation)
  port     = 5432 # default port
}}

resource "aws_ecs_task_definition" "billing" {{
  family = "billing"
  container_definitions = jsonencode([
    {{
      name  = "billing-api"
      image = "example/billing:2"
      environment = [
        {{ name = "BILLING_DB_PASSWORD", value = "{TF_PW}" }}, # same as the database
        {{ name = "MODE", value = "live" }}, # keep
        {{ name = "STRIPE_SECRET_KEY", value = "{TF_KEY}" }} # billing provider
        # {{ name = "OLD_DB_PASSWORD", value = "{TF_OLD}" }}
      ]
      essential = true
    }}
  ])
}}
"#
    )
}

fn in_lines_of(text: &str) -> Vec<&str> {
    text.lines().collect()
}

/// Every comment of an HCL text (tree-sitter-hcl `comment` nodes), with its line (0-based).
fn comments(text: &str) -> Vec<(String, usize)> {
    let mut p = tree_sitter::Parser::new();
    p.set_language(&tree_sitter_hcl::LANGUAGE.into()).unwrap();
    let tree = p.parse(text, None).unwrap();
    assert!(!tree.root_node().has_error(), "not HCL:\n{text}");
    let mut out = Vec::new();
    let mut stack = vec![tree.root_node()];
    while let Some(n) = stack.pop() {
        if n.kind() == "comment" {
            out.push((text[n.byte_range()].trim_end().to_string(), n.start_position().row));
        }
        let mut c = n.walk();
        stack.extend(n.children(&mut c));
    }
    out
}

#[test]
fn terraform_rewrites_keep_every_comment_once_and_no_value_in_a_changed_line() {
    let moto = Moto::start();
    let input = terraform();
    let dir = repo(&[("infra/billing.tf", &input)]);
    let d = dir.path();
    let planted = [TF_PW, TF_KEY];
    let hoist = |args: &[&str]| {
        let (code, out) = Hoist::moto(&moto, &planted).current_dir(d).args(args).run();
        assert_eq!(code, Some(0), "hoist {args:?}:\n{out}");
        out
    };
    hoist(&["plan", ".", "--app", "billing"]);
    commit(d, "plan");
    hoist(&["apply", ".", "--yes"]);
    let output = std::fs::read_to_string(d.join("infra/billing.tf")).unwrap();
    assert_ne!(output, input, "nothing was rewritten");

    let plan = plan_of(d);
    let fp = Fingerprinter::from_hex(plan["salt"].as_str().unwrap()).unwrap();
    // Fingerprints of every value that moved (a site hoist rewrote), and the lines they were on.
    let mut moved = Vec::new();
    let mut moved_lines = Vec::new();
    for s in plan["secrets"].as_sequence().unwrap() {
        for k in s["keys"].as_sequence().unwrap() {
            for site in k["sites"]
                .as_sequence()
                .unwrap()
                .iter()
                .filter(|x| ["env", "sdk"].contains(&x["strategy"].as_str().unwrap()))
            {
                moved.push(k["fingerprint"].as_str().unwrap().to_string());
                moved_lines.push(site["line"].as_u64().unwrap() as usize - 1);
            }
        }
    }
    assert!(moved.len() >= 3, "the password twice and the Stripe key move: {plan:?}");

    // 1. Comments: each input comment as often as before; hoist adds only its own.
    let count = |cs: &[(String, usize)]| {
        let mut m: BTreeMap<String, usize> = BTreeMap::new();
        for (c, _) in cs.iter().filter(|(c, _)| !c.starts_with("# Added by hoist") && !c.starts_with("# hoist:")) {
            *m.entry(c.clone()).or_default() += 1;
        }
        m
    };
    let (before, after) = (comments(&input), comments(&output));
    let (had, has) = (count(&before), count(&after));
    for (c, n) in &has {
        assert!(had.get(c).is_some_and(|h| n <= h), "comment `{c}` copied or made up:\n{output}");
    }
    // A trailing comment may leave only with its entry (an ECS entry moved to `secrets`).
    for (c, row) in &before {
        let gone_with_entry = moved_lines.contains(row)
            && !output.contains(in_lines_of(&input)[*row].split(c.as_str()).next().unwrap().trim());
        assert!(has.contains_key(c) || gone_with_entry, "comment `{c}` lost:\n{output}");
    }
    // 2. A trailing comment stays on its entry's line: the same key (or `name = "X"`) before it.
    let head = |line: &str| {
        let l = line.trim_start().trim_start_matches("{ ");
        l.split('=').next().unwrap_or("").trim().to_string()
            + l.split("name = ").nth(1).and_then(|r| r.split('"').nth(1)).unwrap_or("")
    };
    let in_lines: Vec<&str> = input.lines().collect();
    let out_lines: Vec<&str> = output.lines().collect();
    for (c, row) in &before {
        let code = in_lines[*row].split(c.as_str()).next().unwrap();
        if code.trim().is_empty() {
            continue;
        }
        let Some((_, out_row)) = after.iter().find(|(o, _)| o == c) else { continue };
        assert_eq!(head(out_lines[*out_row]), head(in_lines[*row]), "`{c}` moved to another line:\n{output}");
    }
    // 3. No changed or added line holds a moved value, by fingerprint of each token.
    let diff = similar::TextDiff::from_lines(&input, &output);
    for op in diff.ops() {
        for change in diff.iter_changes(op) {
            if change.tag() != similar::ChangeTag::Insert {
                continue;
            }
            let line = change.value();
            for token in line.split(|c: char| c.is_whitespace() || "\"'{}[](),=:@/#".contains(c)) {
                if !token.is_empty() {
                    assert!(!moved.contains(&fp.fingerprint(token).0), "an added line holds a moved value: {line}");
                }
            }
        }
    }
    // 4. Only lines that held a moved value changed; around an in-place value the bytes stay.
    for op in diff.ops() {
        for change in diff.iter_changes(op) {
            if change.tag() != similar::ChangeTag::Delete {
                continue;
            }
            let row = change.old_index().unwrap();
            assert!(moved_lines.contains(&row), "line {} changed without a moved value: {}", row + 1, in_lines[row]);
            let line = in_lines[row];
            if let Some(q) = line.find(&format!("\"{TF_PW}\"")).filter(|_| !line.contains("name =")) {
                let (pre, post) = (&line[..q], &line[q + TF_PW.len() + 2..]);
                assert!(
                    out_lines.iter().any(|l| l.starts_with(pre) && l.ends_with(post)),
                    "the bytes around the value changed: {line}\n{output}"
                );
            }
        }
    }
    assert!(!output.contains(TF_PW) && !output.contains(TF_KEY), "{output}");

    // A second apply is a no-op.
    commit(d, "applied");
    hoist(&["apply", ".", "--yes"]);
    assert_eq!(git(d, &["status", "--porcelain"]), "");
}
