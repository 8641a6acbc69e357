//! Reading git objects in-process for the pre-commit hook: loose objects (zlib) and packs (`.idx`
//! v2 lookup, OFS/REF deltas). Only what `hoist scan --staged` needs (trees, blobs, one commit);
//! anything this doesn't understand is an error, and the caller falls back to git itself.

use std::fs::File;
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// A SHA-1 object id.
pub type Oid = [u8; 20];

/// Object types as packs number them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A commit.
    Commit,
    /// A tree.
    Tree,
    /// A blob.
    Blob,
    /// An annotated tag.
    Tag,
}

impl Kind {
    fn from_pack(t: u8) -> Option<Self> {
        Some(match t {
            1 => Kind::Commit,
            2 => Kind::Tree,
            3 => Kind::Blob,
            4 => Kind::Tag,
            _ => return None,
        })
    }

    fn from_name(n: &[u8]) -> Option<Self> {
        Some(match n {
            b"commit" => Kind::Commit,
            b"tree" => Kind::Tree,
            b"blob" => Kind::Blob,
            b"tag" => Kind::Tag,
            _ => return None,
        })
    }
}

/// Why an object could not be read (every one of them means: ask git).
#[derive(Debug)]
pub struct OdbError(pub String);

fn err<T>(m: impl Into<String>) -> Result<T, OdbError> {
    Err(OdbError(m.into()))
}

impl From<std::io::Error> for OdbError {
    fn from(e: std::io::Error) -> Self {
        OdbError(e.to_string())
    }
}

/// Objects larger than this are left to git (the hook's size limit is far below it).
const MAX_OBJECT: usize = 1 << 30;
/// Delta chains deeper than this are treated as corrupt (git's default depth is 50).
const MAX_DEPTH: usize = 4096;

/// One pack: its index's fanout (the rest of the `.idx` is read where a lookup needs it, so a
/// huge pack costs no more than a small one) and the pack file.
struct Pack {
    idx: File,
    fanout: Vec<u8>,
    count: usize,
    pack: File,
    pack_len: u64,
}

impl Pack {
    fn open(idx_path: &Path) -> Result<Self, OdbError> {
        let idx = File::open(idx_path)?;
        let mut fanout = vec![0u8; 8 + 1024];
        idx.read_exact_at(&mut fanout, 0)?;
        if fanout[..8] != [0xff, b't', b'O', b'c', 0, 0, 0, 2] {
            return err("pack index is not version 2");
        }
        let count = be32(&fanout, 8 + 255 * 4) as usize;
        if idx.metadata()?.len() < (8 + 1024 + count * 28 + 40) as u64 {
            return err("pack index is truncated");
        }
        let pack = File::open(idx_path.with_extension("pack"))?;
        let pack_len = pack.metadata()?.len();
        Ok(Pack { idx, fanout, count, pack, pack_len })
    }

    fn idx_at<const N: usize>(&self, at: usize) -> Result<[u8; N], OdbError> {
        let mut buf = [0u8; N];
        self.idx.read_exact_at(&mut buf, at as u64)?;
        Ok(buf)
    }

    /// The pack offset of `oid`, when this pack holds it (a binary search of the `.idx` on disk).
    fn find(&self, oid: &Oid) -> Result<Option<u64>, OdbError> {
        let fan = |i: usize| be32(&self.fanout, 8 + i * 4) as usize;
        let first = oid[0] as usize;
        let (mut lo, mut hi) = (if first == 0 { 0 } else { fan(first - 1) }, fan(first));
        if hi > self.count || lo > hi {
            return err("pack index fanout is corrupt");
        }
        let ids = 8 + 1024;
        while lo < hi {
            let mid = (lo + hi) / 2;
            let id: [u8; 20] = self.idx_at(ids + mid * 20)?;
            match id.cmp(oid) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => {
                    let offs = ids + self.count * 24;
                    let small = u32::from_be_bytes(self.idx_at(offs + mid * 4)?);
                    if small & 0x8000_0000 == 0 {
                        return Ok(Some(small as u64));
                    }
                    let large = offs + self.count * 4 + (small & 0x7fff_ffff) as usize * 8;
                    return Ok(Some(u64::from_be_bytes(self.idx_at(large)?)));
                }
            }
        }
        Ok(None)
    }

    /// Reads `len` bytes at `at` (fewer at the end of the file).
    fn read(&self, at: u64, len: usize) -> Result<Vec<u8>, OdbError> {
        let len = len.min(self.pack_len.saturating_sub(at) as usize);
        let mut buf = vec![0u8; len];
        self.pack.read_exact_at(&mut buf, at)?;
        Ok(buf)
    }
}

fn be32(b: &[u8], at: usize) -> u32 {
    u32::from_be_bytes(b[at..at + 4].try_into().unwrap())
}

/// The object store of one repository (its `objects` directory).
pub struct Odb {
    dir: PathBuf,
    packs: OnceLock<Result<Vec<Pack>, String>>,
}

impl Odb {
    /// The store at `objects` (alternates are the caller's to refuse).
    pub fn new(objects: PathBuf) -> Self {
        Odb { dir: objects, packs: OnceLock::new() }
    }

    fn packs(&self) -> Result<&[Pack], OdbError> {
        let packs = self.packs.get_or_init(|| {
            let mut packs = Vec::new();
            let dir = match std::fs::read_dir(self.dir.join("pack")) {
                Ok(d) => d,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(packs),
                Err(e) => return Err(e.to_string()),
            };
            for entry in dir {
                let path = entry.map_err(|e| e.to_string())?.path();
                if path.extension().is_some_and(|e| e == "idx") {
                    packs.push(Pack::open(&path).map_err(|e| e.0)?);
                }
            }
            Ok(packs)
        });
        packs.as_deref().map_err(|e| OdbError(e.clone()))
    }

    /// The object `oid`: its type and bytes.
    pub fn read(&self, oid: &Oid) -> Result<(Kind, Vec<u8>), OdbError> {
        self.read_depth(oid, 0)
    }

    /// The object `oid`, which must be of type `kind`.
    pub fn read_kind(&self, oid: &Oid, kind: Kind) -> Result<Vec<u8>, OdbError> {
        match self.read(oid)? {
            (k, data) if k == kind => Ok(data),
            (k, _) => err(format!("{} is a {k:?}, not a {kind:?}", hex::encode(oid))),
        }
    }

    fn read_depth(&self, oid: &Oid, depth: usize) -> Result<(Kind, Vec<u8>), OdbError> {
        if depth > MAX_DEPTH {
            return err("delta chain too deep");
        }
        // A commit's fresh objects are loose; look there first (one failed open when packed).
        let hex = hex::encode(oid);
        let loose = self.dir.join(&hex[..2]).join(&hex[2..]);
        match std::fs::read(&loose) {
            Ok(z) => return parse_loose(&z),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(e.into()),
        }
        for pack in self.packs()? {
            if let Some(at) = pack.find(oid)? {
                return self.read_packed(pack, at, depth);
            }
        }
        err(format!("object {hex} not found"))
    }

    fn read_packed(&self, pack: &Pack, at: u64, depth: usize) -> Result<(Kind, Vec<u8>), OdbError> {
        if depth > MAX_DEPTH {
            return err("delta chain too deep");
        }
        let head = pack.read(at, 32)?;
        let (t, size, mut used) = entry_header(&head)?;
        let base = match t {
            6 => {
                let (back, n) = ofs_varint(&head[used..])?;
                used += n;
                let Some(base_at) = at.checked_sub(back).filter(|&b| b > 0) else {
                    return err("delta base offset out of range");
                };
                Some(self.read_packed(pack, base_at, depth + 1)?)
            }
            7 => {
                let id: Oid = head.get(used..used + 20).ok_or(OdbError("short ref delta".into()))?.try_into().unwrap();
                used += 20;
                Some(self.read_depth(&id, depth + 1)?)
            }
            _ => None,
        };
        // zlib never grows data by more than a few bytes per 16 KiB block.
        let want = size + size / 64 + 64;
        let z = pack.read(at + used as u64, want)?;
        let data = inflate(&z, size)?;
        match base {
            None => Ok((Kind::from_pack(t).ok_or(OdbError(format!("pack entry type {t}")))?, data)),
            Some((kind, base)) => Ok((kind, apply_delta(&base, &data)?)),
        }
    }
}

/// A pack entry's type, size and header length.
fn entry_header(b: &[u8]) -> Result<(u8, usize, usize), OdbError> {
    let mut c = *b.first().ok_or(OdbError("empty pack entry".into()))?;
    let t = (c >> 4) & 7;
    let mut size = (c & 15) as usize;
    let mut shift = 4;
    let mut i = 1;
    while c & 0x80 != 0 {
        c = *b.get(i).ok_or(OdbError("short pack entry header".into()))?;
        if shift > 56 {
            return err("pack entry size overflows");
        }
        size |= ((c & 0x7f) as usize) << shift;
        shift += 7;
        i += 1;
    }
    if size > MAX_OBJECT {
        return err("object too large");
    }
    Ok((t, size, i))
}

/// An OFS_DELTA's base distance (git's offset encoding) and its length.
fn ofs_varint(b: &[u8]) -> Result<(u64, usize), OdbError> {
    let mut i = 0;
    let mut c = *b.first().ok_or(OdbError("short delta offset".into()))?;
    let mut off = (c & 0x7f) as u64;
    while c & 0x80 != 0 {
        i += 1;
        c = *b.get(i).ok_or(OdbError("short delta offset".into()))?;
        off = off.checked_add(1).and_then(|o| o.checked_mul(128)).ok_or(OdbError("delta offset overflows".into()))?
            + (c & 0x7f) as u64;
    }
    Ok((off, i + 1))
}

/// Inflates a zlib stream that must give exactly `size` bytes (bytes after its end are ignored).
fn inflate(z: &[u8], size: usize) -> Result<Vec<u8>, OdbError> {
    let data = miniz_oxide::inflate::decompress_to_vec_zlib_with_limit(z, size.max(1))
        .map_err(|e| OdbError(format!("zlib: {e:?}")))?;
    if data.len() != size {
        return err("object size differs from its header");
    }
    Ok(data)
}

/// A loose object file: zlib of `<type> <size>\0<bytes>`.
fn parse_loose(z: &[u8]) -> Result<(Kind, Vec<u8>), OdbError> {
    let raw = miniz_oxide::inflate::decompress_to_vec_zlib_with_limit(z, MAX_OBJECT)
        .map_err(|e| OdbError(format!("zlib: {e:?}")))?;
    let nul = memchr::memchr(0, &raw).ok_or(OdbError("loose object without header".into()))?;
    let header = &raw[..nul];
    let sp = memchr::memchr(b' ', header).ok_or(OdbError("bad loose header".into()))?;
    let kind = Kind::from_name(&header[..sp]).ok_or(OdbError("unknown loose object type".into()))?;
    let size: usize = std::str::from_utf8(&header[sp + 1..])
        .ok()
        .and_then(|s| s.parse().ok())
        .ok_or(OdbError("bad loose object size".into()))?;
    if raw.len() - nul - 1 != size {
        return err("loose object size differs from its header");
    }
    Ok((kind, raw[nul + 1..].to_vec()))
}

/// A delta's size fields (little-endian base-128).
fn delta_size(d: &[u8], i: &mut usize) -> Result<usize, OdbError> {
    let mut size = 0usize;
    let mut shift = 0;
    loop {
        let c = *d.get(*i).ok_or(OdbError("short delta".into()))?;
        *i += 1;
        if shift > 56 {
            return err("delta size overflows");
        }
        size |= ((c & 0x7f) as usize) << shift;
        shift += 7;
        if c & 0x80 == 0 {
            return Ok(size);
        }
    }
}

/// Applies a git delta (copy and insert instructions) to `base`.
fn apply_delta(base: &[u8], d: &[u8]) -> Result<Vec<u8>, OdbError> {
    let mut i = 0;
    if delta_size(d, &mut i)? != base.len() {
        return err("delta base size mismatch");
    }
    let size = delta_size(d, &mut i)?;
    if size > MAX_OBJECT {
        return err("object too large");
    }
    let mut out = Vec::with_capacity(size);
    while i < d.len() {
        let op = d[i];
        i += 1;
        if op & 0x80 != 0 {
            let mut field = |bits: std::ops::Range<u8>| -> Result<usize, OdbError> {
                let mut v = 0usize;
                for (k, bit) in bits.enumerate() {
                    if op & (1 << bit) != 0 {
                        v |= (*d.get(i).ok_or(OdbError("short delta copy".into()))? as usize) << (8 * k);
                        i += 1;
                    }
                }
                Ok(v)
            };
            let off = field(0..4)?;
            let mut len = field(4..7)?;
            if len == 0 {
                len = 0x10000;
            }
            let src = off
                .checked_add(len)
                .and_then(|end| base.get(off..end))
                .ok_or(OdbError("delta copy out of range".into()))?;
            out.extend_from_slice(src);
        } else if op != 0 {
            let n = op as usize;
            out.extend_from_slice(d.get(i..i + n).ok_or(OdbError("short delta insert".into()))?);
            i += n;
        } else {
            return err("delta opcode 0");
        }
    }
    if out.len() != size {
        return err("delta result size mismatch");
    }
    Ok(out)
}

/// Parses a hex object id.
pub fn parse_oid(hex_id: &[u8]) -> Option<Oid> {
    let mut oid = [0u8; 20];
    hex::decode_to_slice(hex_id, &mut oid).ok()?;
    Some(oid)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deltas_copy_and_insert() {
        let base = b"hello world, hello git";
        // base size 22, result size 11: copy 6 bytes from 0 ("hello "), insert "there".
        let d = [22, 11, 0x80 | 0x10, 6, 5, b't', b'h', b'e', b'r', b'e'];
        assert_eq!(apply_delta(base, &d).unwrap(), b"hello there");
        assert!(apply_delta(b"short", &d).is_err());
    }

    #[test]
    fn offsets_use_gits_encoding() {
        assert_eq!(ofs_varint(&[0x05]).unwrap(), (5, 1));
        // (1 + 1) * 128 + 0 = 256
        assert_eq!(ofs_varint(&[0x81, 0x00]).unwrap(), (256, 2));
    }
}
