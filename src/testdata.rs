//! The fixture tree's text files, for unit tests that run a search over every one of them.

/// Every UTF-8 file under `testdata/` (as the scanner walks it) as `(path, text)`.
pub(crate) fn texts() -> Vec<(String, String)> {
    let mut out = Vec::new();
    for entry in ignore::WalkBuilder::new(concat!(env!("CARGO_MANIFEST_DIR"), "/testdata")).build().flatten() {
        if let Ok(text) = std::fs::read_to_string(entry.path()) {
            out.push((entry.path().display().to_string(), text));
        }
    }
    assert!(out.len() > 100, "testdata holds the fixture files");
    out
}
