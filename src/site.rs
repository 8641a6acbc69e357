//! One way to read a site: what a planned site's span holds, in the spelling recorded at plan time
//! (raw, a string escape, YAML `''`, XML entities, base64, percent-encoding, a normalised DSN
//! scheme), checked by keyed fingerprint, and where the site stands (pending, applied, stale).
//! upload, diff, migrate, apply, `plan --check` and verify all read sites here, so they agree.

use crate::model::{Fingerprint, Fingerprinter, SecretValue, Site, Span};
use crate::rewrite::journal::Journal;
use std::fmt;
use std::str::FromStr;

/// How the file spells a string value around its text (quotes already stripped by the span).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Quoting {
    /// The bytes are the value.
    Raw,
    /// C-style backslash escapes (`\n`, `\t`, `\"`, `\xHH`, `\uHHHH`, `\u{…}`); unknown ones stay.
    CEscape,
    /// JSON / Java properties: like C, and an unknown `\c` is `c`.
    Json,
    /// YAML double-quoted: `\xHH`, `\uHHHH`, `\UHHHHHHHH`, an unknown `\c` is `c`.
    YamlDouble,
    /// YAML single-quoted: `''` is one `'`.
    YamlSingle,
    /// Ruby / PHP / shell single quotes: only `\'` and `\\`.
    Quotes,
    /// XML / HTML character entities (`&amp;`, `&#39;`).
    Xml,
    /// Standard base64 of UTF-8 text, possibly wrapped (Kubernetes `data:`).
    Base64,
}

/// Which part of the unquoted text the value is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Part {
    /// All of it.
    Whole,
    /// A percent-encoded URL part (user info, path).
    Percent,
    /// A URL scheme normalised to its engine (`postgresql+psycopg2` → `postgres`).
    Engine,
}

/// How a site's value is spelled in the file: `decode(raw) == value`. Written in the plan as one
/// word (`raw`, `c-escape`, `json+percent`, `raw+engine`…).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Encoding {
    /// The string spelling.
    pub quoting: Quoting,
    /// The part of the unquoted text.
    pub part: Part,
}

const QUOTINGS: [(Quoting, &str); 8] = [
    (Quoting::Raw, "raw"),
    (Quoting::CEscape, "c-escape"),
    (Quoting::Json, "json"),
    (Quoting::YamlDouble, "yaml-double"),
    (Quoting::YamlSingle, "yaml-single"),
    (Quoting::Quotes, "quotes"),
    (Quoting::Xml, "xml"),
    (Quoting::Base64, "base64"),
];
const PARTS: [(Part, &str); 3] = [(Part::Whole, ""), (Part::Percent, "percent"), (Part::Engine, "engine")];

impl Encoding {
    /// The bytes are the value.
    pub const RAW: Encoding = Encoding { quoting: Quoting::Raw, part: Part::Whole };

    /// Every encoding, most literal first: the first whose decoding gives the value is recorded.
    pub fn all() -> impl Iterator<Item = Encoding> {
        QUOTINGS.into_iter().flat_map(|(quoting, _)| PARTS.into_iter().map(move |(part, _)| Encoding { quoting, part }))
    }

    /// The value `raw` holds in this spelling, `None` when it isn't one.
    pub fn decode(self, raw: &str) -> Option<String> {
        let text = match self.quoting {
            Quoting::Raw => raw.to_string(),
            Quoting::CEscape => backslash(raw, Unknown::Keep)?,
            Quoting::Json => backslash(raw, Unknown::Drop)?,
            Quoting::YamlDouble => backslash(raw, Unknown::Drop)?,
            Quoting::YamlSingle => raw.replace("''", "'"),
            Quoting::Quotes => quotes(raw),
            Quoting::Xml => entities(raw)?,
            Quoting::Base64 => base64_text(raw)?,
        };
        match self.part {
            Part::Whole => Some(text),
            Part::Percent => percent(&text),
            Part::Engine => crate::detect::dsn::engine_of(&text).map(str::to_string),
        }
    }
}

impl fmt::Display for Encoding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let q = QUOTINGS.iter().find(|(q, _)| *q == self.quoting).map_or("raw", |(_, n)| n);
        match PARTS.iter().find(|(p, _)| *p == self.part).map_or("", |(_, n)| n) {
            "" => f.write_str(q),
            p => write!(f, "{q}+{p}"),
        }
    }
}

impl FromStr for Encoding {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let (q, p) = s.split_once('+').unwrap_or((s, ""));
        let quoting = QUOTINGS.iter().find(|(_, n)| *n == q).map(|(q, _)| *q);
        let part = PARTS.iter().find(|(_, n)| *n == p).map(|(p, _)| *p);
        match (quoting, part) {
            (Some(quoting), Some(part)) => Ok(Encoding { quoting, part }),
            _ => Err(format!(
                "unknown encoding {s:?} (one of {} with an optional +percent or +engine)",
                QUOTINGS.map(|(_, n)| n).join(", ")
            )),
        }
    }
}

impl TryFrom<String> for Encoding {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        s.parse()
    }
}

impl From<Encoding> for String {
    fn from(e: Encoding) -> String {
        e.to_string()
    }
}

/// The spelling in which `raw` (a finding's span text) holds `value`: the first of
/// [`Encoding::all`] that decodes to it. `None` means hoist can't read the value back from the
/// file, so such a site must not be planned for rewriting.
pub fn encoding_of(raw: &str, value: &str) -> Option<Encoding> {
    if raw == value {
        return Some(Encoding::RAW);
    }
    Encoding::all().find(|e| e.decode(raw).as_deref() == Some(value))
}

/// The strategy a site can have: one whose value no known spelling reads back from the file can't
/// be checked by `apply`, so instead of a rewrite that would always look stale it is left to the
/// user (`manual`, with the reason).
pub fn readable(
    encoding: Option<Encoding>,
    strategy: crate::model::Strategy,
    reason: Option<String>,
) -> (crate::model::Strategy, Option<String>) {
    use crate::model::Strategy;
    match (encoding, strategy) {
        (None, Strategy::Env | Strategy::Sdk) => (
            Strategy::Manual,
            Some("hoist can't read this value back from how the file spells it; move it by hand".into()),
        ),
        _ => (strategy, reason),
    }
}

/// What a site's span holds when it holds the planned value.
#[derive(Clone, Debug)]
pub struct Reading {
    /// The value (decoded).
    pub value: SecretValue,
    /// The span's text as written (for redaction).
    pub raw: SecretValue,
}

/// Reads `span` of `text` in the site's recorded encoding (every known one for a plan written
/// before encodings were recorded) and returns the value when its keyed fingerprint is `site`'s.
pub fn read(text: &str, span: Span, site: &Site, fp: &Fingerprinter) -> Option<Reading> {
    let raw = text.get(span.start..span.end)?;
    let hit = |v: String| (fp.fingerprint(&v) == site.fingerprint).then_some(v);
    let value = match site.encoding {
        Some(e) => e.decode(raw).and_then(hit),
        None => Encoding::all().filter_map(|e| e.decode(raw)).find_map(hit),
    }?;
    Some(Reading { value: SecretValue::new(value), raw: SecretValue::new(raw) })
}

/// Where a planned site stands against the files on disk.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SiteState {
    /// The planned value is still at the span: the site can be rewritten.
    Pending,
    /// The value is gone and the journal records that an apply did it.
    Applied,
    /// The file changed since the plan; the reason says how.
    Stale(String),
}

/// A site read against its file.
#[derive(Clone, Debug)]
pub struct Located {
    /// Its state.
    pub state: SiteState,
    /// The value (pending sites only).
    pub reading: Option<Reading>,
    /// The site where it is now: where an earlier apply moved it, or as planned.
    pub current: Site,
}

/// The one check of a site: its value at the place the journal says an earlier apply left it,
/// else at the planned span (pending); else recorded as done by an apply (applied); else stale,
/// naming the line the value moved to when it is still in the file.
pub fn locate(text: &str, site: &Site, fp: &Fingerprinter, journal: &Journal) -> Located {
    let places = journal.moved_to(site).into_iter().chain([(site.span, site.line)]);
    for (span, line) in places {
        if let Some(reading) = read(text, span, site, fp) {
            let current = Site { span, line, ..site.clone() };
            return Located { state: SiteState::Pending, reading: Some(reading), current };
        }
    }
    if journal.contains(site) {
        return Located { state: SiteState::Applied, reading: None, current: site.clone() };
    }
    let targets: Vec<&Fingerprint> =
        [Some(&site.fingerprint), site.raw_fingerprint.as_ref()].into_iter().flatten().collect();
    let why = match crate::rewrite::verify::lines_holding(text, fp, &targets).first() {
        Some(line) => format!("the value moved to line {line}; re-run `hoist plan`"),
        None => "the planned value is no longer in the file; re-run `hoist plan`".into(),
    };
    Located { state: SiteState::Stale(why), reading: None, current: site.clone() }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Unknown {
    /// `\q` stays `\q` (C, Python, JS, Go).
    Keep,
    /// `\q` is `q` (JSON, YAML, properties).
    Drop,
}

/// C-style escapes (`\n`, `\t`, `\\`, `\"`, `\xHH`, `\uHHHH`, …) decoded, unknown ones kept as
/// written. The detectors decode string literals with this, so what they find is what a site reads.
pub fn decode_c_escapes(raw: &str) -> String {
    backslash(raw, Unknown::Keep).unwrap_or_else(|| raw.to_string())
}

/// Backslash escapes; `None` when nothing is escaped (the raw spelling covers it).
fn backslash(raw: &str, unknown: Unknown) -> Option<String> {
    if !raw.contains('\\') {
        return None;
    }
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let Some(e) = chars.next() else {
            out.push('\\');
            break;
        };
        match e {
            'n' => out.push('\n'),
            't' => out.push('\t'),
            'r' => out.push('\r'),
            '0' => out.push('\0'),
            'b' => out.push('\u{8}'),
            'f' => out.push('\u{c}'),
            'v' => out.push('\u{b}'),
            'a' => out.push('\u{7}'),
            'e' => out.push('\u{1b}'),
            '\\' | '"' | '\'' | '/' | '`' | '$' => out.push(e),
            'x' | 'u' | 'U' => {
                let code = if e == 'u' && chars.peek() == Some(&'{') {
                    chars.next();
                    let hex: String = chars.by_ref().take_while(|c| *c != '}').collect();
                    u32::from_str_radix(&hex, 16).ok()
                } else {
                    let n = match e {
                        'x' => 2,
                        'u' => 4,
                        _ => 8,
                    };
                    let hex: String = chars.clone().take(n).collect();
                    let code = u32::from_str_radix(&hex, 16).ok().filter(|_| hex.len() == n);
                    if code.is_some() {
                        for _ in 0..n {
                            chars.next();
                        }
                    }
                    code
                };
                let code = code.map(|hi| surrogate_pair(hi, &mut chars));
                match code.and_then(char::from_u32) {
                    Some(ch) => out.push(ch),
                    None if unknown == Unknown::Keep => {
                        out.push('\\');
                        out.push(e);
                    }
                    None => return None,
                }
            }
            _ if unknown == Unknown::Drop => out.push(e),
            _ => {
                out.push('\\');
                out.push(e);
            }
        }
    }
    Some(out)
}

/// A UTF-16 high surrogate followed by `\uDCxx` is one code point (JSON, JS).
fn surrogate_pair(hi: u32, chars: &mut std::iter::Peekable<std::str::Chars<'_>>) -> u32 {
    if !(0xD800..0xDC00).contains(&hi) {
        return hi;
    }
    let ahead: String = chars.clone().take(6).collect();
    match ahead.strip_prefix("\\u").and_then(|h| u32::from_str_radix(h, 16).ok()) {
        Some(lo) if (0xDC00..0xE000).contains(&lo) => {
            for _ in 0..6 {
                chars.next();
            }
            0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)
        }
        _ => hi,
    }
}

fn quotes(raw: &str) -> String {
    raw.replace("\\\\", "\u{0}").replace("\\'", "'").replace('\u{0}', "\\")
}

fn entities(raw: &str) -> Option<String> {
    if !raw.contains('&') {
        return None;
    }
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let tail = &rest[amp..];
        let ent = tail.find(';').filter(|&x| x <= 10).map(|semi| (&tail[1..semi], semi));
        let ch = ent.and_then(|(e, _)| match e {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => e
                .strip_prefix("#x")
                .or_else(|| e.strip_prefix("#X"))
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .or_else(|| e.strip_prefix('#').and_then(|d| d.parse().ok()))
                .and_then(char::from_u32),
        });
        match (ch, ent) {
            (Some(c), Some((_, semi))) => {
                out.push(c);
                rest = &tail[semi + 1..];
            }
            _ => {
                out.push('&');
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    Some(out)
}

fn base64_text(raw: &str) -> Option<String> {
    use base64::Engine;
    let compact: String = raw.split_whitespace().collect();
    if compact.is_empty() {
        return None;
    }
    let bytes = base64::engine::general_purpose::STANDARD.decode(compact.as_bytes()).ok()?;
    String::from_utf8(bytes).ok()
}

/// The value a finding stands for when its span is the user name or password of a URL
/// (`scheme://USER:PASSWORD@host`) spelled with percent escapes: decoded, because that is the
/// password the database accepts (the rotation-shaped secret holds it); the site then reads back
/// as `…+percent`. A site spanning the whole URL keeps its encoding (it is not user info).
/// `None` when the span isn't user info or nothing in `value` is escaped.
pub fn url_userinfo_value(text: &str, span: Span, value: &str) -> Option<String> {
    let head = text.get(..span.start)?;
    let head = &head[head.rfind(['\n', '"', '\'', ' ', '`', '(', '=']).map_or(0, |i| i + 1)..];
    let between = &head[head.rfind("://")? + 3..];
    let next = text.get(span.end..)?.chars().next();
    let userinfo = match between.strip_suffix(':') {
        // The password: after `user:`, before `@`.
        Some(user) => !user.contains([':', '@', '/']) && next == Some('@'),
        // The user name: right after `://`, before `:` or `@`.
        None => between.is_empty() && matches!(next, Some(':' | '@')),
    };
    let decoded = crate::detect::dsn::percent_decode(value);
    (userinfo && decoded != value).then_some(decoded)
}

/// Percent-decoding (invalid escapes kept, as the DSN parser does); `None` when nothing is encoded.
fn percent(text: &str) -> Option<String> {
    text.contains('%').then(|| crate::detect::dsn::percent_decode(text))
}

#[cfg(test)]
#[path = "site_tests.rs"]
mod tests;
