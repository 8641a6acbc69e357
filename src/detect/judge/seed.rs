//! Seed data: the users, passwords and tokens a program writes into a fresh database to develop
//! against (`db/seeds.rb`, `seeders/`, a `seed_db` management command). Like test fakes they are
//! reported at `low`, so a plan leaves them in place.

use super::words;

/// Words naming seed data, in a path or a function name.
const SEED_WORDS: &[&str] = &["seed", "seeds", "seeder", "seeders", "seeding", "seeddata"];

/// How far back (lines) to look for the function enclosing a finding.
const MAX_LOOKBACK: usize = 400;

fn says_seed(text: &str) -> bool {
    words(text).iter().any(|w| SEED_WORDS.contains(&w.as_str()))
}

/// True for a seed file or a file under a seed directory: `db/seeds.rb`, `seed.py`,
/// `database/seeders/UserSeeder.php`, `prisma/seed.ts`, `seeds/users.sql`.
pub fn is_seed_path(rel: &std::path::Path) -> bool {
    rel.components().any(|c| says_seed(&c.as_os_str().to_string_lossy()))
}

/// True when byte `offset` of `text` lies inside a function, method or command whose name says
/// seed (`def seed_db():`, `function seedUsers() {`, `func seedDatabase() {`, `task seed: …`):
/// the enclosing blocks are the lines above with less indentation.
pub fn in_seed_code(text: &[u8], offset: usize) -> bool {
    let offset = offset.min(text.len());
    let line_start = memchr::memrchr(b'\n', &text[..offset]).map_or(0, |p| p + 1);
    let mut indent = indentation(&text[line_start..]);
    let mut end = line_start;
    for _ in 0..MAX_LOOKBACK {
        if indent == 0 || end == 0 {
            return false;
        }
        let start = memchr::memrchr(b'\n', &text[..end - 1]).map_or(0, |p| p + 1);
        let line = &text[start..end - 1];
        end = start;
        let body = line.trim_ascii();
        let comment = [&b"#"[..], b"//", b"/*", b"*", b"--"].iter().any(|c| body.starts_with(c));
        if body.is_empty() || comment {
            continue;
        }
        let ind = indentation(line);
        if ind < indent {
            if says_seed(&String::from_utf8_lossy(definition_name(body))) {
                return true;
            }
            indent = ind;
        }
    }
    false
}

/// Leading spaces and tabs (a tab counts as one).
fn indentation(line: &[u8]) -> usize {
    line.iter().take_while(|b| **b == b' ' || **b == b'\t').count()
}

/// The head of a block-opening line up to its parameter list (`def seed_db(`, `task seed:`):
/// the words that name it, not the arguments or calls inside.
fn definition_name(line: &[u8]) -> &[u8] {
    let end = line.iter().position(|b| b"(={".contains(b)).unwrap_or(line.len());
    &line[..end]
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn seed_paths() {
        for p in ["db/seeds.rb", "prisma/seed.ts", "database/seeders/UserSeeder.php", "app/seed_data.py"] {
            assert!(is_seed_path(Path::new(p)), "{p}");
        }
        for p in ["app/settings.py", "src/seedling.rs", "config/database.yml"] {
            assert!(!is_seed_path(Path::new(p)), "{p}");
        }
    }

    #[test]
    fn seed_functions() {
        let py = "@cli.command('seed_db')\ndef seed_db():\n    db.add(User(password=\"pw-seed-1\"))\n\n\ndef run():\n    connect(password=\"pw-live-1\")\n";
        let at = |s: &str, v: &str| s.find(v).unwrap();
        assert!(in_seed_code(py.as_bytes(), at(py, "pw-seed-1")));
        assert!(!in_seed_code(py.as_bytes(), at(py, "pw-live-1")));
        let js = "async function seedUsers() {\n  if (x) {\n    await User.create({ password: 'pw-seed-2' });\n  }\n}\nconst pw = 'pw-top';\n";
        assert!(in_seed_code(js.as_bytes(), at(js, "pw-seed-2")));
        assert!(!in_seed_code(js.as_bytes(), at(js, "pw-top")));
        // An argument that mentions seeding doesn't make a function seed code.
        let call = "def connect():\n    client(seed=1, password='pw-real-3')\n";
        assert!(!in_seed_code(call.as_bytes(), at(call, "pw-real-3")));
    }
}
