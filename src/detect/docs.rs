//! Documentation (Markdown, reStructuredText, AsciiDoc, HTML): fenced code blocks are code, read
//! by the detector for the block's language (or the sniffer's guess), and the whole text gets the
//! tolerant assignment tokenizer for inline examples. Everything found in docs is `low`.

use crate::format::FileFormat;
use crate::model::{Detection, Severity};
use std::path::Path;

/// True for documentation files by extension.
pub fn is_doc(rel: &Path) -> bool {
    let ext = rel.extension().map(|e| e.to_string_lossy().to_ascii_lowercase()).unwrap_or_default();
    matches!(ext.as_str(), "md" | "markdown" | "mdx" | "rst" | "adoc" | "asciidoc" | "html" | "htm" | "textile")
}

/// The language a fence's info string names, lower-case (` ```Rust,no_run `, `{.bash}`).
fn fence_lang(info: &str) -> String {
    let lang = info.trim().trim_start_matches('{').split([' ', ',', '}', '=']).next().unwrap_or("");
    lang.trim_start_matches('.').to_ascii_lowercase()
}

/// The format a fence's info string names (` ```yaml `, ` ```sh `, `.. code-block:: json`).
fn fence_format(info: &str) -> Option<FileFormat> {
    Some(match fence_lang(info).as_str() {
        "py" | "python" | "python3" => FileFormat::Python,
        "js" | "javascript" | "jsx" | "node" | "mjs" => FileFormat::JavaScript,
        "ts" | "typescript" => FileFormat::TypeScript,
        "go" | "golang" => FileFormat::Go,
        "java" => FileFormat::Java,
        "rb" | "ruby" => FileFormat::Ruby,
        "php" => FileFormat::Php,
        "sh" | "bash" | "shell" | "zsh" | "console" | "shell-session" | "terminal" => FileFormat::Shell,
        "yaml" | "yml" => FileFormat::Yaml,
        "json" | "jsonc" | "json5" => FileFormat::Json,
        "hcl" | "terraform" | "tf" => FileFormat::Hcl,
        "xml" => FileFormat::Xml,
        "ini" | "cfg" | "conf" => FileFormat::Ini,
        "toml" => FileFormat::Toml,
        "properties" => FileFormat::Properties,
        "env" | "dotenv" => FileFormat::Dotenv,
        "dockerfile" | "docker" => FileFormat::Dockerfile,
        _ => return None,
    })
}

/// True when a fence's info string names a programming language no grammar here reads
/// (` ```rust,no_run `, ` ```c++ `, ` ```swift `): by its name or its files' extension.
fn fence_names_code(info: &str) -> bool {
    let lang = fence_lang(info);
    let named = matches!(
        lang.as_str(),
        "rust"
            | "c++"
            | "objc"
            | "objective-c"
            | "scala"
            | "kotlin"
            | "csharp"
            | "c#"
            | "haskell"
            | "elixir"
            | "erlang"
            | "clojure"
            | "perl"
            | "ocaml"
            | "fsharp"
            | "nasm"
            | "x86asm"
    );
    named || !lang.is_empty() && FileFormat::names_code(Path::new(&format!("block.{lang}")))
}

/// One fenced block: the info string and the body's byte range.
struct Block<'a> {
    info: &'a str,
    start: usize,
    end: usize,
}

/// Markdown ```` ``` ````/`~~~` fences and RST `.. code-block::` / `::` indented blocks.
fn blocks(text: &str) -> Vec<Block<'_>> {
    let mut out = Vec::new();
    let mut off = 0;
    let mut open: Option<(&str, &str, usize)> = None; // (fence, info, body start)
    for line in text.split_inclusive('\n') {
        let t = line.trim_start();
        match open {
            None => {
                let fence = if t.starts_with("```") {
                    "```"
                } else if t.starts_with("~~~") {
                    "~~~"
                } else {
                    ""
                };
                if !fence.is_empty() {
                    open =
                        Some((fence, t[3..].trim_start_matches(fence.as_bytes()[0] as char).trim(), off + line.len()));
                }
            }
            Some((fence, info, start)) => {
                if t.starts_with(fence) {
                    out.push(Block { info, start, end: off });
                    open = None;
                }
            }
        }
        off += line.len();
    }
    out
}

/// Detections in one documentation file, all `low`.
pub fn analyze(rel: &Path, text: &str) -> Vec<Detection> {
    let mut out: Vec<Detection> = Vec::new();
    for b in blocks(text) {
        let body = &text[b.start..b.end];
        // A block the info string names as code of a language without a grammar here (` ```rust `)
        // is that code, read with the rest of the file below; only an unnamed block is sniffed.
        let format = fence_format(b.info).or_else(|| (!fence_names_code(b.info)).then(|| super::sniff::sniff(body))?);
        let Some(format) = format else { continue };
        let block_path = rel.with_extension(format_ext(format));
        for mut d in super::analyze(&block_path, format, body) {
            d.span = crate::model::Span::new(d.span.start + b.start, d.span.end + b.start);
            out.push(d);
        }
    }
    let generic = super::config::generic_text(text, super::config::Values::Any);
    for d in generic {
        if !out.iter().any(|o| !crate::detect::is_site(o) && o.span.overlaps(&d.span)) {
            out.push(d);
        }
    }
    for d in &mut out {
        d.severity = Severity::Low;
    }
    out.sort_by_key(|d| d.span.start);
    out
}

/// An extension standing for `format`, so a block is classified like a file of that format.
fn format_ext(format: FileFormat) -> &'static str {
    match format {
        FileFormat::Python => "py",
        FileFormat::JavaScript => "js",
        FileFormat::TypeScript => "ts",
        FileFormat::Go => "go",
        FileFormat::Java => "java",
        FileFormat::Ruby => "rb",
        FileFormat::Php => "php",
        FileFormat::Shell => "sh",
        FileFormat::Yaml => "yaml",
        FileFormat::Json => "json",
        FileFormat::Hcl => "tf",
        FileFormat::Xml => "xml",
        FileFormat::Ini => "ini",
        FileFormat::Toml => "toml",
        FileFormat::Properties => "properties",
        FileFormat::Dotenv => "env",
        _ => "txt",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_fenced_blocks_with_their_language() {
        let t = "# Setup\n\n```yaml\npassword: s3cr3t-Pw\n```\n\n~~~\nplain\n~~~\n";
        let b = blocks(t);
        assert_eq!(b.len(), 2);
        assert_eq!(b[0].info, "yaml");
        assert_eq!(&t[b[0].start..b[0].end], "password: s3cr3t-Pw\n");
        assert_eq!(fence_format("yaml"), Some(FileFormat::Yaml));
        assert_eq!(fence_format("{.bash}"), Some(FileFormat::Shell));
    }

    #[test]
    fn a_block_named_as_code_without_a_grammar_is_not_sniffed() {
        for info in ["rust", "rust,no_run", "c++", "swift", "{.scala}", "cpp", "kotlin"] {
            assert!(fence_names_code(info), "{info}");
        }
        for info in ["", "text", "yaml", "console", "conf"] {
            assert!(!fence_names_code(info), "{info}");
        }
        // Struct fields look like YAML to the sniffer; in a ```rust block they are fields.
        let fields = "pub struct Login {\n    user: String,\n    password: Hunter2,\n}\n";
        assert_eq!(super::super::sniff::sniff(fields), Some(FileFormat::Yaml));
        let doc = |info: &str| format!("# Login\n\n```{info}\n{fields}```\n");
        let found = |t: &str| analyze(Path::new("README.md"), t).into_iter().map(|d| d.span).collect::<Vec<_>>();
        let tokenized = |t: &str| {
            let d = super::super::config::generic_text(t, super::super::config::Values::Any);
            d.into_iter().map(|d| d.span).collect::<Vec<_>>()
        };
        // The ```rust block adds nothing to what the tokenizer reads in the whole file.
        let rust = doc("rust");
        assert_eq!(found(&rust), tokenized(&rust));
    }
}
