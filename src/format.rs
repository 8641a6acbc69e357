//! File formats by name and extension, or by content where the name says nothing: which language
//! or config grammar a file is written in.

use serde::{Deserialize, Serialize};
use std::path::Path;

/// A file's format, as detectors and rewriters see it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FileFormat {
    /// Python source.
    Python,
    /// JavaScript (also .mjs/.cjs/.jsx).
    JavaScript,
    /// TypeScript (.ts/.mts/.cts).
    TypeScript,
    /// TSX.
    Tsx,
    /// Go.
    Go,
    /// Java.
    Java,
    /// Kotlin (rules and line detection only).
    Kotlin,
    /// C# (rules and line detection only).
    CSharp,
    /// Ruby.
    Ruby,
    /// PHP.
    Php,
    /// Shell scripts.
    Shell,
    /// YAML.
    Yaml,
    /// JSON.
    Json,
    /// Terraform / HCL.
    Hcl,
    /// XML (Spring, Maven settings, .NET config).
    Xml,
    /// `.env` files.
    Dotenv,
    /// Java `.properties`.
    Properties,
    /// `.ini`, `.cfg`, `.conf`, `.toml`-like key/value files.
    Ini,
    /// TOML.
    Toml,
    /// `.npmrc` / `.yarnrc`.
    Npmrc,
    /// `.pgpass`.
    Pgpass,
    /// `.netrc`.
    Netrc,
    /// `.git-credentials`.
    GitCredentials,
    /// `.htpasswd`.
    Htpasswd,
    /// Dockerfile.
    Dockerfile,
    /// Anything else: provider rules only.
    Text,
}

/// Every format, for [`FileFormat::named`].
const ALL: [FileFormat; 26] = [
    FileFormat::Python,
    FileFormat::JavaScript,
    FileFormat::TypeScript,
    FileFormat::Tsx,
    FileFormat::Go,
    FileFormat::Java,
    FileFormat::Kotlin,
    FileFormat::CSharp,
    FileFormat::Ruby,
    FileFormat::Php,
    FileFormat::Shell,
    FileFormat::Yaml,
    FileFormat::Json,
    FileFormat::Hcl,
    FileFormat::Xml,
    FileFormat::Dotenv,
    FileFormat::Properties,
    FileFormat::Ini,
    FileFormat::Toml,
    FileFormat::Npmrc,
    FileFormat::Pgpass,
    FileFormat::Netrc,
    FileFormat::GitCredentials,
    FileFormat::Htpasswd,
    FileFormat::Dockerfile,
    FileFormat::Text,
];

impl FileFormat {
    /// Classifies a path. Template suffixes (`.tpl`, `.j2`, `.template`, `.tmpl`, `.example`,
    /// `.sample`, `.dist`) are looked through to the format underneath.
    pub fn of(path: &Path) -> FileFormat {
        let name = path.file_name().map(|n| n.to_string_lossy().to_ascii_lowercase()).unwrap_or_default();
        let mut stem = name.as_str();
        for suffix in [".tpl", ".j2", ".jinja2", ".jinja", ".template", ".tmpl", ".example", ".sample", ".dist", ".erb"]
        {
            if let Some(s) = stem.strip_suffix(suffix) {
                stem = s;
                break;
            }
        }
        match stem {
            ".env" | "env" => return FileFormat::Dotenv,
            ".npmrc" | ".yarnrc" | "npmrc" => return FileFormat::Npmrc,
            ".pgpass" | "pgpass" => return FileFormat::Pgpass,
            ".netrc" | "_netrc" | "netrc" => return FileFormat::Netrc,
            ".git-credentials" | "git-credentials" => return FileFormat::GitCredentials,
            ".htpasswd" | "htpasswd" => return FileFormat::Htpasswd,
            ".bashrc" | ".zshrc" | ".profile" | ".bash_profile" | "envrc" | ".envrc" => return FileFormat::Shell,
            _ => {}
        }
        // Podman/Buildah call the same file `Containerfile`.
        // (No `format!` per call: this runs for every scanned file.)
        let image = |n: &str| {
            stem == n
                || stem.strip_prefix(n).is_some_and(|r| r.starts_with('.'))
                || stem.strip_suffix(n).is_some_and(|r| r.ends_with('.'))
        };
        if image("dockerfile") || image("containerfile") {
            return FileFormat::Dockerfile;
        }
        if stem.starts_with(".env.") || stem.ends_with(".env") {
            return FileFormat::Dotenv;
        }
        let ext = stem.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
        match ext {
            "py" | "pyw" => FileFormat::Python,
            "js" | "mjs" | "cjs" | "jsx" => FileFormat::JavaScript,
            "ts" | "mts" | "cts" => FileFormat::TypeScript,
            "tsx" => FileFormat::Tsx,
            "go" => FileFormat::Go,
            "java" => FileFormat::Java,
            "kt" | "kts" => FileFormat::Kotlin,
            "cs" => FileFormat::CSharp,
            "rb" | "rake" | "gemspec" => FileFormat::Ruby,
            "php" => FileFormat::Php,
            "sh" | "bash" | "zsh" | "ksh" => FileFormat::Shell,
            "yaml" | "yml" => FileFormat::Yaml,
            "json" | "jsonc" | "json5" => FileFormat::Json,
            "tf" | "hcl" | "tfvars" => FileFormat::Hcl,
            "xml" | "config" | "csproj" | "xaml" => FileFormat::Xml,
            "properties" => FileFormat::Properties,
            "ini" | "cfg" | "conf" | "cnf" => FileFormat::Ini,
            "toml" => FileFormat::Toml,
            "env" => FileFormat::Dotenv,
            _ if stem == "rakefile" || stem == "gemfile" => FileFormat::Ruby,
            _ => FileFormat::Text,
        }
    }

    /// The format a file is read as: its name's, or its content's where the name says nothing
    /// (plain text, no or an unknown extension: [`crate::detect::sniffs`]) or a `*.config` holds
    /// no markup. The same choice the detectors make ([`crate::detect::analyze`] sniffs exactly
    /// these files), so the planner and rewriter treat `bin/deploy` starting `#!/bin/bash` as
    /// the shell script its findings came from, not as text nobody can rewrite. Content that
    /// names no grammar stays [`FileFormat::Text`].
    pub fn of_file(path: &Path, text: &str) -> FileFormat {
        let named = FileFormat::of(path);
        let by_content = crate::detect::sniffs(path, named)
            || named == FileFormat::Xml && !FileFormat::is_template(path) && crate::detect::sniff::is_not_xml(text);
        if !by_content {
            return named;
        }
        crate::detect::sniff::sniff(text).unwrap_or(FileFormat::Text)
    }

    /// The format a findings' or plan's `format` name stands for (the inverse of [`Self::as_str`]).
    pub fn named(name: &str) -> Option<FileFormat> {
        ALL.iter().copied().find(|f| f.as_str() == name)
    }

    /// The name used in findings and plans (`python`, `dotenv`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            FileFormat::Python => "python",
            FileFormat::JavaScript => "javascript",
            FileFormat::TypeScript => "typescript",
            FileFormat::Tsx => "tsx",
            FileFormat::Go => "go",
            FileFormat::Java => "java",
            FileFormat::Kotlin => "kotlin",
            FileFormat::CSharp => "csharp",
            FileFormat::Ruby => "ruby",
            FileFormat::Php => "php",
            FileFormat::Shell => "shell",
            FileFormat::Yaml => "yaml",
            FileFormat::Json => "json",
            FileFormat::Hcl => "hcl",
            FileFormat::Xml => "xml",
            FileFormat::Dotenv => "dotenv",
            FileFormat::Properties => "properties",
            FileFormat::Ini => "ini",
            FileFormat::Toml => "toml",
            FileFormat::Npmrc => "npmrc",
            FileFormat::Pgpass => "pgpass",
            FileFormat::Netrc => "netrc",
            FileFormat::GitCredentials => "git-credentials",
            FileFormat::Htpasswd => "htpasswd",
            FileFormat::Dockerfile => "dockerfile",
            FileFormat::Text => "text",
        }
    }

    /// True when the name is a source file of a programming language no grammar here reads
    /// (`.rs`, `.c`, `.swift`, …): the name says what the file is, so its content is not sniffed
    /// for a config format (a Rust struct's `name: String,` lines are no YAML, a C file's
    /// `#define` lines no comments of an INI file) and the tolerant tokenizer alone reads it.
    pub fn names_code(path: &Path) -> bool {
        const CODE: &[&str] = &[
            "rs", "c", "h", "cc", "cpp", "cxx", "hpp", "hh", "hxx", "m", "mm", "swift", "scala", "dart", "lua", "pl",
            "pm", "zig", "hs", "ml", "ex", "exs", "erl", "clj", "asm", "s",
        ];
        path.extension().and_then(|e| e.to_str()).is_some_and(|e| CODE.iter().any(|c| c.eq_ignore_ascii_case(e)))
    }

    /// True when the file is a template variant (`*.tpl`, `*.j2`…), whose grammar may not parse.
    pub fn is_template(path: &Path) -> bool {
        let name = path.file_name().map(|n| n.to_string_lossy().to_ascii_lowercase()).unwrap_or_default();
        [".tpl", ".j2", ".jinja2", ".jinja", ".template", ".tmpl", ".erb"].iter().any(|s| name.ends_with(s))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_common_names() {
        let f = |p: &str| FileFormat::of(Path::new(p));
        assert_eq!(f("app/settings.py"), FileFormat::Python);
        assert_eq!(f(".env.production"), FileFormat::Dotenv);
        assert_eq!(f("prod.env"), FileFormat::Dotenv);
        assert_eq!(f("task-def.json.tpl"), FileFormat::Json);
        assert_eq!(f("main.tf"), FileFormat::Hcl);
        assert_eq!(f("Dockerfile.prod"), FileFormat::Dockerfile);
        assert_eq!(f("images/Containerfile"), FileFormat::Dockerfile);
        assert_eq!(f("api.containerfile"), FileFormat::Dockerfile);
        assert_eq!(f("web.config"), FileFormat::Xml);
        assert_eq!(f("README"), FileFormat::Text);
    }

    #[test]
    fn a_file_whose_name_says_nothing_is_read_by_its_content() {
        let f = |p: &str, t: &str| FileFormat::of_file(Path::new(p), t);
        assert_eq!(f("bin/deploy", "#!/usr/bin/env bash\nexport A=b\n"), FileFormat::Shell);
        assert_eq!(f("scripts/report", "#!/usr/bin/python3\nprint(1)\n"), FileFormat::Python);
        assert_eq!(f("tools/serve", "#!/usr/bin/env node\nx()\n"), FileFormat::JavaScript);
        assert_eq!(f("docker/env.list", "DB_HOST=db\nDB_PASSWORD=x\n"), FileFormat::Dotenv);
        assert_eq!(f("postgrest.config", "db-uri = \"postgres://x\"\njwt-secret = \"y\"\n"), FileFormat::Ini);
        assert_eq!(f("notes.txt", "Just some prose.\nAnd more.\n"), FileFormat::Text);
        // The name decides wherever it says something: an extension, a known file name, docs, templates.
        assert_eq!(f("deploy.py", "#!/bin/sh\necho\n"), FileFormat::Python);
        assert_eq!(f("web.config", "<configuration/>"), FileFormat::Xml);
        assert_eq!(f("README.md", "#!/bin/sh\necho\n"), FileFormat::Text);
        assert_eq!(f("run.tpl", "#!/bin/sh\necho\n"), FileFormat::Text);
        assert_eq!(f("Dockerfile", "#!/bin/sh\n"), FileFormat::Dockerfile);
        // Source code of a language without a grammar here is code, whatever its lines look like.
        let rust_struct = "struct Db {\n    host: String,\n    user: String,\n    password: String,\n}\n";
        assert_eq!(crate::detect::sniff::sniff(rust_struct), Some(FileFormat::Yaml), "the decoy must sniff as YAML");
        assert_eq!(f("src/db.rs", rust_struct), FileFormat::Text);
        assert_eq!(f("src/db.txt", rust_struct), FileFormat::Yaml);
        assert_eq!(f("include/db.H", "#define A 1\nx = 1\n"), FileFormat::Text);
    }

    #[test]
    fn names_read_back() {
        for f in ALL {
            assert_eq!(FileFormat::named(f.as_str()), Some(f));
        }
        assert_eq!(FileFormat::named("cobol"), None);
    }
}
