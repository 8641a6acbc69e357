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
    let docker_start = t.split_whitespace().next().is_some_and(|w| w.eq_ignore_ascii_case("from") || w == "ARG");
    let mut c = Tally::default();
    // The first 400 lines (as `split('\n')` cuts them; `\r` is trimmed with the other trailing
    // whitespace).
    let mut start = 0;
    for seen in 1..=400 {
        let end = memchr::memchr(b'\n', &head.as_bytes()[start..]).map_or(head.len(), |i| start + i);
        c.line(&head[start..end]);
        if end == head.len() {
            break;
        }
        start = end + 1;
        // `{…` is JSON once a line counts, `[…` unless a `[section]` line comes; otherwise stop
        // when no verdict below can be reached even if every line left counted towards it: at
        // most the lines left of the 400, and a counted line takes a byte and its newline.
        let left = (400 - seen).min((head.len() - start).div_ceil(2));
        let open_list = t.starts_with('[') && !c.section;
        if t.starts_with('{') && c.lines > 0 || !open_list && !c.reachable(left, docker_start) {
            break;
        }
    }
    let Tally { section, yaml, env, ini, docker, lines } = c;
    if lines == 0 {
        return None;
    }
    if t.starts_with('{') || t.starts_with('[') && !section {
        return Some(FileFormat::Json);
    }
    if section && (ini + env) * 2 >= lines {
        return Some(FileFormat::Ini);
    }
    if docker * 3 >= lines && docker_start {
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

/// What the sniffer counts in the head's lines (blank and comment lines aside).
#[derive(Default)]
struct Tally {
    /// A `[section]` line was seen.
    section: bool,
    /// `key: value`, `- item` and `---` lines.
    yaml: usize,
    /// Unindented `KEY=value` lines.
    env: usize,
    /// `key = value` lines.
    ini: usize,
    /// Lines starting with a Dockerfile instruction.
    docker: usize,
    /// Lines counted.
    lines: usize,
}

impl Tally {
    /// Counts one line (its `\n` cut off).
    fn line(&mut self, line: &str) {
        let l = line.trim_end();
        let s = l.trim_start();
        if s.is_empty() || s.starts_with(['#', ';']) || s.starts_with("//") {
            return;
        }
        self.lines += 1;
        if s.starts_with('[') && s.ends_with(']') && s.len() > 2 && !s.contains(',') && !s.contains('"') {
            self.section = true;
            return;
        }
        let word_end = s.find(|c: char| !(c.is_alphanumeric() || matches!(c, '_' | '.' | '-'))).unwrap_or(s.len());
        let after = &s[word_end..];
        let indented = l.len() != s.len();
        if word_end > 0 && !indented && (after.starts_with('=') && !after.starts_with("==")) {
            self.env += 1;
        } else if word_end > 0 && (after.starts_with(" = ") || after.starts_with("=") || after.starts_with(" =")) {
            self.ini += 1;
        } else if (word_end > 0 || s.starts_with("- ")) && (after.starts_with(": ") || after == ":")
            || s.starts_with("- ")
            || s == "---"
        {
            self.yaml += 1;
        }
        // (Every instruction starts with an uppercase letter.)
        let upper = || s.split_whitespace().next().unwrap_or("");
        if s.as_bytes()[0].is_ascii_uppercase()
            && ["FROM", "RUN", "ENV", "ARG", "COPY", "CMD", "ENTRYPOINT", "EXPOSE", "WORKDIR"].contains(&upper())
        {
            self.docker += 1;
        }
    }

    /// False when, with at most `left` more lines counted (each towards every count), no count
    /// can reach its share of the lines: `c / lines` ≥ ½ (⅓ for Docker, whose verdict needs
    /// `docker_start`) for `c + left` of `lines + left` needs `2c + left ≥ lines`.
    fn reachable(&self, left: usize, docker_start: bool) -> bool {
        // `env` and `ini` alone are at most their sum.
        let half = |c: usize| 2 * c + left >= self.lines;
        half(self.ini + self.env) || half(self.yaml) || docker_start && 3 * self.docker + 2 * left >= self.lines
    }
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

#[cfg(test)]
mod same_verdicts {
    //! The sniffer with its early stop against the whole 400-line count it replaced.
    use super::*;

    /// The verdict from counting every one of the first 400 lines (the sniffer before it stopped
    /// early), for the texts [`sniff`] gets past its first-line checks.
    fn counted_whole(text: &str) -> Option<FileFormat> {
        assert!(text.len() < HEAD);
        let head = text;
        let t = head.trim_start_matches('\u{feff}').trim_start();
        let mut c = Tally::default();
        for line in head.lines().take(400) {
            c.line(line);
        }
        let docker = c.docker * 3 >= c.lines
            && t.split_whitespace().next().is_some_and(|w| w.eq_ignore_ascii_case("from") || w == "ARG");
        match () {
            _ if c.lines == 0 => None,
            _ if t.starts_with('{') || t.starts_with('[') && !c.section => Some(FileFormat::Json),
            _ if c.section && (c.ini + c.env) * 2 >= c.lines => Some(FileFormat::Ini),
            _ if docker => Some(FileFormat::Dockerfile),
            _ if c.env * 2 >= c.lines => Some(FileFormat::Dotenv),
            _ if c.yaml * 2 >= c.lines => Some(FileFormat::Yaml),
            _ if c.ini * 2 >= c.lines => Some(FileFormat::Ini),
            _ => None,
        }
    }

    #[test]
    fn stopping_early_gives_the_verdict_of_all_400_lines() {
        let shapes = [
            "KEY=value",
            "key: value",
            "  key: value",
            "key = value",
            "  a = b",
            "[section]",
            "[a, b]",
            "# comment",
            "; c",
            "// c",
            "",
            "   ",
            "- item",
            "---",
            "FROM alpine",
            "RUN make",
            "ENV A=b",
            "fn main() {",
            "    let x = 1;",
            "    x: u32,",
            "}",
            "{",
            "[",
            "é = ü",
            "clé: valeur",
            "\u{a0}key: v",
            "a==b",
            "x:",
            "pub struct S;",
            "ARG V=1",
            "\r",
        ];
        let mut state: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let mut verdicts = std::collections::HashSet::new();
        for _ in 0..4000 {
            let n = (next() % 700) as usize;
            // Mostly one shape with others mixed in, so every verdict's share is crossed.
            let main = (next() % shapes.len() as u64) as usize;
            let share = next() % 100;
            let mut text = String::new();
            for _ in 0..n {
                let s = if next() % 100 < share { main } else { (next() % shapes.len() as u64) as usize };
                text.push_str(shapes[s]);
                text.push_str(if next() % 5 == 0 { "\r\n" } else { "\n" });
            }
            if next() % 3 == 0 {
                text.pop();
            }
            let first = text.trim_start_matches('\u{feff}').trim_start();
            if first.starts_with("#!") || first.starts_with('<') {
                continue;
            }
            assert_eq!(sniff(&text), counted_whole(&text), "{text:?}");
            verdicts.insert(sniff(&text));
        }
        assert!(verdicts.len() >= 6, "{verdicts:?}");
    }
}
