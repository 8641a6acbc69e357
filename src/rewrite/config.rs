//! Rewrites config files whose consumer can read the environment: `.env` (the line goes, a comment
//! says where the value lives now), `.properties` and Spring YAML (`${VAR}`), docker-compose
//! (`${VAR:?…}`, which compose refuses to start without), `.npmrc` (`${VAR}`, expanded by npm).

use super::{FileRewrite, SiteRewrite};
use crate::format::FileFormat;
use crate::model::{Edit, Span, Strategy};
use std::path::Path;

/// Which config consumer a file has, when hoist knows it expands environment variables.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConfigKind {
    /// `.env` files (dotenv, compose `env_file`).
    Dotenv,
    /// Java `.properties` (Spring placeholders).
    Properties,
    /// Spring Boot `application*.yml` / `bootstrap*.yml`.
    SpringYaml,
    /// docker-compose files.
    Compose,
    /// `.npmrc` (npm expands `${VAR}`).
    Npmrc,
}

impl ConfigKind {
    /// The kind of `path`, if it is a config file hoist rewrites.
    pub fn of(path: &Path) -> Option<ConfigKind> {
        ConfigKind::of_format(path, FileFormat::of(path))
    }

    /// The kind of `path` read as `format` (its content's, for a file whose name says nothing:
    /// `docker/env.list` holding `KEY=value` lines is a `.env` file).
    pub fn of_format(path: &Path, format: FileFormat) -> Option<ConfigKind> {
        let name = path.file_name()?.to_string_lossy().to_ascii_lowercase();
        match format {
            FileFormat::Dotenv => Some(ConfigKind::Dotenv),
            FileFormat::Properties => Some(ConfigKind::Properties),
            FileFormat::Npmrc => Some(ConfigKind::Npmrc),
            FileFormat::Yaml if name.starts_with("application") || name.starts_with("bootstrap") => {
                Some(ConfigKind::SpringYaml)
            }
            FileFormat::Yaml if name.starts_with("docker-compose") || name.starts_with("compose") => {
                Some(ConfigKind::Compose)
            }
            _ => None,
        }
    }
}

/// Rewrites the `env` sites of a config file; `sdk` sites become manual (a config file can't call
/// an SDK).
pub fn rewrite_config(kind: ConfigKind, path: &Path, text: &str, sites: &[SiteRewrite<'_>]) -> FileRewrite {
    let mut out = FileRewrite::default();
    let mut line_done: Vec<usize> = Vec::new();
    for (i, s) in sites.iter().enumerate() {
        let span = s.site.span;
        match s.strategy() {
            Strategy::Env => {}
            Strategy::Sdk => {
                out.manual.push((
                    i,
                    format!("a config file can't call Secrets Manager; use the env strategy ({})", s.env_var),
                ));
                continue;
            }
            _ => continue,
        }
        if span.end > text.len() || text[span.start..span.end].contains('\n') {
            out.manual.push((i, "the value spans several lines".into()));
            continue;
        }
        let var = &s.env_var;
        let edit = match kind {
            ConfigKind::Dotenv => match dotenv_whole_line(text, span) {
                Some((line, key)) if key == *var => {
                    if line_done.contains(&line.start) {
                        continue;
                    }
                    line_done.push(line.start);
                    let what = match s.shape {
                        crate::model::Shape::Json => format!("secret {}, key {}", s.secret_name, s.key),
                        _ => format!("secret {}", s.secret_name),
                    };
                    let comment = format!(
                        "# {key}: moved to AWS Secrets Manager ({what}); set by the deployment, or locally by `hoist run`"
                    );
                    Edit { path: path.into(), span: line, replacement: comment }
                }
                _ => Edit { path: path.into(), span, replacement: format!("${{{var}}}") },
            },
            ConfigKind::Compose => {
                Edit { path: path.into(), span, replacement: format!("${{{var}:?missing environment variable {var}}}") }
            }
            ConfigKind::Properties | ConfigKind::SpringYaml | ConfigKind::Npmrc => {
                Edit { path: path.into(), span, replacement: format!("${{{var}}}") }
            }
        };
        out.edits.push(edit);
    }
    // A whole-line removal swallows any other edit on that line (a DSN planned as several values).
    let lines: Vec<Span> = out.edits.iter().filter(|e| e.replacement.starts_with("# ")).map(|e| e.span).collect();
    out.edits.retain(|e| e.replacement.starts_with("# ") || !lines.iter().any(|l| l.contains(&e.span)));
    out.edits.sort_by_key(|e| (e.span.start, e.span.end));
    out
}

/// For a `.env` value span covering the whole value of its `KEY=value` line: the line's span
/// (without the newline) and the key.
fn dotenv_whole_line(text: &str, span: Span) -> Option<(Span, String)> {
    let start = text[..span.start].rfind('\n').map(|p| p + 1).unwrap_or(0);
    let end = text[span.end..].find('\n').map(|p| span.end + p).unwrap_or(text.len());
    let line = text[start..end].trim_end_matches('\r');
    let end = start + line.len();
    let body = line.trim_start();
    let body = body.strip_prefix("export ").unwrap_or(body).trim_start();
    let (key, value) = body.split_once('=')?;
    let key = key.trim();
    let value_start = end - value.len();
    let value = value.trim();
    let lead = text[value_start..end].len() - text[value_start..end].trim_start().len();
    let vstart = value_start + lead;
    let (vs, ve) = match value.chars().next() {
        Some(q @ ('"' | '\'')) if value.len() >= 2 && value.ends_with(q) => (vstart + 1, vstart + value.len() - 1),
        _ => (vstart, vstart + value.len()),
    };
    (Span::new(vs, ve) == span).then(|| (Span::new(start, end), key.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dotenv_lines_are_recognised_whole() {
        let t = "A=1\nexport DB_PASSWORD=\"hunter2\"\n";
        let s = t.find("hunter2").unwrap();
        let (line, key) = dotenv_whole_line(t, Span::new(s, s + 7)).unwrap();
        assert_eq!(&t[line.start..line.end], "export DB_PASSWORD=\"hunter2\"");
        assert_eq!(key, "DB_PASSWORD");
        assert!(dotenv_whole_line(t, Span::new(s, s + 3)).is_none());
    }

    #[test]
    fn kinds_by_name() {
        assert_eq!(ConfigKind::of(Path::new("src/main/resources/application-prod.yml")), Some(ConfigKind::SpringYaml));
        assert_eq!(ConfigKind::of(Path::new("docker-compose.override.yml")), Some(ConfigKind::Compose));
        assert_eq!(ConfigKind::of(Path::new("config/settings.yml")), None);
    }
}
