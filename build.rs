//! Embeds every `patterns/*.yaml` rule file into the binary, so the built-in rules are exactly the
//! files on disk (a test checks the count).

use std::{env, fs, path::Path};

fn main() {
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
    for n in &names {
        let abs = fs::canonicalize(dir.join(n)).unwrap();
        println!("cargo:rerun-if-changed={}", abs.display());
        code.push_str(&format!("    ({n:?}, include_str!({:?})),\n", abs.display().to_string()));
    }
    code.push_str("];\n");
    fs::write(Path::new(&env::var("OUT_DIR").unwrap()).join("builtin_rules.rs"), code).unwrap();
}
