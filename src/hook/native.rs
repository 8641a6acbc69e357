//! The staged changes read in-process, for a pre-commit hook that must not wait ~12–15 ms for
//! `git diff --cached` on a large index: the index file against HEAD's tree (skipping every
//! directory whose cache-tree id matches HEAD's), the blobs from loose objects and packs, and the
//! new lines from [`super::xdiff`]. It answers exactly what [`super::staged::staged_files_git`]
//! would — the same files, order, statuses, ids, new lines and content — or `None`, and the hook
//! runs git: a repository or change it isn't certain about (renames possible, type changes,
//! attributes, unusual config or environment, index features, missing objects…). A file whose
//! new lines [`super::xdiff`] can't be sure of (edits in several places) gets them from git's diff
//! of its two blobs, which needs no index.

use super::diff::{LineSet, MODE_GITLINK, NewLines, StagedContent, StagedFile, path_from_bytes};
use super::git::{EMPTY_TREE, Git};
use super::index::Index;
use super::odb::{Kind, Odb, Oid, parse_oid};
use super::repo::Repo;
use super::staged::MANY_ADDED;

/// git calls a file binary when its first this many bytes hold a NUL (`buffer_is_binary`).
const FIRST_FEW_BYTES: usize = 8000;
/// Files over git's default `core.bigFileThreshold` are binary to git; leave those to it.
const BIG_FILE: usize = 512 << 20;

/// One staged change before its content is read.
struct Change {
    entry: usize,
    status: char,
    old: Option<(u32, Oid)>,
}

/// The staged files as git's diff would give them, or `None` when unsure (see the module note).
pub fn staged_files(git: &Git) -> Option<Vec<StagedFile>> {
    let repo = Repo::discover(git.dir())?;
    super::times::mark("native: repository found");
    let index = Index::open(&repo.index).ok()?;
    super::times::mark("native: index parsed");
    let odb = Odb::new(repo.common.join("objects"));
    let tree = match repo.head()? {
        Some(commit) => Some(commit_tree(&odb, &commit)?),
        None => None,
    };
    let mut walk = Walk { index: &index, odb: &odb, changes: Vec::new(), deleted: false };
    walk.dir(tree, b"", 0, index.entries.len(), index.cache_root())?;
    let Walk { changes, deleted, .. } = walk;
    super::times::mark("native: trees compared");
    let added = changes.iter().filter(|c| c.status == 'A').count();
    // An addition and a deletion may be a rename (`-M`): git's similarity scoring decides.
    if deleted && added > 0 {
        return None;
    }
    let paths = changes.iter().map(|c| index.path(c.entry));
    if repo.attributes_may_apply(paths, |p| find(&index, p).is_some()) {
        return None;
    }
    let regular_added = changes.iter().filter(|c| c.status == 'A' && regular(index.mode(c.entry))).count();
    let many = regular_added >= MANY_ADDED;
    let mut files = Vec::with_capacity(changes.len());
    let mut ask = Vec::new();
    for c in &changes {
        let (f, unsure) = file(&index, &odb, c, many)?;
        if unsure {
            ask.push(files.len());
        }
        files.push(f);
    }
    if !ask.is_empty() {
        super::times::mark("native: asking git for some files' lines");
        git_lines(git, &mut files, &ask)?;
    }
    if many {
        files.sort_by(|a, b| a.path.cmp(&b.path));
    }
    super::times::mark("native: blobs diffed");
    Some(files)
}

fn regular(mode: u32) -> bool {
    matches!(mode, 0o100644 | 0o100755)
}

/// git's canonical form of a tree entry's mode (`canon_mode`).
fn canon(mode: u32) -> u32 {
    match mode & 0o170000 {
        0o100000 => 0o100000 | if mode & 0o100 != 0 { 0o755 } else { 0o644 },
        0o120000 => 0o120000,
        0o040000 => 0o040000,
        _ => MODE_GITLINK,
    }
}

/// The index entry at `path`, by binary search.
fn find(index: &Index, path: &[u8]) -> Option<usize> {
    let (mut lo, mut hi) = (0, index.entries.len());
    while lo < hi {
        let mid = (lo + hi) / 2;
        match index.path(mid).cmp(path) {
            std::cmp::Ordering::Less => lo = mid + 1,
            std::cmp::Ordering::Greater => hi = mid,
            std::cmp::Ordering::Equal => return Some(mid),
        }
    }
    None
}

fn commit_tree(odb: &Odb, commit: &Oid) -> Option<Oid> {
    let data = odb.read_kind(commit, Kind::Commit).ok()?;
    parse_oid(data.strip_prefix(b"tree ")?.get(..40)?)
}

/// One tree's entries: mode, name, id.
fn tree_entries(data: &[u8]) -> Option<Vec<(u32, &[u8], Oid)>> {
    let mut out = Vec::new();
    let mut rest = data;
    while !rest.is_empty() {
        let sp = memchr::memchr(b' ', rest)?;
        let mode = u32::from_str_radix(std::str::from_utf8(&rest[..sp]).ok()?, 8).ok()?;
        let nul = memchr::memchr(0, &rest[sp..])? + sp;
        let oid: Oid = rest.get(nul + 1..nul + 21)?.try_into().ok()?;
        out.push((mode, &rest[sp + 1..nul], oid));
        rest = &rest[nul + 21..];
    }
    Some(out)
}

struct Walk<'a> {
    index: &'a Index,
    odb: &'a Odb,
    changes: Vec<Change>,
    deleted: bool,
}

impl Walk<'_> {
    /// Compares HEAD's tree `tree` (none: the directory is new) with index entries `lo..hi`, all
    /// under `prefix` (empty or ending in `/`), in index order. `None`: git decides.
    fn dir(&mut self, tree: Option<Oid>, prefix: &[u8], lo: usize, hi: usize, cache: Option<usize>) -> Option<()> {
        // The cache-tree says these entries make the very tree HEAD has here: nothing changed.
        if let (Some(t), Some(c)) = (tree, cache)
            && self.index.cache_valid(c) == Some((t, hi - lo))
        {
            return Some(());
        }
        let empty = parse_oid(EMPTY_TREE.as_bytes())?;
        let data = match tree {
            Some(t) if t != empty => self.odb.read_kind(&t, Kind::Tree).ok()?,
            _ => Vec::new(),
        };
        let children = cache.map(|c| self.index.cache_children(c)).unwrap_or_default();
        let child = |name: &[u8]| children.binary_search_by(|(n, _)| (*n).cmp(name)).ok().map(|k| children[k].1);
        let mut i = lo;
        for (mode, name, oid) in tree_entries(&data)? {
            let is_dir = mode & 0o170000 == 0o040000;
            let mut matched = false;
            while i < hi {
                let path = self.index.path(i);
                let rest = &path[prefix.len()..];
                let key = match memchr::memchr(b'/', rest) {
                    Some(k) => &rest[..=k],
                    None => rest,
                };
                match key.iter().copied().cmp(name.iter().copied().chain(is_dir.then_some(b'/'))) {
                    std::cmp::Ordering::Less => i = self.added(prefix, i, hi),
                    std::cmp::Ordering::Greater => break,
                    std::cmp::Ordering::Equal if is_dir => {
                        let sub = path[..prefix.len() + key.len()].to_vec();
                        let end = self.group_end(&sub, i, hi);
                        self.dir(Some(oid), &sub, i, end, child(name))?;
                        (i, matched) = (end, true);
                        break;
                    }
                    std::cmp::Ordering::Equal => {
                        let (new_mode, old_mode) = (canon(self.index.mode(i)), canon(mode));
                        if new_mode != old_mode || self.index.oid(i) != oid {
                            if new_mode & 0o170000 != old_mode & 0o170000 {
                                // A type change: git's patch shows it as a deletion and an addition.
                                return None;
                            }
                            self.changes.push(Change { entry: i, status: 'M', old: Some((old_mode, oid)) });
                        }
                        (i, matched) = (i + 1, true);
                        break;
                    }
                }
            }
            // A tree entry no index entry matched is a deletion.
            self.deleted |= !matched;
        }
        while i < hi {
            i = self.added(prefix, i, hi);
        }
        Some(())
    }

    /// Records the index entry at `i` (or every entry of the directory it starts) as added;
    /// returns the next index.
    fn added(&mut self, prefix: &[u8], i: usize, hi: usize) -> usize {
        let rest = &self.index.path(i)[prefix.len()..];
        let end = match memchr::memchr(b'/', rest) {
            Some(k) => self.group_end(&self.index.path(i)[..prefix.len() + k + 1], i, hi),
            None => i + 1,
        };
        for entry in i..end {
            self.changes.push(Change { entry, status: 'A', old: None });
        }
        end
    }

    /// The end of the run of entries from `i` whose paths start with `dir` (ending in `/`).
    fn group_end(&self, dir: &[u8], i: usize, hi: usize) -> usize {
        let (mut lo, mut hi) = (i, hi);
        while lo < hi {
            let mid = (lo + hi) / 2;
            if self.index.path(mid).starts_with(dir) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        lo
    }
}

/// What a gitlink's side of a patch holds.
fn gitlink_text(oid: &Oid) -> Vec<u8> {
    format!("Subproject commit {}\n", hex::encode(oid)).into_bytes()
}

fn blob(odb: &Odb, mode: u32, oid: &Oid) -> Option<Vec<u8>> {
    if mode == MODE_GITLINK {
        return Some(gitlink_text(oid));
    }
    let data = odb.read_kind(oid, Kind::Blob).ok()?;
    (data.len() <= BIG_FILE).then_some(data)
}

fn is_binary(data: &[u8]) -> bool {
    memchr::memchr(0, &data[..data.len().min(FIRST_FEW_BYTES)]).is_some()
}

/// The staged file for one change, as git's raw record and patch section describe it, and
/// whether its new lines are still unknown ([`super::xdiff`] wasn't sure: [`git_lines`]).
fn file(index: &Index, odb: &Odb, c: &Change, many: bool) -> Option<(StagedFile, bool)> {
    let (mode, id) = (index.mode(c.entry), index.oid(c.entry));
    let mut f = StagedFile {
        path: path_from_bytes(index.path(c.entry)),
        from: None,
        status: c.status,
        mode,
        blob: hex::encode(id),
        old_blob: c.old.map(|(_, oid)| hex::encode(oid)),
        lines: NewLines::Some(LineSet::default()),
        git_binary: false,
        content: None,
    };
    if c.status == 'A' && many {
        // As the git path leaves them: content from the work tree, every line new.
        f.lines = NewLines::All;
        return Some((f, false));
    }
    let new = blob(odb, mode, &id)?;
    let old = match c.old {
        Some((_, oid)) if oid == id => return Some((f, false)),
        Some((mode, oid)) => blob(odb, mode, &oid)?,
        None => Vec::new(),
    };
    if is_binary(&new) || is_binary(&old) {
        f.lines = NewLines::All;
        f.git_binary = true;
        return Some((f, false));
    }
    let lines = super::xdiff::added_lines(&old, &new);
    let unsure = lines.is_none();
    f.lines = NewLines::Some(lines.unwrap_or_default());
    f.content = Some(StagedContent(new));
    Some((f, unsure))
}

/// The new lines of `files[i]` for each `i` in `ask` from git's own diff of the two blobs (one
/// `git diff <old> <new>` each, all started at once): no index to read, so ~3 ms of git's CPU
/// rather than the ~12 ms of a staged diff of a large index. No attributes apply to these paths
/// (checked), so the blob diff is the one the staged diff would print.
fn git_lines(git: &Git, files: &mut [StagedFile], ask: &[usize]) -> Option<()> {
    let mut children = Vec::with_capacity(ask.len());
    for &i in ask {
        let f = &files[i];
        let mut args = vec!["diff", "--no-color", "--no-ext-diff", "--no-textconv"];
        args.extend_from_slice(super::diff::PATCH_FLAGS);
        args.extend([f.old_blob.as_deref()?, f.blob.as_str()]);
        let args: Vec<String> = args.into_iter().map(str::to_string).collect();
        let child = git.spawn_stdout(&args.iter().map(String::as_str).collect::<Vec<_>>()).ok()?;
        children.push((i, args, child));
    }
    for (i, args, mut child) in children {
        let mut out = Vec::new();
        std::io::Read::read_to_end(child.stdout.as_mut()?, &mut out).ok()?;
        git.finish(&args.iter().map(String::as_str).collect::<Vec<_>>(), child).ok()?;
        let (lines, binary, content) = super::diff::parse_section(&out).ok()?;
        // The same bytes as the staged diff would carry, or this isn't the diff we think it is.
        if binary || content.as_ref() != files[i].content.as_ref() {
            return None;
        }
        files[i].lines = lines;
    }
    Some(())
}
