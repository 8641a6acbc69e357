//! Embeds every `patterns/*.yaml` rule file into the binary, so the built-in rules are exactly the
//! files on disk (a test checks the count), and parses them here, at build time, into Rust
//! constructors: parsing ~450 rules with serde_yaml at every start was the largest piece of a
//! pre-commit run (~12 of ~30 ms). A unit test proves the prebuilt rules equal the parsed files.

use serde_yaml::Value;
use std::fmt::Write as _;
use std::{env, fs, path::Path};

/// The fields of a rule, as `Rule` in `src/rules/mod.rs` declares them (`deny_unknown_fields`).
const FIELDS: &[&str] =
    &["id", "name", "pattern", "keywords", "entropy", "kind", "group", "key", "examples", "negative_examples"];

fn main() {
    start_up_link_args();
    let dir = Path::new("patterns");
    println!("cargo:rerun-if-changed=patterns");
    let mut names: Vec<String> = fs::read_dir(dir)
        .expect("patterns/ exists")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".yaml") || n.ends_with(".yml"))
        .collect();
    names.sort();
    let mut code = String::from(
        "/// Built-in rule files: (file name, contents).\npub static BUILTIN_RULE_FILES: &[(&str, &str)] = &[\n",
    );
    // A file this parser can't read leaves every rule to the runtime parser, whose error names it.
    let mut rules = Some(String::new());
    for n in &names {
        let abs = fs::canonicalize(dir.join(n)).unwrap();
        println!("cargo:rerun-if-changed={}", abs.display());
        code.push_str(&format!("    ({n:?}, include_str!({:?})),\n", abs.display().to_string()));
        let text = fs::read_to_string(&abs).unwrap();
        rules = rules.and_then(|mut all| {
            all.push_str(&rule_constructors(&format!("patterns/{n}"), &text)?);
            Some(all)
        });
    }
    code.push_str("];\n");
    let ok = rules.is_some();
    code.push_str(&format!(
        "/// False when some rule file could not be prebuilt (the runtime parser then reads them all).\nconst PREBUILT_OK: bool = {ok};\n"
    ));
    code.push_str("/// The built-in rules, parsed from `patterns/` at build time, in file order.\nfn prebuilt_rules() -> Vec<Rule> {\n    vec![\n");
    code.push_str(&rules.unwrap_or_default());
    code.push_str("    ]\n}\n");
    fs::write(Path::new(&env::var("OUT_DIR").unwrap()).join("builtin_rules.rs"), code).unwrap();
}

/// The binary is a position-independent executable with ~50k relative relocations (every pointer
/// in its static tables), which the dynamic loader applied one 24-byte `RELA` entry at a time at
/// every start: ~9 % of a pre-commit run's samples. Packed relative relocations (`DT_RELR`, GNU ld
/// 2.38+/lld 15+, glibc 2.36+: a few KB instead of 1.2 MB) keep the executable position-independent
/// (address-space randomisation stays) and make that a short loop. An older linker ignores the
/// flag with a warning; the linker adds the glibc version requirement only when libc has it.
fn start_up_link_args() {
    let var = |k: &str| env::var(k).unwrap_or_default();
    if var("CARGO_CFG_TARGET_OS") == "linux" && var("CARGO_CFG_TARGET_ENV") == "gnu" {
        println!("cargo:rustc-link-arg-bins=-Wl,-z,pack-relative-relocs");
    }
}

/// `Rule { … },` lines for every rule of one file, or `None` when the file is not of the shape
/// the runtime parser accepts (then the runtime parser runs and reports the error).
fn rule_constructors(source: &str, text: &str) -> Option<String> {
    let doc: Value = serde_yaml::from_str(text).ok()?;
    let top = doc.as_mapping()?;
    if top.len() != 1 {
        return None;
    }
    let list = top.get("rules")?.as_sequence()?;
    let mut out = String::new();
    for r in list {
        let m = r.as_mapping()?;
        if m.keys().any(|k| !k.as_str().is_some_and(|k| FIELDS.contains(&k))) {
            return None;
        }
        let s = |k: &str| m.get(k).and_then(Value::as_str);
        let opt = |k: &str| -> Option<String> {
            match m.get(k) {
                None | Some(Value::Null) => Some("None".into()),
                Some(Value::String(v)) => Some(format!("Some({v:?}.to_string())")),
                _ => None,
            }
        };
        let list = |k: &str| -> Option<String> {
            let items = m.get(k)?.as_sequence()?;
            let mut l = String::from("vec![");
            for i in items {
                write!(l, "{:?}.to_string(),", i.as_str()?).unwrap();
            }
            l.push(']');
            Some(l)
        };
        let entropy = match m.get("entropy") {
            None | Some(Value::Null) => "None".to_string(),
            Some(Value::Number(n)) => format!("Some({:?}_f64)", n.as_f64()?),
            _ => return None,
        };
        let kind = match m.get("kind") {
            None => "Kind::Secret",
            Some(Value::String(k)) if k == "secret" => "Kind::Secret",
            Some(Value::String(k)) if k == "config" => "Kind::Config",
            _ => return None,
        };
        writeln!(
            out,
            "        Rule {{ id: {:?}.to_string(), name: {:?}.to_string(), pattern: {:?}.to_string(), keywords: {}, \
             entropy: {entropy}, kind: {kind}, group: {}, key: {}, examples: {}, negative_examples: {}, source: {:?}.to_string() }},",
            s("id")?,
            s("name")?,
            s("pattern")?,
            list("keywords")?,
            opt("group")?,
            opt("key")?,
            list("examples")?,
            list("negative_examples")?,
            source,
        )
        .unwrap();
    }
    Some(out)
}
