//! What a commit would add: the staged file list and, for each file, the new-side lines the
//! commit adds or changes and its whole staged content — parsed from one `git diff --cached --raw
//! -z -p` with unlimited context (each text file's one hunk is the whole file, so the hook needs no
//! second read from the object store). Also the one owner of the flags every git diff hoist reads
//! is run with (the staged diff, the history log).

use std::path::PathBuf;

/// File mode of a submodule (gitlink) entry.
pub const MODE_GITLINK: u32 = 0o160000;
/// File mode of a symbolic link entry.
pub const MODE_SYMLINK: u32 = 0o120000;

/// The flags of every diff hoist parses (`git diff --cached` for the hook, `git log` for history):
/// raw records, NUL-separated, full object ids, renames detected, deletions left out (nothing to
/// scan there), and every option user config could change pinned (colour, external diff drivers,
/// textconv filters, relative paths, submodule handling).
pub const RAW_DIFF_FLAGS: &[&str] = &[
    "--raw",
    "-z",
    "--no-abbrev",
    "--no-color",
    "--no-ext-diff",
    "--no-textconv",
    "--no-relative",
    "--ignore-submodules=none",
    "-M",
    "--diff-filter=ACMRT",
];

/// Added to [`RAW_DIFF_FLAGS`] when the added lines are wanted too: the patch with unlimited
/// context, so a text file's hunk holds every staged line (` ` kept, `+` added) and its content
/// comes with its new lines.
pub const PATCH_FLAGS: &[&str] = &["-p", "--unified=2147483647", "--inter-hunk-context=0"];

/// Lines (1-based, inclusive ranges, sorted, disjoint) that a commit adds to a file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LineSet {
    ranges: Vec<(usize, usize)>,
}

impl LineSet {
    /// Adds one line, merging with the last range when adjacent (lines arrive in order).
    pub fn push(&mut self, line: usize) {
        match self.ranges.last_mut() {
            Some((_, end)) if *end + 1 >= line && line >= *end => *end = line,
            _ => {
                self.ranges.push((line, line));
                self.ranges.sort_unstable();
            }
        }
    }

    /// True when any line in `first..=last` was added.
    pub fn touches(&self, first: usize, last: usize) -> bool {
        let i = self.ranges.partition_point(|&(_, end)| end < first);
        self.ranges.get(i).is_some_and(|&(start, _)| start <= last)
    }

    /// True when no line was added.
    pub fn is_empty(&self) -> bool {
        self.ranges.is_empty()
    }

    /// The ranges.
    pub fn ranges(&self) -> &[(usize, usize)] {
        &self.ranges
    }
}

/// Which of a staged file's lines count as new.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NewLines {
    /// Exactly these lines.
    Some(LineSet),
    /// Every line: git treated the file as binary (by content or by `-diff` attributes), so there
    /// are no hunks to narrow it down — the scanner decides whether it is really binary.
    All,
}

impl NewLines {
    /// True when a finding spanning `first..=last` lies on new lines.
    pub fn touches(&self, first: usize, last: usize) -> bool {
        match self {
            NewLines::Some(set) => set.touches(first, last),
            NewLines::All => true,
        }
    }
}

/// One staged file that the commit adds or changes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StagedFile {
    /// Path in the commit, relative to the top of the work tree.
    pub path: PathBuf,
    /// The path it was renamed or copied from.
    pub from: Option<PathBuf>,
    /// git's status letter: `A`, `C`, `M`, `R` or `T`.
    pub status: char,
    /// New file mode (`0o100644`, `0o160000` for a submodule…).
    pub mode: u32,
    /// The staged blob's id.
    pub blob: String,
    /// The blob it replaces (the old side of a modification, the source of a rename or copy);
    /// `None` for an added file.
    pub old_blob: Option<String>,
    /// The new lines.
    pub lines: NewLines,
    /// git called it binary.
    pub git_binary: bool,
    /// The staged content, when the patch carried it whole (a text file's hunk, or an added empty
    /// file); `None`: read it from the object store (binary, a rename or mode change alone, a log).
    pub content: Option<StagedContent>,
}

/// A staged file's bytes as the patch carried them. `Debug` shows only the length: they may hold
/// the very secret the hook is looking for.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct StagedContent(pub Vec<u8>);

impl std::fmt::Debug for StagedContent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "StagedContent(<{} bytes>)", self.0.len())
    }
}

/// Parses the `--raw -z -p` output: NUL-separated raw records, then the patch text.
pub fn parse(out: &[u8]) -> Result<Vec<StagedFile>, String> {
    let (mut files, consumed) = raw_records(out, true)?.unwrap_or_default();
    let patch = out.get(consumed..).unwrap_or_default();
    let patch = patch.strip_prefix(b"\0").unwrap_or(patch);
    let sections = split_sections(patch);
    if sections.len() != files.len() {
        // Can't pair hunks with files: treat every line of every file as new rather than guess.
        for f in &mut files {
            f.lines = NewLines::All;
        }
        return Ok(files);
    }
    for (file, section) in files.iter_mut().zip(sections) {
        let (lines, binary, content) = parse_section(section)?;
        file.lines = lines;
        file.git_binary = binary;
        // An added file with no hunk and not binary is empty.
        file.content = content.or_else(|| (file.status == 'A' && !binary).then(StagedContent::default));
    }
    Ok(files)
}

/// The raw records at the start of `out` and the bytes they take. For output still streaming in
/// (`at_end` false), `None` until the raw section is known to be over: a record counts once the
/// NUL after its last path has arrived, and the section ends at the first field that doesn't
/// start with `:` (the empty field before the patch).
pub fn raw_records(out: &[u8], at_end: bool) -> Result<Option<(Vec<StagedFile>, usize)>, String> {
    let mut files = Vec::new();
    let mut pos = 0usize;
    // The field at `pos` and where the next starts, once it is whole.
    let field = |pos: usize| -> Option<(&[u8], usize)> {
        let rest = out.get(pos..).unwrap_or_default();
        match memchr::memchr(0, rest) {
            Some(n) => Some((&rest[..n], pos + n + 1)),
            None => at_end.then_some((rest, out.len().max(pos))),
        }
    };
    loop {
        match out.get(pos) {
            Some(b':') => {}
            None if !at_end => return Ok(None),
            _ => return Ok(Some((files, pos))),
        }
        let Some((meta, next)) = field(pos) else { return Ok(None) };
        let mut file = raw_record(meta)?;
        let mut at = next;
        let mut path = |what: &'static str| -> Result<Option<PathBuf>, String> {
            match field(at) {
                Some((p, next)) if at < out.len() => {
                    at = next;
                    Ok(Some(path_from_bytes(p)))
                }
                _ if at_end => Err(what.to_string()),
                _ => Ok(None),
            }
        };
        if file.has_source() {
            let (Some(from), Some(to)) = (path("rename without source")?, path("rename without target")?) else {
                return Ok(None);
            };
            (file.from, file.path) = (Some(from), to);
        } else {
            let Some(p) = path("record without path")? else { return Ok(None) };
            file.path = p;
        }
        files.push(file);
        pos = at;
    }
}

#[cfg(unix)]
pub fn path_from_bytes(b: &[u8]) -> PathBuf {
    use std::os::unix::ffi::OsStrExt;
    PathBuf::from(std::ffi::OsStr::from_bytes(b))
}

#[cfg(not(unix))]
pub fn path_from_bytes(b: &[u8]) -> PathBuf {
    PathBuf::from(String::from_utf8_lossy(b).into_owned())
}

/// The line that starts each file's section of a patch.
pub const SECTION_HEADER: &[u8] = b"diff --git ";

/// Splits patch text at each `diff --git ` header (which never starts a hunk line: those begin
/// with `+`, `-`, ` ` or `\`).
fn split_sections(patch: &[u8]) -> Vec<&[u8]> {
    let mut starts = Vec::new();
    let mut pos = 0;
    while pos < patch.len() {
        if patch[pos..].starts_with(SECTION_HEADER) {
            starts.push(pos);
        }
        pos = match memchr::memchr(b'\n', &patch[pos..]) {
            Some(n) => pos + n + 1,
            None => patch.len(),
        };
    }
    starts.iter().enumerate().map(|(i, &s)| &patch[s..starts.get(i + 1).copied().unwrap_or(patch.len())]).collect()
}

/// One raw record's metadata (`:100644 100644 <old id> <new id> M`, without its NUL) as a file with
/// no path and no lines yet; the path(s) follow it in the stream ([`StagedFile::has_source`]: two).
pub fn raw_record(meta: &[u8]) -> Result<StagedFile, String> {
    let meta = std::str::from_utf8(meta).map_err(|_| "raw record is not UTF-8".to_string())?;
    let parts: Vec<&str> = meta.strip_prefix(':').unwrap_or(meta).split(' ').collect();
    let [_old_mode, new_mode, old_id, new_id, status] = parts[..] else {
        return Err(format!("bad raw record {meta:?}"));
    };
    let letter = status.chars().next().ok_or("empty status")?;
    Ok(StagedFile {
        path: PathBuf::new(),
        from: None,
        status: letter,
        mode: u32::from_str_radix(new_mode, 8).map_err(|_| format!("bad mode {new_mode:?}"))?,
        blob: new_id.to_string(),
        old_blob: (!old_id.bytes().all(|b| b == b'0')).then(|| old_id.to_string()),
        lines: NewLines::Some(LineSet::default()),
        git_binary: false,
        content: None,
    })
}

impl StagedFile {
    /// True for renames and copies, whose raw record names a source path before the path.
    pub fn has_source(&self) -> bool {
        matches!(self.status, 'R' | 'C')
    }
}

/// Reads one file's patch line by line (lines without their `\n`): which new-side lines it adds,
/// whether git called the file binary, and the new side's bytes (context and added lines: with
/// unlimited context, the whole file). Used for a staged diff and for each commit of a log.
#[derive(Debug, Default)]
pub struct SectionLines {
    set: LineSet,
    in_hunk: bool,
    next_new: usize,
    /// Old- and new-side lines the current hunk still holds (from its header).
    old_left: usize,
    new_left: usize,
    /// The last hunk line was on the new side (a `\ No newline` after it ends the new file).
    last_new: bool,
    /// Hunks seen, and the new-side start of the first: the content is the whole file only when
    /// one hunk starts at the top (unlimited context), never from `-U0` pieces.
    hunks: usize,
    first_start: usize,
    binary: bool,
    content: Option<Vec<u8>>,
}

impl SectionLines {
    /// Takes the next line of the section.
    pub fn line(&mut self, line: &[u8]) -> Result<(), String> {
        if self.binary {
            return Ok(());
        }
        if self.in_hunk && line.starts_with(b"\\") {
            // `\ No newline at end of file` for the line before it.
            if self.last_new
                && let Some(c) = &mut self.content
            {
                c.pop();
            }
            return Ok(());
        }
        if self.in_hunk && (self.old_left > 0 || self.new_left > 0) {
            let content = self.content.get_or_insert_with(Vec::new);
            // An empty line is an empty context line (`diff.suppressBlankEmpty`).
            let (old, new, added) = match line.first() {
                Some(b'+') => (0, 1, true),
                Some(b'-') => (1, 0, false),
                Some(b' ') | None => (1, 1, false),
                Some(_) => return Err(format!("bad hunk line {:?}", String::from_utf8_lossy(line))),
            };
            if new == 1 {
                if added {
                    self.set.push(self.next_new);
                }
                self.next_new += 1;
                content.extend_from_slice(line.get(1..).unwrap_or_default());
                content.push(b'\n');
            }
            self.old_left = self.old_left.saturating_sub(old);
            self.new_left = self.new_left.saturating_sub(new);
            self.last_new = new == 1;
            return Ok(());
        }
        if line.starts_with(b"@@ ") {
            let h = hunk_header(line)?;
            (self.next_new, self.old_left, self.new_left) = (h.new_start, h.old_lines, h.new_lines);
            self.in_hunk = true;
            self.hunks += 1;
            if self.hunks == 1 {
                self.first_start = h.new_start;
            }
            self.content.get_or_insert_with(Vec::new);
            return Ok(());
        }
        if !self.in_hunk && (line.starts_with(b"Binary files ") || line == b"GIT binary patch") {
            self.binary = true;
        }
        Ok(())
    }

    /// The new lines (all of them for a binary file), whether git called it binary, and the new
    /// side's bytes when a hunk carried them.
    pub fn finish(self) -> (NewLines, bool, Option<StagedContent>) {
        if self.binary {
            (NewLines::All, true, None)
        } else {
            let whole = self.hunks == 1 && self.first_start <= 1;
            (NewLines::Some(self.set), false, self.content.filter(|_| whole).map(StagedContent))
        }
    }
}

/// New-side lines of one file's patch, whether git called it binary, and its new-side bytes.
pub fn parse_section(section: &[u8]) -> Result<(NewLines, bool, Option<StagedContent>), String> {
    let mut lines = SectionLines::default();
    // The section's last `\n` ends its last line; nothing follows it.
    let body = section.strip_suffix(b"\n").unwrap_or(section);
    for line in body.split(|&b| b == b'\n') {
        lines.line(line)?;
    }
    Ok(lines.finish())
}

/// A hunk header's numbers.
struct HunkHeader {
    new_start: usize,
    old_lines: usize,
    new_lines: usize,
}

/// Parses `@@ -a[,b] +c[,d] @@…` (a missing count is 1).
fn hunk_header(header: &[u8]) -> Result<HunkHeader, String> {
    let text = String::from_utf8_lossy(header);
    let bad = || format!("bad hunk header {text:?}");
    let mut words = text.split(' ').skip(1);
    let (old, new) = (words.next().ok_or_else(bad)?, words.next().ok_or_else(bad)?);
    let range = |w: &str, sign: char| -> Result<(usize, usize), String> {
        let w = w.strip_prefix(sign).ok_or_else(bad)?;
        let (start, count) = w.split_once(',').unwrap_or((w, "1"));
        Ok((start.parse().map_err(|_| bad())?, count.parse().map_err(|_| bad())?))
    };
    let ((_, old_lines), (new_start, new_lines)) = (range(old, '-')?, range(new, '+')?);
    Ok(HunkHeader { new_start, old_lines, new_lines })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_sets_merge_and_answer_overlaps() {
        let mut s = LineSet::default();
        for l in [3, 4, 5, 9, 20] {
            s.push(l);
        }
        assert_eq!(s.ranges(), &[(3, 5), (9, 9), (20, 20)]);
        assert!(s.touches(5, 5));
        assert!(s.touches(1, 3));
        assert!(s.touches(6, 9));
        assert!(!s.touches(6, 8));
        assert!(!s.touches(21, 30));
        assert!(!s.touches(1, 2));
    }

    #[test]
    fn parses_raw_records_and_hunks() {
        let mut out = Vec::new();
        out.extend_from_slice(b":100644 100644 aaaa bbbb M\0app.py\0");
        out.extend_from_slice(b":100644 100644 cccc dddd R087\0old name.txt\0new name.txt\0");
        out.extend_from_slice(b":000000 100644 0000 eeee A\0img.png\0");
        out.extend_from_slice(b":000000 160000 0000 ffff A\0sub\0");
        out.push(0);
        out.extend_from_slice(
            b"diff --git a/app.py b/app.py\nindex aaaa..bbbb 100644\n--- a/app.py\n+++ b/app.py\n\
@@ -3 +3 @@ def f():\n-    x = 1\n+    x = 2\n@@ -10,0 +11,2 @@\n+a\n+b\n\
diff --git a/old name.txt b/new name.txt\nsimilarity index 87%\nrename from old name.txt\nrename to new name.txt\n\
@@ -1,0 +2 @@\n+added\n\\ No newline at end of file\n\
diff --git a/img.png b/img.png\nnew file mode 100644\nindex 0000..eeee\nBinary files /dev/null and b/img.png differ\n\
diff --git a/sub b/sub\nnew file mode 160000\nindex 0000..ffff\n--- /dev/null\n+++ b/sub\n@@ -0,0 +1 @@\n+Subproject commit ffff\n",
        );
        let files = parse(&out).unwrap();
        assert_eq!(files.len(), 4);
        assert_eq!(files[0].path, PathBuf::from("app.py"));
        assert_eq!((files[0].blob.as_str(), files[0].old_blob.as_deref()), ("bbbb", Some("aaaa")));
        assert_eq!(files[2].old_blob, None, "an added file replaces nothing");
        let NewLines::Some(s) = &files[0].lines else { panic!() };
        assert_eq!(s.ranges(), &[(3, 3), (11, 12)]);
        assert_eq!(files[1].status, 'R');
        assert_eq!(files[1].from, Some(PathBuf::from("old name.txt")));
        assert_eq!(files[1].path, PathBuf::from("new name.txt"));
        let NewLines::Some(s) = &files[1].lines else { panic!() };
        assert_eq!(s.ranges(), &[(2, 2)]);
        assert!(files[2].git_binary);
        assert_eq!(files[2].lines, NewLines::All);
        assert_eq!(files[3].mode, MODE_GITLINK);
        assert_eq!(files[3].blob, "ffff");
    }

    #[test]
    fn context_lines_inside_merged_hunks_are_not_new() {
        let (lines, _, content) = parse_section(b"diff --git a/x b/x\n@@ -1,3 +1,3 @@\n-a\n+A\n b\n-c\n+C\n").unwrap();
        assert_eq!(content, Some(StagedContent(b"A\nb\nC\n".to_vec())));
        let NewLines::Some(s) = lines else { panic!() };
        assert_eq!(s.ranges(), &[(1, 1), (3, 3)]);
    }

    #[test]
    fn content_is_the_new_side_of_one_whole_file_hunk_only() {
        // No newline at the end of the new side; an empty context line printed bare
        // (`diff.suppressBlankEmpty`); an old-side `\` that doesn't touch the new side.
        let (lines, _, content) =
            parse_section(b"diff --git a/x b/x\n@@ -1,3 +1,3 @@\n a\n\n-c\n\\ No newline at end of file\n+C\n\\ No newline at end of file\n")
                .unwrap();
        assert_eq!(content, Some(StagedContent(b"a\n\nC".to_vec())));
        let NewLines::Some(s) = lines else { panic!() };
        assert_eq!(s.ranges(), &[(3, 3)]);
        // `-U0` pieces are not the file.
        let (_, _, content) = parse_section(b"diff --git a/x b/x\n@@ -3 +3 @@\n-a\n+b\n").unwrap();
        assert_eq!(content, None);
        let (_, _, content) = parse_section(b"diff --git a/x b/x\n@@ -1 +1 @@\n-a\n+b\n@@ -9 +9 @@\n-a\n+b\n").unwrap();
        assert_eq!(content, None);
        // Binary: nothing carried.
        let (lines, binary, content) =
            parse_section(b"diff --git a/x b/x\nindex 1..2\nBinary files a/x and b/x differ\n").unwrap();
        assert_eq!((lines, binary, content), (NewLines::All, true, None));
        // A new file's content comes whole; its debug form never shows it.
        let (_, _, content) = parse_section(b"diff --git a/x b/x\n@@ -0,0 +1,2 @@\n+k=Zq8-Pl4nted\n+\n").unwrap();
        let content = content.unwrap();
        assert_eq!(content.0, b"k=Zq8-Pl4nted\n\n");
        assert_eq!(format!("{content:?}"), "StagedContent(<15 bytes>)");
    }

    #[test]
    fn unpaired_patch_falls_back_to_all_lines() {
        let out = b":000000 100644 0000 eeee A\0a.txt\0\0";
        let files = parse(out).unwrap();
        assert_eq!(files[0].lines, NewLines::All);
    }

    #[test]
    fn empty_output_is_no_files() {
        assert!(parse(b"").unwrap().is_empty());
    }
}
