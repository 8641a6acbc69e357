//! Content sniffing for files whose name says nothing (`.txt`, `.rsp`, no extension, dotfiles, rc
//! files, hashed names): which grammar the text is written in, from its first lines. Linear in the
//! bytes looked at (at most [`HEAD`]).

use crate::format::FileFormat;

/// Bytes of the file the sniffer reads.
const HEAD: usize = 16 * 1024;

/// The format `text` is written in, when its content says so.
pub fn sniff(text: &str) -> Option<FileFormat> {
    let mut end = text.len().min(HEAD);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let head = &text[..end];
    let t = head.trim_start_matches('\u{feff}').trim_start();
    if let Some(rest) = t.strip_prefix("#!") {
        let mut words = rest.lines().next().unwrap_or("").split_whitespace();
        let mut interp = words.next().unwrap_or("").rsplit('/').next().unwrap_or("");
        // `#!/usr/bin/env -S python3 -u`, `#!/bin/busybox sh`: the interpreter is the first word
        // that is no option of the launcher.
        if matches!(interp, "env" | "busybox") {
            interp = words.find(|w| !w.starts_with('-')).unwrap_or("");
        }
        return match interp.trim_end_matches(|c: char| c.is_ascii_digit() || c == '.') {
            "sh" | "bash" | "zsh" | "ksh" | "mksh" | "dash" | "ash" => Some(FileFormat::Shell),
            "python" | "pypy" => Some(FileFormat::Python),
            "node" | "nodejs" | "bun" => Some(FileFormat::JavaScript),
            "deno" | "ts-node" | "tsx" => Some(FileFormat::TypeScript),
            "ruby" | "jruby" => Some(FileFormat::Ruby),
            "php" | "php-cli" => Some(FileFormat::Php),
            // Perl, awk, Tcl…: no grammar here; the tolerant tokenizer reads them.
            _ => None,
        };
    }
    if t.starts_with("<?php") {
        return Some(FileFormat::Php);
    }
    if t.starts_with("<?xml") || t.starts_with('<') && !t.starts_with("<<") {
        return Some(FileFormat::Xml);
    }
    let mut section = false;
    let (mut yaml, mut env, mut ini, mut docker, mut lines) = (0, 0, 0, 0, 0);
    for line in head.lines().take(400) {
        let l = line.trim_end();
        let s = l.trim_start();
        if s.is_empty() || s.starts_with(['#', ';']) || s.starts_with("//") {
            continue;
        }
        lines += 1;
        if s.starts_with('[') && s.ends_with(']') && s.len() > 2 && !s.contains(',') && !s.contains('"') {
            section = true;
            continue;
        }
        let word_end = s.find(|c: char| !(c.is_alphanumeric() || "_.-".contains(c))).unwrap_or(s.len());
        let after = &s[word_end..];
        let indented = l.len() != s.len();
        if word_end > 0 && !indented && (after.starts_with('=') && !after.starts_with("==")) {
            env += 1;
        } else if word_end > 0 && (after.starts_with(" = ") || after.starts_with("=") || after.starts_with(" =")) {
            ini += 1;
        } else if (word_end > 0 || s.starts_with("- ")) && (after.starts_with(": ") || after == ":")
            || s.starts_with("- ")
            || s == "---"
        {
            yaml += 1;
        }
        let upper = s.split_whitespace().next().unwrap_or("");
        if ["FROM", "RUN", "ENV", "ARG", "COPY", "CMD", "ENTRYPOINT", "EXPOSE", "WORKDIR"].contains(&upper) {
            docker += 1;
        }
    }
    if lines == 0 {
        return None;
    }
    if t.starts_with('{') || t.starts_with('[') && !section {
        return Some(FileFormat::Json);
    }
    if section && (ini + env) * 2 >= lines {
        return Some(FileFormat::Ini);
    }
    if docker * 3 >= lines && t.split_whitespace().next().is_some_and(|w| w.eq_ignore_ascii_case("from") || w == "ARG")
    {
        return Some(FileFormat::Dockerfile);
    }
    if env * 2 >= lines {
        return Some(FileFormat::Dotenv);
    }
    if yaml * 2 >= lines {
        return Some(FileFormat::Yaml);
    }
    if ini * 2 >= lines {
        return Some(FileFormat::Ini);
    }
    None
}

/// True when a file named as XML (`*.config`, shared by .NET's `web.config` and many tools'
/// `key = value` configs such as PostgREST's) holds no markup: its content decides, as for a
/// file whose name says nothing.
pub fn is_not_xml(text: &str) -> bool {
    let t = text.trim_start_matches('\u{feff}').trim_start();
    !t.is_empty() && !t.starts_with('<')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_common_contents() {
        assert_eq!(sniff("[default]\naws_access_key_id = A\naws_secret_access_key = B\n"), Some(FileFormat::Ini));
        assert_eq!(sniff("#!/usr/bin/env bash\necho hi\n"), Some(FileFormat::Shell));
        assert_eq!(sniff("#!/bin/sh\necho hi\n"), Some(FileFormat::Shell));
        assert_eq!(sniff("#! /bin/bash -eu\r\necho hi\r\n"), Some(FileFormat::Shell));
        assert_eq!(sniff("#!/bin/busybox sh\necho hi\n"), Some(FileFormat::Shell));
        assert_eq!(sniff("#!/usr/bin/env -S python3 -u\nprint(1)\n"), Some(FileFormat::Python));
        assert_eq!(sniff("#!/usr/bin/python3.11\nprint(1)\n"), Some(FileFormat::Python));
        assert_eq!(sniff("#!/usr/bin/env nodejs\nx()\n"), Some(FileFormat::JavaScript));
        assert_eq!(sniff("#!/usr/bin/env -S deno run\nx()\n"), Some(FileFormat::TypeScript));
        assert_eq!(sniff("#!/usr/bin/env ruby\nx\n"), Some(FileFormat::Ruby));
        assert_eq!(sniff("#!/usr/bin/php\n<?php x();\n"), Some(FileFormat::Php));
        assert_eq!(sniff("#!/usr/bin/perl -w\nmy $x;\n"), None);
        assert_eq!(sniff("{\"a\": 1}"), Some(FileFormat::Json));
        assert_eq!(sniff("DB_HOST=db\nDB_PASSWORD=x\n"), Some(FileFormat::Dotenv));
        assert_eq!(sniff("services:\n  db:\n    image: postgres\n"), Some(FileFormat::Yaml));
        assert_eq!(sniff("FROM alpine\nENV A=b\nRUN x\n"), Some(FileFormat::Dockerfile));
        assert_eq!(sniff("<?xml version=\"1.0\"?><a/>"), Some(FileFormat::Xml));
        assert_eq!(sniff("Just some prose about passwords.\nAnd more.\n"), None);
        assert!(is_not_xml("db-uri = \"postgres://x\"\njwt-secret = \"y\"\n"));
        assert!(!is_not_xml("\u{feff}  <?xml version=\"1.0\"?><configuration/>"));
        assert!(!is_not_xml("<!-- app settings -->\n<configuration/>"));
        assert!(!is_not_xml(""));
    }
}
