//! Unit tests of the windows: their shapes per language and that they answer as the whole file does.

use super::*;

fn windows(format: FileFormat, text: &str, needle: &str) -> Vec<String> {
    let hits = text.match_indices(needle).map(|(i, m)| i..i + m.len()).collect::<Vec<_>>();
    let padded = format!("{text}{}", "x = 0\n".repeat(MIN_WINDOWED));
    ranges(format, &padded, hits.into_iter(), true).unwrap().into_iter().map(|w| padded[w].to_string()).collect()
}

#[test]
fn python_statement_with_its_headers_and_else() {
    let text = "import os\n\n@dec\ndef f():\n    x = 1\n    token = 'abc'\nelse_x = 2\nif a:\n    pass\nelse:\n    y = 'token'\nz = 3\n";
    assert_eq!(
        windows(FileFormat::Python, text, "token"),
        ["def f():\n", "    token = 'abc'\n", "if a:\n    pass\nelse:\n    y = 'token'\n"]
    );
}

#[test]
fn python_nested_statement_with_its_block_headers() {
    let text = "class Lexer(RegexLexer):\n    name = 'x'\n    def f(self):\n        return 1\n\n    tokens = {\n        'root': [],\n    }\n    other = 2\n";
    assert_eq!(
        windows(FileFormat::Python, text, "tokens"),
        ["class Lexer(RegexLexer):\n", "    tokens = {\n        'root': [],\n    }\n"]
    );
}

#[test]
fn python_headers_over_several_lines_and_else_branches_come_whole() {
    let text = "class A:\n    x = 1\n    def f(\n        self,\n        x,\n    ) -> str:\n        token = 'abc'\n        return token\n    other = 1\n";
    assert_eq!(
        windows(FileFormat::Python, text, "token = '"),
        ["class A:\n", "    def f(\n        self,\n        x,\n    ) -> str:\n        token = 'abc'\n"]
    );
    let text = "def g():\n    y = 1\n    try:\n        a = 1\n    except KeyError:\n        token = 'abc'\n    z = 2\n";
    assert_eq!(
        windows(FileFormat::Python, text, "token = '"),
        ["def g():\n", "    try:\n        a = 1\n    except KeyError:\n        token = 'abc'\n"]
    );
}

#[test]
fn new_header_shapes_answer_as_the_whole_file_does() {
    use crate::detect::group;
    use crate::model::Detection;
    let key = |d: &Detection| (d.span.start, d.kind, d.name.clone(), d.group.clone(), d.rule.clone());
    let js: String = (0..300).map(|i| format!("    function f{i}(a) {{\n      return a + {i};\n    }}\n")).collect();
    let go: String = (0..300).map(|i| format!("\tcase \"k{i}\":\n\t\treturn \"{i}\"\n")).collect();
    let py: String = (0..300).map(|i| format!("    def m{i}(self):\n        return {i}\n")).collect();
    let rb: String =
        (0..200).map(|i| format!("    def m{i}\n      <<~TXT\n  text {i}\n      TXT\n    end\n")).collect();
    let spec: String = (0..200)
        .map(|i| format!("  it 'does {i}' do\n    expect({i}).to eq({{\n      a: {i},\n    }})\n  end\n"))
        .collect();
    let php: String =
        (0..200).map(|i| format!("    public function m{i}()\n    {{\n        return {i};\n    }}\n\n")).collect();
    let php_items: String =
        (0..300).map(|i| format!("        'c{i}' => [\n            'class' => 'C{i}',\n        ],\n")).collect();
    let cases = [
        (
            FileFormat::Php,
            format!(
                "<?php\n\nnamespace App;\n\nclass Settings extends Base\n{{\n{php}    public function connect(\n        $db\n    )\n    {{\n        $db_password = 'Zq8vR2mK4pLw';\n        return $db_password;\n    }}\n}}\n"
            ),
            "db_password = '",
        ),
        (
            FileFormat::Php,
            format!(
                "<?php\n$config = [\n    'components' => [\n{php_items}        'request' => [\n            'class' => 'app\\web\\Request',\n            /*\n            'enableCsrfValidation' => true,\n            'cookieValidationKey' => 'O1d232trde1x-M97_7QvwPo',\n            */\n        ],\n    ],\n];\nreturn $config;\n"
            ),
            "cookieValidationKey' => '",
        ),
        (
            FileFormat::Ruby,
            format!(
                "module Aws\n  class Client\n{rb}  private\n\n    def connect\n      if ENV['X']\n        1\n      else\n        db_password = 'Zq8vR2mK4pLw'\n      end\n    end\n  end\nend\n"
            ),
            "db_password = '",
        ),
        (
            FileFormat::Ruby,
            format!(
                "describe Client do\n{spec}  it 'logs in' do\n    c = Client.new({{\n      host: 'db.internal.example',\n      password: 'Zq8vR2mK4pLw',\n    }})\n  end\nend\n"
            ),
            "password: '",
        ),
        (
            FileFormat::JavaScript,
            format!(
                "\"production\" !== process.env.NODE_ENV &&\n  (function () {{\n{js}    var db = {{\n      host: 'db.internal.example',\n      password: 'Zq8vR2mK4pLw'\n    }};\n{js}  }})();\n"
            ),
            "password: '",
        ),
        (
            FileFormat::JavaScript,
            format!(
                "(function (global, factory) {{\n  factory(global.x = {{}});\n}})(this, (function (exports) {{ 'use strict';\n{js}  var db = {{\n    user: 'app',\n    password: 'Zq8vR2mK4pLw'\n  }};\n}}));\n"
            ),
            "password: '",
        ),
        (
            FileFormat::JavaScript,
            format!(
                "function connect(request) {{\n{js}  if (\n    request &&\n    request.ok\n  ) {{\n    var x = 1;\n  }} else if (\n    request.retry\n  ) {{\n    var db = {{ user: 'app', password: 'Zq8vR2mK4pLw' }};\n    return db;\n  }}\n}}\n"
            ),
            "password: '",
        ),
        (
            FileFormat::Go,
            format!(
                "package p\n\nfunc f(x string) string {{\n\tswitch x {{\n{go}\tcase \"db\":\n\t\tpassword := \"Zq8vR2mK4pLw\"\n\t\treturn password\n\t}}\n\treturn \"\"\n}}\n"
            ),
            "password := \"",
        ),
        (
            FileFormat::Python,
            format!(
                "class Settings:\n{py}    def connect(\n        self,\n        db,\n    ) -> str:\n        db_password = 'Zq8vR2mK4pLw'\n        return db_password\n"
            ),
            "db_password = '",
        ),
        (
            FileFormat::Python,
            format!(
                "class Settings:\n{py}    def connect(self):\n        try:\n            x = 1\n        except KeyError:\n            db_password = 'Zq8vR2mK4pLw'\n"
            ),
            "db_password = '",
        ),
    ];
    for (format, text, needle) in cases {
        let hits = text.match_indices(needle).map(|(i, m)| i..i + m.len());
        assert!(ranges(format, &text, hits, true).is_some(), "{format:?} not windowed");
        let windowed: Vec<_> = super::super::analyze(format, &text).iter().map(key).collect();
        let whole: Vec<_> = group::group(super::super::candidates(format, &text)).iter().map(key).collect();
        assert_eq!(windowed, whole, "{format:?}");
        assert!(windowed.iter().any(|k| k.1 == crate::model::Kind::Secret), "{format:?}: {windowed:?}");
    }
}

#[test]
fn python_dict_in_a_method_comes_with_its_opening_and_closing_lines() {
    let text = "class Creds:\n    def get(self):\n        x = 1\n        return {\n            'access_key': self.a,\n            'secret_key': 'abc',\n        }\n";
    assert_eq!(
        windows(FileFormat::Python, text, "secret_key"),
        ["class Creds:\n    def get(self):\n", "        return {\n", "            'secret_key': 'abc',\n        }\n"]
    );
}

#[test]
fn windows_decide_and_the_whole_file_answers() {
    use crate::model::Kind;
    let filler: String = (0..400).map(|i| format!("    def m{i}(self):\n        return {i}\n")).collect();
    // A refused hit only: nothing, without a whole-file pass changing that.
    let quiet = format!("class Lexer:\n{filler}    tokens = {{\n        'root': [],\n    }}\n");
    assert!(super::super::analyze(FileFormat::Python, &quiet).is_empty());
    // A credential deep in a class: found, with its companion far outside every window.
    let text = format!(
        "DB_HOST = 'db.internal.example'\n\nclass Settings:\n{filler}    def connect(self):\n        db_password = 'Zq8vR2mK4pLw'\n        return db_password\n"
    );
    let found = super::super::analyze(FileFormat::Python, &text);
    assert!(found.iter().any(|d| d.kind == Kind::Secret && d.value.expose() == "Zq8vR2mK4pLw"), "{found:?}");
    assert!(
        ranges(FileFormat::Python, &text, text.match_indices("db_password = '").map(|(i, m)| i..i + m.len()), true)
            .is_some()
    );
}

#[test]
fn brace_statement_with_its_closing_line() {
    let text = "const a = 1;\nconst config = {\n  password: 'x',\n};\nfunction f() {}\n";
    assert_eq!(windows(FileFormat::JavaScript, text, "password"), ["const config = {\n  password: 'x',\n};\n"]);
    let top = "const a = 1;\nconst config = { password: 'x',\n  user: 'u' };\nfunction f() {}\n";
    assert_eq!(windows(FileFormat::JavaScript, top, "password"), ["const config = { password: 'x',\n  user: 'u' };\n"]);
}

#[test]
fn brace_headers_over_several_lines_come_with_their_conditions() {
    // prettier's style: a condition too long for one line opens `if (` and closes `) {`; the lines
    // between are the header's (without them the window reads `if ( ) {`, a syntax error), while
    // a block's body before `} else if (` stays out.
    let text = "function f(request) {\n  var a = 1;\n  if (\n    request &&\n    request.ok\n  ) {\n    var b = 2;\n  } else if (\n    other\n  ) {\n    var token = 'y';\n  }\n}\n";
    let got = windows(FileFormat::JavaScript, text, "token = '");
    assert_eq!(
        got.concat(),
        "function f(request) {\n  if (\n    request &&\n    request.ok\n  ) {\n  } else if (\n    other\n  ) {\n    var token = 'y';\n  }\n}\n"
    );
    let padded = format!("{text}{}", "x = 0\n".repeat(MIN_WINDOWED));
    let hits = padded.match_indices("token = '").map(|(i, m)| i..i + m.len()).collect::<Vec<_>>();
    let w = ranges(FileFormat::JavaScript, &padded, hits.into_iter(), true).unwrap();
    assert!(
        super::super::windowed_candidates(FileFormat::JavaScript, &padded, &w).is_some(),
        "the window parses cleanly"
    );
}

#[test]
fn a_large_files_windows_past_the_whole_parse_size_give_way_to_the_per_hit_windows() {
    // One top-level statement of 90 KB in a file of 230: its window would parse cleanly, but
    // costs what a whole parse of a large file does; the per-hit windows read it instead.
    // (A chained call: its lines continue an expression, so no nested window; the statement is
    // the window in both modes.)
    let calls: String = (0..2000).map(|i| format!("  .with('k{i}', {{ a: {i}, b: 'v{i}' }})\n")).collect();
    let rest: String = (0..4000).map(|i| format!("function f{i}(a) {{\n  return a + {i};\n}}\n")).collect();
    let text = format!(
        "var a = 1;\nvar config = builder()\n{calls}  .db({{ host: 'db.internal', password: 'Xk9mP2vL7qTz' }});\n{rest}"
    );
    let hits: Vec<_> = text.match_indices("password").map(|(i, m)| i..i + m.len()).collect();
    let windows = ranges(FileFormat::JavaScript, &text, hits.iter().cloned(), false).unwrap();
    assert!(windows.iter().map(|w| w.len()).sum::<usize>() > 64 * 1024);
    assert!(super::super::windowed_candidates(FileFormat::JavaScript, &text, &windows).is_some(), "it would parse");
    assert!(super::super::windowed(FileFormat::JavaScript, &text, &hits).is_none(), "but is not parsed");
    let found = super::super::analyze(FileFormat::JavaScript, &text);
    assert!(found.iter().any(|d| &text[d.span.start..d.span.end] == "Xk9mP2vL7qTz"), "{found:?}");
}

#[test]
fn companion_windows_answer_as_the_whole_file_does() {
    use crate::detect::group;
    use crate::model::Detection;
    let filler: String = (0..300).map(|i| format!("  function f{i}(a) {{\n    return a + {i};\n  }}\n")).collect();
    let text = format!(
        "(function () {{\n  var DB_HOST = 'db.internal.example';\n{filler}  function connect() {{\n    var db = {{\n      user: 'app',\n      password: 'Zq8vR2mK4pLw',\n    }};\n    return db;\n  }}\n{filler}  var DB_PASSWORD = 'Xk3vP9qLm2Rt';\n}})();\n"
    );
    let key = |d: &Detection| (d.span.start, d.kind, d.group.clone(), d.rule.clone());
    let windowed: Vec<_> = super::super::analyze(FileFormat::JavaScript, &text).iter().map(key).collect();
    let whole: Vec<_> = group::group(super::super::candidates(FileFormat::JavaScript, &text)).iter().map(key).collect();
    assert_eq!(windowed, whole);
    assert_eq!(windowed.len(), 4, "{windowed:?}");
    // Nested windows: the bundle's one top-level function is not read whole.
    let hits = text.match_indices("password: '").map(|(i, m)| i..i + m.len());
    assert!(ranges(FileFormat::JavaScript, &text, hits, true).is_some());
    let hits = text.match_indices("password: '").map(|(i, m)| i..i + m.len());
    assert!(ranges(FileFormat::JavaScript, &text, hits, false).is_none());
}

#[test]
fn dotted_credential_names_are_companion_sites() {
    use crate::detect::group;
    use crate::model::Detection;
    let filler: String = (0..300).map(|i| format!("  function f{i}(a) {{\n    return a + {i};\n  }}\n")).collect();
    let text = format!(
        "(function () {{\n{filler}  var conf = {{\n    'fs.s3a.access.key': 'AKIAIMHMSHTGARJYSKMQ',\n    'fs.s3a.secret.key': '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',\n  }};\n{filler}}})();\n"
    );
    let key = |d: &Detection| (d.span.start, d.kind, d.name.clone(), d.group.clone(), d.rule.clone());
    let windowed: Vec<_> = super::super::analyze(FileFormat::JavaScript, &text).iter().map(key).collect();
    let whole: Vec<_> = group::group(super::super::candidates(FileFormat::JavaScript, &text)).iter().map(key).collect();
    assert_eq!(windowed, whole);
    assert!(windowed.iter().any(|k| k.2.as_deref() == Some("fs.s3a.access.key")), "{windowed:?}");
}

#[test]
fn small_files_and_php_templates_are_whole() {
    assert!(ranges(FileFormat::Python, "token = 'x'\n", std::iter::once(0..5), true).is_none());
    let filler = "$x = 0;\n".repeat(MIN_WINDOWED);
    let code = format!("<?php\n$a = 1;\n$token = 'x';\n{filler}");
    let at = code.find("$token").unwrap();
    let ws = ranges(FileFormat::Php, &code, std::iter::once(at..at + 6), true).unwrap();
    assert_eq!(ws.iter().map(|w| &code[w.clone()]).collect::<Vec<_>>(), ["<?php", "$token = 'x';\n"]);
    let template = format!("<p>\n<?php\n$token = 'x';\n{filler}?>\n</p>\n");
    assert!(ranges(FileFormat::Php, &template, std::iter::once(10..16), true).is_none());
}

#[test]
fn points_count_rows_and_columns() {
    let text = "a\nbb\nccc\n";
    let r = included(text, &[2..5, 5..9]);
    assert_eq!((r[0].start_point.row, r[0].start_point.column), (1, 0));
    assert_eq!((r[1].start_point.row, r[1].end_point.row, r[1].end_point.column), (2, 3, 0));
}

#[test]
fn remembered_statements_are_the_ones_walked_from_each_hit() {
    // Random files of top-level, indented, closing, decorator and comment lines; random hits on
    // one or several lines, in order. The remembered bounds must be the walked ones everywhere.
    let mut next = crate::detect::words::tests::xorshift(0x2545_f491_4f6c_dd1d);
    let pieces = ["x = 1", "  y = 2", "\tz", "}", ")", "@dec", "# c", "", "end", "else:", ".call()", "// c"];
    let conts: [fn(&[u8]) -> bool; 3] = [python_continues, brace_continues, ruby_continues];
    let mut checked = 0;
    for _ in 0..600 {
        let n = 1 + (next() % 30) as usize;
        let text: String = (0..n).map(|_| format!("{}\n", pieces[(next() % pieces.len() as u64) as usize])).collect();
        let b = text.as_bytes();
        let mut hits: Vec<Range<usize>> = (0..(next() % 12))
            .map(|_| {
                let start = (next() % b.len() as u64) as usize;
                let len = if next().is_multiple_of(4) { next() % 20 } else { next() % 3 } as usize;
                start..(start + len).min(b.len())
            })
            .collect();
        hits.sort_by_key(|h| (h.start, h.end));
        for cont in conts {
            let mut statements = Statements::new(cont);
            for hit in &hits {
                let walked = statement_start(b, hit.start, cont)..statement_end(b, hit.end, cont, &[]);
                assert_eq!(statements.end(b, hit.end), walked.end, "{text:?} end of {hit:?}");
                assert_eq!(statements.of(b, hit), walked, "{text:?} at {hit:?}");
                checked += 1;
            }
        }
    }
    assert!(checked > 5_000, "{checked}");
}

#[test]
fn hits_on_the_lines_of_the_hit_before_repeat_it() {
    let text = "a = 1\nuser = 'u'; password = 'p'\nb = 2\n";
    let mut s = Statements::new(python_continues);
    assert!(!s.repeats(text.as_bytes(), &(6..10)));
    assert!(s.repeats(text.as_bytes(), &(18..26)), "same line");
    assert!(!s.repeats(text.as_bytes(), &(34..35)), "next line");
    assert!(!s.repeats(text.as_bytes(), &(18..35)), "ends on another line");
}
