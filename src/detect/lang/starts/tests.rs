//! The anchored search at the starts against `find_iter` over every byte, for each word-led
//! pattern, on generated texts and on every file of `testdata/`.

use super::*;
use crate::detect::lang::window::{LOOSE, sites::TYPED};
use crate::detect::lang::{ESCAPED, PREFILTER};

fn patterns() -> [(&'static str, &'static Led); 4] {
    [("PREFILTER", &*PREFILTER), ("ESCAPED", &*ESCAPED), ("TYPED", &*TYPED), ("LOOSE", &*LOOSE)]
}

/// Texts built from the gate words, the keyed words, what patterns expect around them (binding
/// operators, quotes, sinks, command lines, URLs) and filler: deterministic, a few thousand.
fn generated() -> Vec<String> {
    let mut pieces: Vec<String> = Vec::new();
    for w in GATE_WORDS.iter().chain(crate::detect::config::PREFILTER).chain(KEYED) {
        pieces.push(w.to_string());
        pieces.push(w.to_ascii_uppercase());
        pieces.push(w[1..].to_string());
    }
    for p in [
        "api_key",
        "access.key",
        "ApiKey",
        "signing-key",
        "PrivateKey",
        "Basic dXNlcjpwYXNzd29yZA==\"",
        "ApiKey abcdefghij'",
        " = \"",
        ": '",
        " => \"",
        "(\"",
        ", \"",
        "\\\"",
        "\\\": \\\"",
        "(",
        ")",
        "\")",
        "mysql -u root -psecret",
        "mysqldump db",
        " -p",
        "-pX",
        "curl -u a:b",
        "curl",
        " --user ",
        "://u:p@h",
        "://",
        "@",
        "getConnection(",
        "new Sequelize('",
        "basicAuth(",
        "x_basic_auth(",
        "DigestAuth(",
        "PasswordCredentials(",
        "PDO(",
        "real_connect(",
        "mysqli_connect(",
        "auth = (\"",
        "password=",
        "passwd=x",
        "pwd=",
        "sshpass -p x",
        " ",
        "  ",
        "\n",
        "\t",
        "x",
        "ab",
        "_",
        "-",
        ".",
        "$",
        "[",
        "]",
        "{",
        "}",
        ":",
        "=",
        ":=",
        "||",
        "??",
        " or ",
        "r'",
        "b\"",
        "@\"",
        "`",
        "'",
        "\"",
        "Final[str]",
        " string ",
        ": str = \"",
        " string = '",
        "\\\"",
        "\\':",
        "token\\\":\\\"",
        "secret\\'=\\'",
        "<T>",
        "é",
        "€",
        "0",
    ] {
        pieces.push(p.to_string());
    }
    let mut next = crate::detect::words::tests::xorshift(0x2545_f491_4f6c_dd1d);
    (0..4000)
        .map(|_| {
            let n = (next() % 30) as usize;
            (0..n).map(|_| pieces[(next() % pieces.len() as u64) as usize].as_str()).collect()
        })
        .collect()
}

fn reference(led: &Led, text: &str) -> Vec<Range<usize>> {
    led.full.find_iter(text.as_bytes()).map(|m| m.range()).collect()
}

#[test]
fn anchored_at_the_starts_finds_what_find_iter_finds() {
    let texts: Vec<(String, String)> = generated()
        .into_iter()
        .enumerate()
        .map(|(i, t)| (format!("generated #{i}"), t))
        .chain(crate::testdata::texts())
        .collect();
    let mut matched = [0usize; 4];
    for (name, text) in &texts {
        let starts = starts(text);
        for (k, (pattern, led)) in patterns().into_iter().enumerate() {
            let want = reference(led, text);
            matched[k] += want.len();
            assert_eq!(led.find_all(text.as_bytes(), &starts), want, "{pattern} in {name}: {text:?}");
            assert_eq!(led.any(text.as_bytes(), &starts), !want.is_empty(), "{pattern} in {name}");
        }
    }
    // (Each pattern matched often enough for the comparison to mean something.)
    assert!(matched.iter().all(|&m| m > 100), "matches per pattern: {matched:?}");
}

#[test]
fn the_identifier_and_keyed_starts_are_needed() {
    // Without the starts walked back to (`x_basic_auth(`, `api_key`), the anchored search misses
    // matches: the comparison above would fail.
    let raw = |text: &str| -> Vec<usize> { Hits::of(text).words(words::LANG).map(|(s, _)| s).collect() };
    let cases: [(&str, &Led, &str); 4] = [
        ("PREFILTER", &PREFILTER, "x_basic_auth(\"u\", p)"),
        ("PREFILTER", &PREFILTER, "api_key = \"v\""),
        ("LOOSE", &LOOSE, "access.key: v"),
        ("PREFILTER", &PREFILTER, "return ApiKey abcdefghij'"),
    ];
    for (pattern, led, text) in cases {
        let b = text.as_bytes();
        assert!(!reference(led, text).is_empty(), "{pattern} matches {text:?}");
        assert_eq!(led.find_all(b, &starts(text)), reference(led, text), "{pattern}: {text:?}");
        assert!(led.find_all(b, &raw(text)).is_empty(), "{pattern} at the raw word starts: {text:?}");
    }
}

#[test]
fn a_run_of_name_bytes_is_walked_once() {
    // Many words inside one long identifier: the walk back to its start stops at the word before.
    let text = format!("{} = \"x\"", "passtoken".repeat(20_000));
    let s = starts(&text);
    assert!(s.contains(&0) && s.len() >= 40_000);
}

#[test]
fn past_the_budget_the_rest_is_searched_the_ordinary_way() {
    // Every start scans the long identifier: the budget runs out, the ordinary search finishes,
    // and the matches are still find_iter's.
    for text in [
        format!("{} = \"x\" and token = 'y'", "passtoken".repeat(2_000)),
        format!("token = 'y'\n{} = \"x\"", "passtoken".repeat(2_000)),
        format!("{} -psecret", "mysql ".repeat(5_000)),
    ] {
        let s = starts(&text);
        assert_eq!(PREFILTER.find_all(text.as_bytes(), &s), reference(&PREFILTER, &text));
        assert!(PREFILTER.any(text.as_bytes(), &s));
    }
}
