//! Parsing git's index file (`DIRC` v2, v3, v4) for the pre-commit hook: each entry's path, mode and
//! blob id, and the cache-tree (`TREE` extension) that lets the staged diff skip directories whose
//! tree ids match HEAD's. Whatever this doesn't fully understand — a split or sparse index, an
//! unknown required extension, extended flags (intent-to-add, skip-worktree), unmerged entries, a
//! truncated file — is an error, and the caller asks git. Like git, the trailing checksum is not
//! verified (git checks it only in `fsck`).

use super::odb::Oid;

/// One stage-0 index entry: where its path lies (in the file, or for v4 in [`Index`]'s own
/// buffer) and where the entry starts in the file (its mode and id are read from there).
#[derive(Clone, Copy, Debug)]
pub struct Entry {
    path: (u32, u32),
    at: u32,
}

/// The bytes of an index file: mapped, as git maps it (git replaces the file by renaming a new
/// one over it, never rewrites it in place), or owned.
enum Data {
    Map { ptr: *mut libc::c_void, len: usize },
    Owned(Vec<u8>),
}

// SAFETY: the mapping is read-only and private, owned by this value.
unsafe impl Send for Data {}
unsafe impl Sync for Data {}

impl Data {
    fn bytes(&self) -> &[u8] {
        match self {
            // SAFETY: `ptr` maps `len` readable bytes until drop.
            Data::Map { ptr, len } => unsafe { std::slice::from_raw_parts(*ptr as *const u8, *len) },
            Data::Owned(v) => v,
        }
    }
}

impl Drop for Data {
    fn drop(&mut self) {
        if let Data::Map { ptr, len } = self {
            // SAFETY: unmapping what `Index::open` mapped, once.
            unsafe { libc::munmap(*ptr, *len) };
        }
    }
}

/// A cache-tree node: a directory whose tree id is known while `entries >= 0`. Nodes sit in one
/// vector in the extension's pre-order, so a node's subtree is `self + 1 .. end`.
#[derive(Clone, Copy, Debug)]
struct TreeNode {
    /// The directory's name (one path component; empty for the root), in the file.
    name: (u32, u32),
    /// Index entries below it, or -1 when invalidated.
    entries: i64,
    /// Where its tree id lies in the file, when valid.
    oid_at: Option<u32>,
    /// The node after its subtree.
    end: u32,
}

/// A parsed index.
pub struct Index {
    data: Data,
    /// Index v4's paths, rebuilt from their shared prefixes.
    v4_paths: Option<Vec<u8>>,
    /// Entries in index order (sorted by path bytes).
    pub entries: Vec<Entry>,
    /// The cache-tree's nodes (empty without one).
    tree: Vec<TreeNode>,
}

impl Index {
    /// Maps and parses the index file at `path`.
    pub fn open(path: &std::path::Path) -> Result<Index, String> {
        let file = std::fs::File::open(path).map_err(|e| e.to_string())?;
        let len = file.metadata().map_err(|e| e.to_string())?.len() as usize;
        if len < 32 {
            return Err("index too short".into());
        }
        // SAFETY: a private read-only mapping of a file we opened; the fd may close after.
        let ptr = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                len,
                libc::PROT_READ,
                libc::MAP_PRIVATE,
                std::os::fd::AsRawFd::as_raw_fd(&file),
                0,
            )
        };
        if ptr == libc::MAP_FAILED {
            return Err("cannot map the index".into());
        }
        parse(Data::Map { ptr, len })
    }

    /// Parses index bytes held in memory.
    pub fn from_bytes(data: Vec<u8>) -> Result<Index, String> {
        parse(Data::Owned(data))
    }

    /// The path of entry `i`.
    pub fn path(&self, i: usize) -> &[u8] {
        let (a, b) = self.entries[i].path;
        match &self.v4_paths {
            Some(p) => &p[a as usize..b as usize],
            None => &self.data.bytes()[a as usize..b as usize],
        }
    }

    /// The file mode of entry `i`.
    pub fn mode(&self, i: usize) -> u32 {
        let at = self.entries[i].at as usize;
        u32::from_be_bytes(self.data.bytes()[at + 24..at + 28].try_into().unwrap())
    }

    /// The root cache-tree node, when the index has a cache-tree.
    pub fn cache_root(&self) -> Option<usize> {
        (!self.tree.is_empty()).then_some(0)
    }

    /// Cache-tree node `n`'s tree id and entry count, while valid.
    pub fn cache_valid(&self, n: usize) -> Option<(Oid, usize)> {
        let node = &self.tree[n];
        let at = node.oid_at? as usize;
        Some((self.data.bytes()[at..at + 20].try_into().unwrap(), usize::try_from(node.entries).ok()?))
    }

    /// The children of cache-tree node `n`: name and node, sorted by name (for a binary search:
    /// a directory may hold hundreds).
    pub fn cache_children(&self, n: usize) -> Vec<(&[u8], usize)> {
        let end = self.tree[n].end as usize;
        let mut out = Vec::new();
        let mut c = n + 1;
        while c < end {
            let (a, b) = self.tree[c].name;
            out.push((&self.data.bytes()[a as usize..b as usize], c));
            c = self.tree[c].end as usize;
        }
        out.sort_unstable();
        out
    }

    /// The object id of entry `i`.
    pub fn oid(&self, i: usize) -> Oid {
        let at = self.entries[i].at as usize;
        self.data.bytes()[at + 40..at + 60].try_into().unwrap()
    }
}

fn be32(b: &[u8], at: usize) -> Result<u32, String> {
    b.get(at..at + 4).map(|s| u32::from_be_bytes(s.try_into().unwrap())).ok_or_else(|| "index truncated".to_string())
}

/// Parses the bytes of an index file.
fn parse(owner: Data) -> Result<Index, String> {
    let data = owner.bytes();
    if data.len() < 12 + 20 || &data[..4] != b"DIRC" {
        return Err("not an index file".into());
    }
    if data.len() > u32::MAX as usize {
        return Err("index too large".into());
    }
    let version = be32(data, 4)?;
    if !(2..=4).contains(&version) {
        return Err(format!("index version {version}"));
    }
    let count = be32(data, 8)? as usize;
    // The last 20 bytes are the checksum; nothing may run into them.
    let end = data.len() - 20;
    let body = &data[..end];
    let mut entries = Vec::with_capacity(count.min(end / 62));
    let mut v4_paths = (version == 4).then(Vec::new);
    let mut at = 12;
    // The previous entry's path (in the file, or in `v4_paths`).
    let mut prev: (usize, usize) = (0, 0);
    for _ in 0..count {
        let fixed = body.get(at..at + 62).ok_or("index entry truncated")?;
        let flags = u16::from_be_bytes([fixed[60], fixed[61]]);
        if flags & 0x4000 != 0 {
            return Err("extended index flags".into());
        }
        if flags & 0x3000 != 0 {
            return Err("unmerged index entry".into());
        }
        let name_at = at + 62;
        let entry_at = at;
        let range = if let Some(paths) = &mut v4_paths {
            let (strip, n) = varint(body, name_at)?;
            let (pa, pb) = prev;
            let keep = (pb - pa).checked_sub(strip).ok_or("index v4 prefix too long")?;
            let rest = body.get(name_at + n..).ok_or("index truncated")?;
            let nul = memchr::memchr(0, rest).ok_or("index path without end")?;
            let start = paths.len();
            paths.extend_from_within(pa..pa + keep);
            paths.extend_from_slice(&rest[..nul]);
            at = name_at + n + nul + 1;
            (start, paths.len())
        } else {
            let rest = body.get(name_at..).ok_or("index truncated")?;
            // The flags hold the length unless it is 0xfff or more.
            let len = (flags & 0xfff) as usize;
            let nul = if len < 0xfff && rest.get(len) == Some(&0) {
                len
            } else {
                memchr::memchr(0, rest).ok_or("index path without end")?
            };
            // Entries are padded with 1–8 NULs to a multiple of 8 bytes.
            at += (62 + nul + 8) & !7;
            (name_at, name_at + nul)
        };
        let buf = v4_paths.as_deref().unwrap_or(body);
        let path = &buf[range.0..range.1];
        let len = (flags & 0xfff) as usize;
        if (len < 0xfff && len != path.len()) || path.is_empty() {
            return Err("index path length mismatch".into());
        }
        if !entries.is_empty() && buf[prev.0..prev.1] >= *path {
            return Err("index entries out of order".into());
        }
        entries.push(Entry { path: (range.0 as u32, range.1 as u32), at: entry_at as u32 });
        prev = range;
    }
    if at > end {
        return Err("index entries run into the checksum".into());
    }
    let mut tree = Vec::new();
    while at < end {
        let sig = body.get(at..at + 4).ok_or("index extension truncated")?;
        let size = be32(body, at + 4)? as usize;
        let ext = body.get(at + 8..at + 8 + size).ok_or("index extension truncated")?;
        match sig {
            b"TREE" => tree = cache_tree(ext, at + 8)?,
            // Optional extensions (an upper-case first letter) don't change what is staged.
            s if s[0].is_ascii_uppercase() => {}
            // `link` (split index), `sdir` (sparse index) and any other required one: ask git.
            s => return Err(format!("index extension {:?}", String::from_utf8_lossy(s))),
        }
        at += 8 + size;
    }
    Ok(Index { data: owner, v4_paths, entries, tree })
}

/// git's offset varint (index v4 prefix lengths).
fn varint(b: &[u8], at: usize) -> Result<(usize, usize), String> {
    let mut i = at;
    let mut c = *b.get(i).ok_or("index truncated")?;
    let mut v = (c & 0x7f) as usize;
    while c & 0x80 != 0 {
        i += 1;
        c = *b.get(i).ok_or("index truncated")?;
        v = v.checked_add(1).and_then(|v| v.checked_mul(128)).ok_or("index varint overflows")? + (c & 0x7f) as usize;
    }
    Ok((v, i + 1 - at))
}

/// Parses the `TREE` extension (at `base` in the file): nodes in pre-order, each
/// `name\0<entries> <subtrees>\n[oid]`.
fn cache_tree(ext: &[u8], base: usize) -> Result<Vec<TreeNode>, String> {
    let mut nodes = Vec::new();
    let mut at = 0;
    node(ext, base, &mut at, &mut nodes, 0)?;
    if at != ext.len() {
        return Err("cache-tree has trailing bytes".into());
    }
    Ok(nodes)
}

fn node(b: &[u8], base: usize, at: &mut usize, nodes: &mut Vec<TreeNode>, depth: usize) -> Result<(), String> {
    let bad = || "cache-tree is corrupt".to_string();
    if depth > 4096 {
        return Err(bad());
    }
    let rest = &b[*at..];
    let nul = memchr::memchr(0, rest).ok_or_else(bad)?;
    let name = (base + *at, base + *at + nul);
    let rest = &rest[nul + 1..];
    let nl = memchr::memchr(b'\n', rest).ok_or_else(bad)?;
    let line = std::str::from_utf8(&rest[..nl]).map_err(|_| bad())?;
    let (entries, subtrees) = line.split_once(' ').ok_or_else(bad)?;
    let entries: i64 = entries.parse().map_err(|_| bad())?;
    let subtrees: usize = subtrees.parse().map_err(|_| bad())?;
    *at += nul + 1 + nl + 1;
    let oid_at = if entries >= 0 {
        if b.len() < *at + 20 {
            return Err(bad());
        }
        *at += 20;
        Some((base + *at - 20) as u32)
    } else {
        None
    };
    let me = nodes.len();
    nodes.push(TreeNode { name: (name.0 as u32, name.1 as u32), entries, oid_at, end: 0 });
    for _ in 0..subtrees {
        node(b, base, at, nodes, depth + 1)?;
    }
    nodes[me].end = nodes.len() as u32;
    Ok(())
}
