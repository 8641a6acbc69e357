//! The JVM manifests: the SDK dependency added to a Maven `pom.xml` or a Gradle build script as a
//! small text edit, refused where comments or unusual layout make the edit unsafe.

use super::{JAVA_SDK, find_line};

pub(super) fn pom(text: &str) -> Result<Option<String>, String> {
    let artifact = format!("<artifactId>{}</artifactId>", JAVA_SDK.1);
    let masked = mask_xml(text);
    if masked.contains(&artifact) && masked.contains(JAVA_SDK.0) {
        return Ok(None);
    }
    // The project's own <dependencies>: not inside <dependencyManagement>, <profiles> or <build>
    // (plugins have dependencies too).
    let mut skip = Vec::new();
    for tag in ["dependencyManagement", "profiles", "build", "reporting"] {
        let (open, close) = (format!("<{tag}>"), format!("</{tag}>"));
        let mut from = 0;
        while let Some(s) = masked[from..].find(&open).map(|p| from + p) {
            let e = masked[s..].find(&close).map(|p| s + p).ok_or(format!("unclosed <{tag}>"))?;
            skip.push((s, e));
            from = e;
        }
    }
    let outside = |p: usize| !skip.iter().any(|(s, e)| *s <= p && p < *e);
    let bom = skip
        .iter()
        .any(|(s, e)| masked[*s..*e].contains("<artifactId>bom</artifactId>") && masked[*s..*e].contains(JAVA_SDK.0));
    let deps = masked.match_indices("<dependencies>").map(|(p, _)| p).find(|p| outside(*p));
    let new = match deps {
        Some(open) => {
            let close = masked[open..].find("</dependencies>").map(|p| open + p).ok_or("unclosed <dependencies>")?;
            let i = xml_indent(text, open);
            let line_start = text[..close].rfind('\n').map(|p| p + 1).unwrap_or(close);
            let dep = dependency_xml(&i, !bom);
            format!("{}{dep}{}", &text[..line_start], &text[line_start..])
        }
        None => {
            let close = masked.rfind("</project>").ok_or("no </project>")?;
            let line_start = text[..close].rfind('\n').map(|p| p + 1).unwrap_or(close);
            let i = xml_indent(text, masked.find("<modelVersion>").or(masked.find("<artifactId>")).unwrap_or(close));
            let dep = dependency_xml(&i, !bom);
            format!("{}{i}<dependencies>\n{dep}{i}</dependencies>\n{}", &text[..line_start], &text[line_start..])
        }
    };
    Ok(Some(new))
}

/// A `<dependency>` element two levels of `i` deep (inside the project's `<dependencies>`).
fn dependency_xml(i: &str, with_version: bool) -> String {
    let d = i.repeat(2);
    let v = if with_version { format!("\n{d}{i}<version>{}</version>", JAVA_SDK.2) } else { String::new() };
    format!(
        "{d}<dependency>\n{d}{i}<groupId>{}</groupId>\n{d}{i}<artifactId>{}</artifactId>{v}\n{d}</dependency>\n",
        JAVA_SDK.0, JAVA_SDK.1
    )
}

/// The indentation of the line holding `offset` (four spaces when the line has none).
fn xml_indent(text: &str, offset: usize) -> String {
    let start = text[..offset].rfind('\n').map(|p| p + 1).unwrap_or(0);
    let i: String = text[start..].chars().take_while(|c| *c == ' ' || *c == '\t').collect();
    if i.is_empty() { "    ".into() } else { i }
}

/// `text` with XML comments blanked out (same length), so commented-out tags don't count.
fn mask_xml(text: &str) -> String {
    let mut out = text.to_string();
    let mut from = 0;
    while let Some(s) = text[from..].find("<!--").map(|p| from + p) {
        let e = text[s..].find("-->").map(|p| s + p + 3).unwrap_or(text.len());
        out.replace_range(s..e, &" ".repeat(e - s));
        from = e;
    }
    out
}

pub(super) fn gradle(text: &str, kts: bool) -> Result<Option<String>, String> {
    let coord = format!("{}:{}", JAVA_SDK.0, JAVA_SDK.1);
    if text.contains(&coord) {
        return Ok(None);
    }
    let at = find_line(text, "dependencies {").ok_or("no top-level `dependencies {` block")?;
    if text[at..].starts_with(char::is_whitespace) {
        return Err("the `dependencies {` block is not at the top level".into());
    }
    let eol = text[at..].find('\n').map(|p| at + p + 1).ok_or("no line after `dependencies {`")?;
    let q = if kts { '"' } else { '\'' };
    let line = format!("    implementation({q}{coord}:{}{q})\n", JAVA_SDK.2);
    Ok(Some(format!("{}{line}{}", &text[..eol], &text[eol..])))
}
