//! What the scanner passes over by default, and why: the reasons reported in the summary.

use serde::Serialize;
use std::path::Path;

/// Why a file or directory was not scanned.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SkipReason {
    /// Contains NUL bytes or has a binary extension.
    Binary,
    /// Larger than the size limit.
    TooLarge,
    /// A dependency lockfile.
    Lockfile,
    /// Minified JavaScript or CSS.
    Minified,
    /// A vendored or dependency directory.
    Vendored,
}

impl SkipReason {
    /// Words for the summary.
    pub fn describe(self) -> &'static str {
        match self {
            SkipReason::Binary => "binary",
            SkipReason::TooLarge => "over the size limit",
            SkipReason::Lockfile => "lockfiles",
            SkipReason::Minified => "minified",
            SkipReason::Vendored => "vendored directories",
        }
    }
}

const LOCKFILES: &[&str] = &[
    "package-lock.json",
    "npm-shrinkwrap.json",
    "yarn.lock",
    "pnpm-lock.yaml",
    "cargo.lock",
    "gemfile.lock",
    "poetry.lock",
    "pipfile.lock",
    "composer.lock",
    "go.sum",
    "packages.lock.json",
    "mix.lock",
    "pubspec.lock",
    "podfile.lock",
    "flake.lock",
    "uv.lock",
    "bun.lockb",
    "gradle.lockfile",
    "deno.lock",
];

const VENDORED_DIRS: &[&str] = &[
    "node_modules",
    "vendor",
    "third_party",
    "third-party",
    "bower_components",
    ".venv",
    "venv",
    "site-packages",
    "__pycache__",
    ".git",
    ".hoist",
    ".terraform",
    "Pods",
];

const BINARY_EXTS: &[&str] = &[
    "png", "jpg", "jpeg", "gif", "bmp", "ico", "webp", "pdf", "zip", "gz", "tgz", "bz2", "xz", "7z", "rar", "jar",
    "war", "class", "so", "dylib", "dll", "exe", "o", "a", "pyc", "woff", "woff2", "ttf", "otf", "eot", "mp3", "mp4",
    "mov", "avi", "wasm", "sqlite", "db", "bin",
];

/// True for a directory name that holds vendored or generated code.
pub fn is_vendored_dir(name: &str) -> bool {
    VENDORED_DIRS.contains(&name)
}

/// Classifies a file by name alone, before reading it.
pub fn by_name(path: &Path) -> Option<SkipReason> {
    let name = path.file_name()?.to_string_lossy().to_ascii_lowercase();
    if LOCKFILES.contains(&name.as_str()) {
        return Some(SkipReason::Lockfile);
    }
    if name.ends_with(".min.js")
        || name.ends_with(".min.css")
        || name.ends_with(".min.mjs")
        || name.ends_with(".js.map")
    {
        return Some(SkipReason::Minified);
    }
    let ext = name.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
    BINARY_EXTS.contains(&ext).then_some(SkipReason::Binary)
}

/// Classifies a file by its content: binary when NUL bytes are common in its first 8 KB (a
/// stray NUL in a source file doesn't make it binary; real binaries and UTF-16 are full of them).
pub fn by_content(_path: &Path, bytes: &[u8]) -> Option<SkipReason> {
    let head = &bytes[..bytes.len().min(8192)];
    let nuls = memchr::memchr_iter(0, head).count();
    (nuls > 1.max(head.len() / 256)).then_some(SkipReason::Binary)
}

/// Minified JavaScript or CSS: long lines throughout. Such a file is still read by the provider
/// rules and the line detectors; only the language-aware detectors pass over it (reported).
pub fn is_minified(path: &Path, bytes: &[u8]) -> bool {
    let ext = path.extension().map(|e| e.to_string_lossy().to_ascii_lowercase()).unwrap_or_default();
    if !matches!(ext.as_str(), "js" | "mjs" | "cjs" | "css") || bytes.len() <= 4096 {
        return false;
    }
    // Most lines long, not just one: a source file with one long data line is still source.
    let (mut lines, mut long, mut start) = (0usize, 0usize, 0usize);
    for end in memchr::memchr_iter(b'\n', bytes).chain(std::iter::once(bytes.len())) {
        if end > start {
            lines += 1;
            long += (end - start > 500) as usize;
        }
        start = end + 1;
    }
    long * 2 > lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_contents() {
        assert_eq!(by_name(Path::new("a/package-lock.json")), Some(SkipReason::Lockfile));
        assert_eq!(by_name(Path::new("app.min.js")), Some(SkipReason::Minified));
        assert_eq!(by_name(Path::new("logo.PNG")), Some(SkipReason::Binary));
        assert_eq!(by_name(Path::new("app.py")), None);
        assert_eq!(by_content(Path::new("x"), b"ab\0cd\0ef"), Some(SkipReason::Binary));
        assert_eq!(by_content(Path::new("x.py"), b"a = 1\0\npassword = 'x'\n"), None);
        let long = "x".repeat(6000);
        assert_eq!(by_content(Path::new("b.js"), long.as_bytes()), None);
        assert!(is_minified(Path::new("b.js"), long.as_bytes()));
        assert!(!is_minified(Path::new("b.json"), long.as_bytes()));
        let one_long_line = format!("const a = 1;\nconst b = '{long}';\nconst c = 2;\n");
        assert!(!is_minified(Path::new("b.js"), one_long_line.as_bytes()));
    }
}
