//! Finding a repository the way git would, for the in-process staged reader: the `.git` directory
//! or file (linked worktrees, submodules, `commondir`), the index file, HEAD through loose refs and
//! `packed-refs`, and the checks that nothing git reads (environment, config, attributes, replace
//! refs, grafts, alternates) could make git's answer differ from ours. Every doubt is `None`:
//! the caller runs git.

use super::odb::{Oid, parse_oid};
use std::path::{Path, PathBuf};

/// A repository the in-process reader can answer for.
#[derive(Debug)]
pub struct Repo {
    /// Top of the work tree.
    pub top: PathBuf,
    /// The git directory of this work tree (`.git`, or `.git/worktrees/<name>`).
    pub git_dir: PathBuf,
    /// The common directory (objects, refs, config).
    pub common: PathBuf,
    /// The index file.
    pub index: PathBuf,
}

/// Environment variables that never change what `git diff --cached` reports. Any other `GIT_*`
/// variable sends the hook to git.
const HARMLESS_ENV: &[&str] = &[
    "GIT_AUTHOR_NAME",
    "GIT_AUTHOR_EMAIL",
    "GIT_AUTHOR_DATE",
    "GIT_COMMITTER_NAME",
    "GIT_COMMITTER_EMAIL",
    "GIT_COMMITTER_DATE",
    "GIT_EDITOR",
    "GIT_SEQUENCE_EDITOR",
    "GIT_PAGER",
    "GIT_PREFIX",
    "GIT_REFLOG_ACTION",
    "GIT_EXEC_PATH",
    "GIT_TERMINAL_PROMPT",
    "GIT_ASKPASS",
    "GIT_SSH",
    "GIT_SSH_COMMAND",
    "GIT_SSL_CAINFO",
    "GIT_MERGE_AUTOEDIT",
    "GIT_CONFIG_NOSYSTEM",
    "GIT_CONFIG_GLOBAL",
    "GIT_CONFIG_SYSTEM",
    "GIT_INDEX_FILE",
    "GIT_DIR",
    "GIT_CONFIG_PARAMETERS",
];

impl Repo {
    /// The repository git would use from `dir`, when we can be sure of it and of everything else
    /// that shapes the staged diff.
    pub fn discover(dir: &Path) -> Option<Repo> {
        for (k, _) in std::env::vars_os() {
            let k = k.to_str()?;
            if k.starts_with("GIT_") && !HARMLESS_ENV.contains(&k) && !k.starts_with("GIT_TRACE") {
                return None;
            }
        }
        let start = std::fs::canonicalize(dir).ok()?;
        if start.components().any(|c| c.as_os_str() == ".git") {
            return None;
        }
        let (top, git_dir) = match std::env::var_os("GIT_DIR") {
            // As git does for a linked worktree's hooks: that directory, and the work tree is
            // where git runs (hoist runs git from `dir`).
            Some(d) => (start.clone(), std::fs::canonicalize(start.join(d)).ok()?),
            None => find_git_dir(&start)?,
        };
        // A directory git wouldn't take as a repository makes it walk further up: ask git.
        if !git_dir.join("HEAD").is_file() {
            return None;
        }
        let common = match std::fs::read_to_string(git_dir.join("commondir")) {
            Ok(c) => std::fs::canonicalize(git_dir.join(c.trim_end_matches(['\n', '\r']))).ok()?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => git_dir.clone(),
            Err(_) => return None,
        };
        if !common.join("objects").is_dir() || !owned_by_us(&common) || !owned_by_us(&top) {
            return None;
        }
        // Replace refs, grafts and alternates change which objects git reads.
        let objects = common.join("objects");
        if objects.join("info/alternates").exists()
            || objects.join("info/http-alternates").exists()
            || common.join("info/grafts").exists()
            || common.join("refs/replace").exists()
        {
            return None;
        }
        let index = match std::env::var_os("GIT_INDEX_FILE") {
            Some(f) => {
                let f = PathBuf::from(f);
                // A relative one is certain only where git runs from the top (as hooks do).
                if f.is_relative() && start != top {
                    return None;
                }
                top.join(f)
            }
            None => git_dir.join("index"),
        };
        let repo = Repo { top, git_dir, common, index };
        repo.config_is_plain().then_some(repo)
    }

    /// True when no config file git reads sets anything that changes the staged diff.
    fn config_is_plain(&self) -> bool {
        let env = |k: &str| std::env::var_os(k).filter(|v| !v.is_empty());
        let mut files: Vec<PathBuf> = Vec::new();
        if env("GIT_CONFIG_NOSYSTEM").is_none() {
            files.push(env("GIT_CONFIG_SYSTEM").map_or_else(|| PathBuf::from("/etc/gitconfig"), PathBuf::from));
        }
        match env("GIT_CONFIG_GLOBAL") {
            Some(g) => files.push(PathBuf::from(g)),
            None => {
                let home = env("HOME").map(PathBuf::from);
                let xdg =
                    env("XDG_CONFIG_HOME").map(PathBuf::from).or_else(|| home.as_ref().map(|h| h.join(".config")));
                files.extend(xdg.map(|x| x.join("git/config")));
                files.extend(home.map(|h| h.join(".gitconfig")));
            }
        }
        files.push(self.common.join("config"));
        if let Some(params) = std::env::var_os("GIT_CONFIG_PARAMETERS") {
            match params.to_str().and_then(config_parameters) {
                Some(text) if plain_config(&text) => {}
                _ => return false,
            }
        }
        files.iter().all(|f| match std::fs::read(f) {
            Ok(text) => plain_config(&String::from_utf8_lossy(&text)),
            Err(e) => e.kind() == std::io::ErrorKind::NotFound || f == Path::new("/dev/null"),
        })
    }

    /// HEAD's commit, `Some(None)` on an unborn branch; `None` when unsure.
    pub fn head(&self) -> Option<Option<Oid>> {
        let mut name = "HEAD".to_string();
        for _ in 0..6 {
            let dir = if per_worktree(&name) { &self.git_dir } else { &self.common };
            let value = match std::fs::read(dir.join(&name)) {
                Ok(v) => v,
                // Not loose: packed, or an unborn branch.
                Err(e) if e.kind() == std::io::ErrorKind::NotFound && name != "HEAD" => return self.packed_ref(&name),
                // A directory where the ref would be, permissions…: git knows best.
                Err(_) => return None,
            };
            let value = value.strip_suffix(b"\n").unwrap_or(&value);
            if let Some(target) = value.strip_prefix(b"ref: ") {
                let target = std::str::from_utf8(target).ok()?;
                if !target.starts_with("refs/") || target.contains("..") || target.ends_with('/') {
                    return None;
                }
                name = target.to_string();
                continue;
            }
            return if value.len() == 40 { parse_oid(value).map(Some) } else { None };
        }
        None
    }

    fn packed_ref(&self, name: &str) -> Option<Option<Oid>> {
        let text = match std::fs::read(self.common.join("packed-refs")) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Some(None),
            Err(_) => return None,
        };
        for line in text.split(|&b| b == b'\n') {
            if line.len() > 41 && line[40] == b' ' && &line[41..] == name.as_bytes() {
                return parse_oid(&line[..40]).map(Some);
            }
        }
        Some(None)
    }

    /// True when attributes could apply to any of `paths` (relative to the top): a
    /// `.gitattributes` in the work tree or the index in any of their directories, or one of the
    /// repository-wide or user files. `in_index` answers whether the index holds a path.
    pub fn attributes_may_apply<'p>(
        &self,
        paths: impl Iterator<Item = &'p [u8]>,
        in_index: impl Fn(&[u8]) -> bool,
    ) -> bool {
        let env = |k: &str| std::env::var_os(k).filter(|v| !v.is_empty()).map(PathBuf::from);
        let home = env("HOME");
        let xdg = env("XDG_CONFIG_HOME").or_else(|| home.map(|h| h.join(".config")));
        let global = [
            Some(self.common.join("info/attributes")),
            xdg.map(|x| x.join("git/attributes")),
            Some("/etc/gitattributes".into()),
        ];
        if global.iter().flatten().any(|p| p.symlink_metadata().is_ok()) {
            return true;
        }
        let mut seen = std::collections::HashSet::new();
        for path in paths {
            let dirs = std::iter::once(0).chain(memchr::memchr_iter(b'/', path));
            for end in dirs {
                if !seen.insert(&path[..end]) {
                    continue;
                }
                let mut candidate = path[..end].to_vec();
                if end > 0 {
                    candidate.push(b'/');
                }
                candidate.extend_from_slice(b".gitattributes");
                if in_index(&candidate)
                    || self.top.join(super::diff::path_from_bytes(&candidate)).symlink_metadata().is_ok()
                {
                    return true;
                }
            }
        }
        false
    }
}

/// The work tree top and git directory found by walking up from `start` (canonical), as git's
/// discovery does when nothing in the environment says where they are.
fn find_git_dir(start: &Path) -> Option<(PathBuf, PathBuf)> {
    let dev = |p: &Path| -> Option<u64> { Some(std::os::unix::fs::MetadataExt::dev(&std::fs::metadata(p).ok()?)) };
    let start_dev = dev(start);
    let mut top = None;
    for d in start.ancestors() {
        // git stops at a file-system boundary (GIT_DISCOVERY_ACROSS_FILESYSTEM unset).
        if dev(d) != start_dev {
            return None;
        }
        if d.join(".git").symlink_metadata().is_ok() {
            top = Some(d.to_path_buf());
            break;
        }
    }
    let top = top?;
    let dot_git = top.join(".git");
    let meta = dot_git.symlink_metadata().ok()?;
    let git_dir = if meta.is_dir() {
        dot_git
    } else if meta.is_file() {
        let text = std::fs::read_to_string(&dot_git).ok()?;
        let target = text.strip_prefix("gitdir: ")?.trim_end_matches(['\n', '\r']);
        std::fs::canonicalize(top.join(target)).ok()?
    } else {
        return None;
    };
    Some((top, git_dir))
}

/// The `section.key=value` pairs of `GIT_CONFIG_PARAMETERS` (what `git -c` passes to hooks) as
/// config text, `None` when it can't be read for sure.
fn config_parameters(params: &str) -> Option<String> {
    let mut words: Vec<(String, bool)> = Vec::new();
    let mut chars = params.chars().peekable();
    loop {
        while chars.next_if(|c| c.is_whitespace()).is_some() {}
        let Some(c) = chars.next() else { break };
        if c != '\'' {
            return None;
        }
        let mut word = String::new();
        loop {
            match chars.next()? {
                '\'' if chars.peek() == Some(&'\\') => {
                    chars.next();
                    (chars.next()? == '\'' && chars.next()? == '\'').then_some(())?;
                    word.push('\'');
                }
                '\'' => break,
                c => word.push(c),
            }
        }
        let joined = chars.next_if_eq(&'=').is_some();
        words.push((word, joined));
    }
    let mut text = String::new();
    let mut it = words.into_iter();
    while let Some((word, joined)) = it.next() {
        let (key, value) = if joined {
            (word, it.next()?.0)
        } else {
            word.split_once('=').map(|(k, v)| (k.to_string(), v.to_string()))?
        };
        let (section, name) = key.rsplit_once('.')?;
        let header = match section.split_once('.') {
            Some((s, sub)) => format!("[{s} \"{sub}\"]"),
            None => format!("[{section}]"),
        };
        if value.contains(['\n', '\\']) {
            return None;
        }
        text.push_str(&format!("{header}\n{name} = {value}\n"));
    }
    Some(text)
}

/// Refs each worktree keeps for itself (the rest live in the common directory).
fn per_worktree(name: &str) -> bool {
    name == "HEAD" || ["refs/bisect/", "refs/worktree/", "refs/rewritten/"].iter().any(|p| name.starts_with(p))
}

fn owned_by_us(p: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    // SAFETY: geteuid has no preconditions.
    std::fs::metadata(p).is_ok_and(|m| m.uid() == unsafe { libc::geteuid() })
}

/// `diff.*` keys that leave `git diff --cached --raw -p` with hoist's flags as it is.
const HARMLESS_DIFF_KEYS: &[&str] = &[
    "tool",
    "guitool",
    "mnemonicprefix",
    "noprefix",
    "srcprefix",
    "dstprefix",
    "relative",
    "external",
    "statgraphwidth",
    "dirstat",
    "wordregex",
    "context",
    "interhunkcontext",
    "suppressblankempty",
    "autorefreshindex",
    "trustexitcode",
    "colormoved",
    "colormovedws",
];

/// True when a config file's text sets nothing that could change the staged diff or where git
/// finds things: no includes, extensions, work tree or bare settings, diff algorithm or options,
/// big-file threshold, attribute sources; a value continued with `\` is refused outright (a
/// continued line could hide a section header from this reader).
pub fn plain_config(text: &str) -> bool {
    let mut section = String::new();
    for raw in text.lines() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
            continue;
        }
        if line.ends_with('\\') {
            return false;
        }
        let mut rest = line;
        if let Some(after) = line.strip_prefix('[') {
            let Some(close) = after.find(']') else { return false };
            let header = &after[..close];
            // `[diff "driver"]` subsections only matter through attributes (refused elsewhere).
            section = match header.split_once([' ', '\t']) {
                Some((name, _)) => format!("{}.*", name.to_ascii_lowercase()),
                None => header.to_ascii_lowercase(),
            };
            if section.starts_with("include") || section.starts_with("extensions") || section.starts_with("attr") {
                return false;
            }
            rest = after[close + 1..].trim();
            if rest.is_empty() || rest.starts_with('#') || rest.starts_with(';') {
                continue;
            }
        }
        let (key, value) = rest.split_once('=').map_or((rest, ""), |(k, v)| (k.trim(), v.trim()));
        let key = key.to_ascii_lowercase();
        let truthy = !matches!(value.to_ascii_lowercase().as_str(), "false" | "no" | "off" | "0");
        let refused = match section.as_str() {
            "core" => {
                matches!(key.as_str(), "worktree" | "bigfilethreshold" | "attributesfile")
                    || (key == "bare" && truthy)
                    || (key == "repositoryformatversion" && !matches!(value, "0" | "1"))
            }
            "diff" => !HARMLESS_DIFF_KEYS.contains(&key.as_str()) && !key.starts_with("color"),
            s if s.contains('.') && !s.ends_with(".*") => {
                // `[core.x]`-style dotted sections: only refuse the ones that could matter.
                s.starts_with("diff") || s.starts_with("core")
            }
            _ => false,
        };
        if refused {
            return false;
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::{config_parameters, plain_config};

    #[test]
    fn command_line_config_is_read() {
        let text = config_parameters("'user.name'='a' 'user.email'='a@b'").unwrap();
        assert_eq!(text, "[user]\nname = a\n[user]\nemail = a@b\n");
        assert!(plain_config(&text));
        let text = config_parameters("'diff.algorithm'='histogram'").unwrap();
        assert!(!plain_config(&text));
        let text = config_parameters("'core.bigfilethreshold=1'").unwrap();
        assert!(!plain_config(&text));
        assert_eq!(config_parameters("'x.y'='it'\\''s'").unwrap(), "[x]\ny = it's\n");
        assert!(config_parameters("bare").is_none());
    }

    #[test]
    fn only_configs_that_leave_the_diff_alone_are_plain() {
        let init =
            "[core]\n\trepositoryformatversion = 0\n\tfilemode = true\n\tbare = false\n\tlogallrefupdates = true\n";
        assert!(plain_config(init));
        assert!(plain_config("[user]\n\tname = x\n[credential \"https://h\"]\n\thelper = y\n"));
        assert!(plain_config("[diff]\n\tcolorMoved = zebra\n\ttool = vimdiff\n[diff \"lfs\"]\n\ttextconv = cat\n"));
        assert!(!plain_config("[diff]\n\talgorithm = histogram\n"));
        assert!(!plain_config("[diff]\n\tindentHeuristic = false\n"));
        assert!(!plain_config("[Diff]\nOrderFile = x\n"));
        assert!(!plain_config("[core]\n\tbigFileThreshold = 1k\n"));
        assert!(!plain_config("[core]\n\tbare\n"));
        assert!(!plain_config("[core]\n\tworktree = /x\n"));
        assert!(!plain_config("[extensions]\n\tobjectformat = sha256\n"));
        assert!(!plain_config("[include]\n\tpath = x\n"));
        assert!(!plain_config("[includeIf \"gitdir:~/w/\"]\n\tpath = w.inc\n"));
        assert!(!plain_config("[attr]\n\ttree = HEAD\n"));
        assert!(!plain_config("[user]\n\tname = a \\\n[diff]\n"));
        assert!(!plain_config("[core] bigfilethreshold = 1\n"));
    }
}
