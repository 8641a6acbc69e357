//! Parsing git's index file (`DIRC` v2, v3, v4) for the pre-commit hook: each entry's path, mode and
//! blob id, and the cache-tree (`TREE` extension) that lets the staged diff skip directories whose
//! tree ids match HEAD's. Whatever this doesn't fully understand — a split or sparse index, an
//! unknown required extension, extended flags (intent-to-add, skip-worktree), unmerged entries, a
//! truncated file — is an error, and the caller asks git. Like git, the trailing checksum is not
//! verified (git checks it only in `fsck`).

use super::odb::Oid;

/// One stage-0 index entry.
#[derive(Clone, Debug)]
pub struct Entry {
    /// Where the path lies in [`Index::paths`].
    pub path: (u32, u32),
    /// The file mode (`0o100644`, `0o100755`, `0o120000`, `0o160000`).
    pub mode: u32,
    /// The staged object id.
    pub oid: Oid,
}

/// A cache-tree node: a directory whose tree id is known while `entries >= 0`.
#[derive(Debug, Default)]
pub struct CacheTree {
    /// The directory's name (one path component; empty for the root).
    pub name: Vec<u8>,
    /// Index entries below it, or -1 when invalidated.
    pub entries: i64,
    /// Its tree id when valid.
    pub oid: Option<Oid>,
    /// Subdirectories.
    pub children: Vec<CacheTree>,
}

impl CacheTree {
    /// The child named `name`.
    pub fn child(&self, name: &[u8]) -> Option<&CacheTree> {
        self.children.iter().find(|c| c.name == name)
    }
}

/// A parsed index.
#[derive(Debug, Default)]
pub struct Index {
    /// All paths, concatenated (entries point into it).
    pub paths: Vec<u8>,
    /// Entries in index order (sorted by path bytes).
    pub entries: Vec<Entry>,
    /// The cache-tree, when the index has one.
    pub tree: Option<CacheTree>,
}

impl Index {
    /// The path of entry `i`.
    pub fn path(&self, i: usize) -> &[u8] {
        let (a, b) = self.entries[i].path;
        &self.paths[a as usize..b as usize]
    }
}

fn be32(b: &[u8], at: usize) -> Result<u32, String> {
    b.get(at..at + 4).map(|s| u32::from_be_bytes(s.try_into().unwrap())).ok_or_else(|| "index truncated".to_string())
}

/// Parses the bytes of an index file.
pub fn parse(data: &[u8]) -> Result<Index, String> {
    if data.len() < 12 + 20 || &data[..4] != b"DIRC" {
        return Err("not an index file".into());
    }
    let version = be32(data, 4)?;
    if !(2..=4).contains(&version) {
        return Err(format!("index version {version}"));
    }
    let count = be32(data, 8)? as usize;
    // The last 20 bytes are the checksum; nothing may run into them.
    let end = data.len() - 20;
    let body = &data[..end];
    let mut index = Index { paths: Vec::with_capacity(count * 40), entries: Vec::with_capacity(count), tree: None };
    let mut at = 12;
    let mut prev: (usize, usize) = (0, 0);
    for _ in 0..count {
        let fixed = body.get(at..at + 62).ok_or("index entry truncated")?;
        let mode = be32(fixed, 24)?;
        let oid: Oid = fixed[40..60].try_into().unwrap();
        let flags = u16::from_be_bytes([fixed[60], fixed[61]]);
        if flags & 0x4000 != 0 {
            return Err("extended index flags".into());
        }
        if flags & 0x3000 != 0 {
            return Err("unmerged index entry".into());
        }
        let name_at = at + 62;
        let start = index.paths.len();
        if version == 4 {
            let (strip, n) = varint(body, name_at)?;
            let (pa, pb) = prev;
            let keep = (pb - pa).checked_sub(strip).ok_or("index v4 prefix too long")?;
            let rest = body.get(name_at + n..).ok_or("index truncated")?;
            let nul = memchr::memchr(0, rest).ok_or("index path without end")?;
            index.paths.extend_from_within(pa..pa + keep);
            index.paths.extend_from_slice(&rest[..nul]);
            at = name_at + n + nul + 1;
        } else {
            let rest = body.get(name_at..).ok_or("index truncated")?;
            let nul = memchr::memchr(0, rest).ok_or("index path without end")?;
            index.paths.extend_from_slice(&rest[..nul]);
            // Entries are padded with 1–8 NULs to a multiple of 8 bytes.
            let len = 62 + nul;
            at += (len + 8) & !7;
        }
        let stop = index.paths.len();
        let len = (flags & 0xfff) as usize;
        if (len < 0xfff && len != stop - start) || stop == start {
            return Err("index path length mismatch".into());
        }
        if let Some(last) = index.entries.last() {
            let (a, b) = last.path;
            if index.paths[a as usize..b as usize] >= index.paths[start..stop] {
                return Err("index entries out of order".into());
            }
        }
        prev = (start, stop);
        index.entries.push(Entry { path: (start as u32, stop as u32), mode, oid });
    }
    if at > end {
        return Err("index entries run into the checksum".into());
    }
    while at < end {
        let sig = body.get(at..at + 4).ok_or("index extension truncated")?;
        let size = be32(body, at + 4)? as usize;
        let ext = body.get(at + 8..at + 8 + size).ok_or("index extension truncated")?;
        match sig {
            b"TREE" => index.tree = Some(cache_tree(ext)?),
            // Optional extensions (an upper-case first letter) don't change what is staged.
            s if s[0].is_ascii_uppercase() => {}
            // `link` (split index), `sdir` (sparse index) and any other required one: ask git.
            s => return Err(format!("index extension {:?}", String::from_utf8_lossy(s))),
        }
        at += 8 + size;
    }
    Ok(index)
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

/// Parses the `TREE` extension: nodes in pre-order, each `name\0<entries> <subtrees>\n[oid]`.
fn cache_tree(mut b: &[u8]) -> Result<CacheTree, String> {
    let root = node(&mut b)?;
    if !b.is_empty() {
        return Err("cache-tree has trailing bytes".into());
    }
    Ok(root)
}

fn node(b: &mut &[u8]) -> Result<CacheTree, String> {
    let bad = || "cache-tree is corrupt".to_string();
    let nul = memchr::memchr(0, b).ok_or_else(bad)?;
    let name = b[..nul].to_vec();
    *b = &b[nul + 1..];
    let nl = memchr::memchr(b'\n', b).ok_or_else(bad)?;
    let line = std::str::from_utf8(&b[..nl]).map_err(|_| bad())?;
    *b = &b[nl + 1..];
    let (entries, subtrees) = line.split_once(' ').ok_or_else(bad)?;
    let entries: i64 = entries.parse().map_err(|_| bad())?;
    let subtrees: usize = subtrees.parse().map_err(|_| bad())?;
    let oid = if entries >= 0 {
        let oid: Oid = b.get(..20).ok_or_else(bad)?.try_into().unwrap();
        *b = &b[20..];
        Some(oid)
    } else {
        None
    };
    let mut children = Vec::with_capacity(subtrees);
    for _ in 0..subtrees {
        children.push(node(b)?);
    }
    Ok(CacheTree { name, entries, oid, children })
}
