//! File formats by name and extension: which language or config grammar a file is written in.

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
        if stem == "dockerfile" || stem.starts_with("dockerfile.") || stem.ends_with(".dockerfile") {
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
        assert_eq!(f("web.config"), FileFormat::Xml);
        assert_eq!(f("README"), FileFormat::Text);
    }
}
