//! Every built-in rule proves its examples and negative examples, and every rule file on disk is
//! loaded (a file with the wrong extension or a parse error can't silently drop rules).

use hoist::rules::{BUILTIN_RULE_FILES, RuleFile, RuleSet};

#[test]
fn every_rule_file_on_disk_is_embedded() {
    let on_disk: Vec<String> =
        std::fs::read_dir("patterns").unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    assert!(on_disk.iter().all(|n| n.ends_with(".yaml")), "only .yaml rule files: {on_disk:?}");
    assert_eq!(on_disk.len(), BUILTIN_RULE_FILES.len());
    let from_disk: usize = on_disk
        .iter()
        .map(|n| RuleFile::parse(n, &std::fs::read_to_string(format!("patterns/{n}")).unwrap()).unwrap().len())
        .sum();
    let set = RuleSet::builtin().unwrap();
    assert_eq!(set.len(), from_disk);
}

#[test]
fn every_rule_passes_its_examples() {
    let set = RuleSet::builtin().unwrap();
    let failures: Vec<String> =
        set.compiled().iter().filter_map(|r| r.check_examples().err()).map(|e| e.to_string()).collect();
    assert!(failures.is_empty(), "{} failing rules:\n{}", failures.len(), failures.join("\n"));
}
