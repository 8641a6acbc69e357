//! XML config (Spring/Maven `settings.xml`, .NET `web.config`/`app.config`, FileZilla) into the
//! shared document tree with a small tokenizer: elements become maps of their attributes and
//! children, text-only elements become scalars (`encoding="base64"` text decoded).

use super::entry::Sink;
use super::tree::{Deploy, Scalar, Val, walk_document};
use crate::model::Span;
use base64::Engine;

struct Elem {
    name: String,
    attrs: Vec<(String, Val)>,
    children: Vec<(String, Val)>,
    content_start: usize,
    base64: bool,
}

/// Reads an XML file into `sink`. Malformed markup is read as far as it goes.
pub(crate) fn read(text: &str, sink: &mut Sink) {
    let root = parse(text);
    walk_document(&root, Deploy::None, sink);
}

fn parse(text: &str) -> Val {
    let b = text.as_bytes();
    let mut stack =
        vec![Elem { name: String::new(), attrs: Vec::new(), children: Vec::new(), content_start: 0, base64: false }];
    let mut i = 0;
    // Elements opened past the depth limit: not kept (their text is left to the provider rules),
    // only counted so their closing tags pair up. Keeps 100k-level documents linear.
    let mut too_deep = 0usize;
    while let Some(off) = memchr::memchr(b'<', &b[i..]) {
        let lt = i + off;
        let rest = &text[lt..];
        let skip_to = |pat: &str| rest.find(pat).map(|x| lt + x + pat.len()).unwrap_or(text.len());
        if rest.starts_with("<!--") {
            i = skip_to("-->");
        } else if rest.starts_with("<![CDATA[") {
            i = skip_to("]]>");
        } else if rest.starts_with("<?") {
            i = skip_to("?>");
        } else if rest.starts_with("<!") {
            i = skip_to(">");
        } else if let Some(close) = rest.strip_prefix("</") {
            let end = close.find('>').map(|x| lt + 2 + x + 1).unwrap_or(text.len());
            if too_deep > 0 {
                too_deep -= 1;
            } else if stack.len() > 1 {
                let e = stack.pop().expect("len > 1");
                let v = finish(e.content_start, e.attrs, e.children, e.base64, text, lt);
                stack.last_mut().expect("root").children.push((e.name, v));
            }
            i = end;
        } else {
            let Some((elem, self_closing, end)) = open_tag(text, lt) else {
                i = lt + 1;
                continue;
            };
            i = end;
            if self_closing {
                let v = finish(elem.content_start, elem.attrs, elem.children, elem.base64, text, end);
                stack.last_mut().expect("root").children.push((elem.name, v));
            } else if too_deep > 0 || stack.len() > crate::scan::limit::MAX_DEPTH {
                crate::scan::limit::note(crate::scan::limit::Limit::Depth);
                too_deep += 1;
            } else {
                stack.push(elem);
            }
        }
    }
    while stack.len() > 1 {
        let e = stack.pop().expect("len > 1");
        let v = finish(e.content_start, e.attrs, e.children, e.base64, text, text.len());
        stack.last_mut().expect("root").children.push((e.name, v));
    }
    Val::Map(stack.pop().expect("root").children)
}

/// An element's value: a scalar for text-only content, else a map of attributes and children
/// (moved, not copied: copying each level's subtree made deep nesting quadratic).
fn finish(
    content_start: usize,
    attrs: Vec<(String, Val)>,
    children: Vec<(String, Val)>,
    base64: bool,
    text: &str,
    content_end: usize,
) -> Val {
    if children.is_empty() && content_end > content_start {
        let raw = &text[content_start..content_end];
        let t = raw.trim();
        if !t.is_empty() {
            let lead = raw.len() - raw.trim_start().len();
            let mut start = content_start + lead;
            let mut inner = t;
            if let Some(c) = t.strip_prefix("<![CDATA[").and_then(|c| c.strip_suffix("]]>")) {
                start += 9;
                inner = c;
            } else if t.contains('<') {
                return Val::Map(attrs);
            }
            let mut value = decode_entities(inner);
            if base64 {
                match base64::engine::general_purpose::STANDARD
                    .decode(value.trim())
                    .ok()
                    .and_then(|v| String::from_utf8(v).ok())
                {
                    Some(v) => value = v,
                    None => return Val::Other,
                }
            }
            return Val::Str(Scalar { value, span: Span::new(start, start + inner.len()), literal: true });
        }
    }
    let mut pairs = attrs;
    pairs.extend(children);
    Val::Map(pairs)
}

/// Parses `<name a="b" …>` at `lt`: the element, whether it closes itself, and the byte after `>`.
fn open_tag(text: &str, lt: usize) -> Option<(Elem, bool, usize)> {
    let b = text.as_bytes();
    let mut i = lt + 1;
    let ns = i;
    while i < b.len() && !b[i].is_ascii_whitespace() && b[i] != b'>' && b[i] != b'/' {
        i += 1;
    }
    let name = text[ns..i].to_string();
    if name.is_empty() || !name.starts_with(|c: char| c.is_alphabetic() || c == '_') {
        return None;
    }
    let mut attrs = Vec::new();
    let mut base64 = false;
    loop {
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        if i >= b.len() {
            return None;
        }
        match b[i] {
            b'>' => {
                return Some((Elem { name, attrs, children: Vec::new(), content_start: i + 1, base64 }, false, i + 1));
            }
            b'/' if b.get(i + 1) == Some(&b'>') => {
                return Some((Elem { name, attrs, children: Vec::new(), content_start: i + 2, base64 }, true, i + 2));
            }
            _ => {}
        }
        let as_ = i;
        while i < b.len() && !b[i].is_ascii_whitespace() && !matches!(b[i], b'=' | b'>' | b'/') {
            i += 1;
        }
        let attr = text[as_..i].to_string();
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        if b.get(i) != Some(&b'=') {
            if attr.is_empty() {
                i += 1;
            }
            continue;
        }
        i += 1;
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        let q = *b.get(i)?;
        if q != b'"' && q != b'\'' {
            return None;
        }
        let vs = i + 1;
        let ve = vs + memchr::memchr(q, &b[vs..])?;
        let value = decode_entities(&text[vs..ve]);
        if attr.eq_ignore_ascii_case("encoding") && value.eq_ignore_ascii_case("base64") {
            base64 = true;
        }
        attrs.push((attr, Val::Str(Scalar { value, span: Span::new(vs, ve), literal: true })));
        i = ve + 1;
    }
}

fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let tail = &rest[amp..];
        let Some(semi) = tail.find(';').filter(|&x| x <= 10) else {
            out.push('&');
            rest = &tail[1..];
            continue;
        };
        let ent = &tail[1..semi];
        let ch = match ent {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => ent
                .strip_prefix("#x")
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .or_else(|| ent.strip_prefix('#').and_then(|d| d.parse().ok()))
                .and_then(char::from_u32),
        };
        match ch {
            Some(c) => {
                out.push(c);
                rest = &tail[semi + 1..];
            }
            None => {
                out.push('&');
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn elements_attributes_and_text() {
        let text = "<?xml version=\"1.0\"?>\n<!-- c -->\n<settings><servers><server><id>r</id><password>p&amp;w</password></server></servers>\n<add key=\"K\" value=\"V\"/><Pass encoding=\"base64\">aHVudGVyMg==</Pass></settings>";
        let root = parse(text);
        let s = root.get("settings").unwrap();
        let server = s.get("servers").and_then(|x| x.get("server")).unwrap();
        let Some(Val::Str(pw)) = server.get("password") else { panic!("{server:?}") };
        assert_eq!(pw.value, "p&w");
        assert_eq!(&text[pw.span.start..pw.span.end], "p&amp;w");
        assert_eq!(s.get("add").and_then(|a| a.str_at("value")), Some("V"));
        assert_eq!(s.str_at("Pass"), Some("hunter2"));
    }
}
