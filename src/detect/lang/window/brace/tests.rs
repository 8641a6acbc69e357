//! Unit tests of the brace languages' nested windows: their shapes, and where they give way.

use super::*;

fn windows(text: &str, needle: &str) -> Option<Vec<String>> {
    let at = text.find(needle).expect("needle");
    let mut ws = nested(text.as_bytes(), at..at + needle.len(), &mut Memo::brace())?;
    ws.sort_by_key(|w| w.start);
    Some(ws.into_iter().map(|w| text[w].to_string()).collect())
}

#[test]
fn a_field_deep_in_a_namespace_comes_with_its_headers_and_closers() {
    let text = "declare namespace Api {\n  export interface A {\n    Name?: string;\n  }\n  export interface Req {\n    Other?: string;\n    pageToken?: 'x';\n    Next?: string;\n  }\n}\nexport = Api;\n";
    assert_eq!(
        windows(text, "pageToken").unwrap(),
        ["declare namespace Api {\n", "  export interface Req {\n", "    pageToken?: 'x';\n", "  }\n", "}\n"]
    );
}

#[test]
fn a_statement_takes_its_deeper_lines_and_its_own_closer() {
    let text = "func TestX(t *testing.T) {\n\tx := 1\n\tcfg := Config{\n\t\tPassword: \"p\",\n\t}\n\ty := 2\n}\n";
    assert_eq!(
        windows(text, "cfg").unwrap(),
        ["func TestX(t *testing.T) {\n", "\tcfg := Config{\n\t\tPassword: \"p\",\n\t}\n", "}\n"]
    );
}

#[test]
fn a_header_opening_two_blocks_takes_both_closing_lines() {
    let text = "func T() {\n\tf(Config{\n\t\tSources: []*S{{\n\t\t\tName: \"x\",\n\t\t\tToken: \"t\",\n\t\t},\n\t\t},\n\t})\n}\n";
    assert_eq!(
        windows(text, "Token").unwrap(),
        [
            "func T() {\n",
            "\tf(Config{\n",
            "\t\tSources: []*S{{\n",
            "\t\t\tToken: \"t\",\n",
            "\t\t},\n",
            "\t\t},\n",
            "\t})\n",
            "}\n"
        ]
    );
}

#[test]
fn hits_in_a_raw_string_are_hits_on_the_literal() {
    let text =
        "// a `quoted` word\nfunc T() {\n\ts := \"`\"\n\tc := `\n\t\tauth {\n\t\t\ttoken: \"x\"\n\t\t}\n\t`\n}\n";
    let raws = raw_strings(FileFormat::Go, text.as_bytes());
    assert_eq!(raws.len(), 1);
    assert!(text[raws[0].clone()].starts_with("`\n\t\tauth {"));
    let at = text.find("token").unwrap();
    let hit = widen(at..at + 5, &raws);
    let ws = nested(text.as_bytes(), hit, &mut Memo::brace()).unwrap();
    let mut ws: Vec<_> = ws.into_iter().map(|w| &text[w]).collect();
    ws.sort();
    assert!(ws.iter().any(|w| w.starts_with("\tc := `") && w.ends_with("\t`\n")), "{ws:?}");
}

#[test]
fn block_comments_and_php_strings_over_several_lines_are_literals() {
    let php = "<?php\n# it's\n$a = 'x'; // don't\n$b = 'multi\nline';\n/*\n  'password' => 'p',\n*/\n$c = \"one\";\n";
    let raws: Vec<_> = raw_strings(FileFormat::Php, php.as_bytes()).into_iter().map(|r| &php[r]).collect();
    assert_eq!(raws, ["'multi\nline'", "/*\n  'password' => 'p',\n*/"]);
    // (Outside PHP a quote never spans lines, and `#` is no comment.)
    let js = "var a = '#'; /* one */ var b = `t\n`;\n/* x\n*/\n";
    let raws: Vec<_> = raw_strings(FileFormat::JavaScript, js.as_bytes()).into_iter().map(|r| &js[r]).collect();
    assert_eq!(raws, ["`t\n`", "/* x\n*/"]);
    assert_eq!(raw_strings(FileFormat::Java, js.as_bytes()).len(), 1, "Java has no backtick literals");
}

#[test]
fn a_bundle_body_under_a_condition_comes_with_the_condition_line() {
    // react-dom's development builds: the whole bundle is one `cond && (function () {…})();`.
    let text = "'use strict';\n\"production\" !== process.env.NODE_ENV &&\n  (function () {\n    function a() {\n      return 1;\n    }\n    var config = {\n      password: 'x'\n    };\n  })();\n";
    assert_eq!(
        windows(text, "password").unwrap(),
        [
            "\"production\" !== process.env.NODE_ENV &&\n",
            "  (function () {\n",
            "    var config = {\n",
            "      password: 'x'\n",
            "    };\n",
            "  })",
            "\n"
        ]
    );
}

#[test]
fn a_umd_factory_opened_after_a_closer_comes_with_its_wrapper_lines() {
    let text = "(function (global, factory) {\n  typeof exports === 'object' ? factory(exports) : factory(global.x = {});\n})(this, (function (exports) { 'use strict';\n  var a = 1;\n  var config = {\n    password: 'x'\n  };\n}));\n";
    assert_eq!(
        windows(text, "password").unwrap(),
        [
            "(function (global, factory) {\n",
            "})(this, (function (exports) { 'use strict';\n",
            "  var config = {\n",
            "    password: 'x'\n",
            "  };\n",
            "}));\n"
        ]
    );
}

#[test]
fn a_case_clause_comes_with_its_switch_without_the_clauses_before_it() {
    let go = "func f(x string) string {\n\tswitch x {\n\tcase \"a\":\n\t\treturn \"1\"\n\tcase \"b\":\n\t\ttoken := \"abc\"\n\t\treturn token\n\tdefault:\n\t\treturn \"\"\n\t}\n}\n";
    assert_eq!(
        windows(go, "token := ").unwrap(),
        ["func f(x string) string {\n", "\tswitch x {\n", "\tcase \"b\":\n", "\t\ttoken := \"abc\"\n", "\t}\n", "}\n"]
    );
    let js = "function f(x) {\n  switch (x) {\n    case 'a':\n      return 1;\n    case 'b':\n      token = 'abc';\n      break;\n  }\n}\n";
    assert_eq!(
        windows(js, "token = ").unwrap(),
        ["function f(x) {\n", "  switch (x) {\n", "    case 'b':\n", "      token = 'abc';\n", "  }\n", "}\n"]
    );
}

#[test]
fn a_hit_inside_a_multi_line_expression_is_read_with_its_whole_statement() {
    let text = "function f(x) {\n  var a = 1;\n  var bucket =\n    \"use-credentials\" === x\n      ? \"credentials\"\n      : \"\";\n  return bucket;\n}\n";
    assert_eq!(
        windows(text, "credentials\"\n").unwrap(),
        [
            "function f(x) {\n",
            "  var bucket =\n    \"use-credentials\" === x\n      ? \"credentials\"\n      : \"\";\n",
            "}\n"
        ]
    );
}

#[test]
fn a_brace_on_its_own_line_comes_with_the_signature_above_it() {
    let text = "class A extends B\n{\n    public function f()\n    {\n        return 1;\n    }\n\n    public function __construct(\n        $a,\n        $b\n    )\n    {\n        $x = 1;\n        $this->password = 'abc';\n    }\n}\n";
    assert_eq!(
        windows(text, "password").unwrap(),
        [
            "class A extends B\n",
            "{\n",
            "    public function __construct(\n        $a,\n        $b\n    )\n",
            "    {\n",
            "        $this->password = 'abc';\n",
            "    }\n",
            "}\n"
        ]
    );
    // A bare block after a statement, a table's element: the `{` alone.
    assert_eq!(
        windows("function f() {\n  x();\n  {\n    token = 'x';\n  }\n}\n", "token").unwrap(),
        ["function f() {\n", "  {\n", "    token = 'x';\n", "  }\n", "}\n"]
    );
    let go = "func T() {\n\tcases := []c{\n\t\t{\n\t\t\tname: \"a\",\n\t\t},\n\t\t{\n\t\t\tpassword: \"p\",\n\t\t},\n\t}\n}\n";
    assert_eq!(
        windows(go, "password").unwrap(),
        ["func T() {\n", "\tcases := []c{\n", "\t\t{\n", "\t\t\tpassword: \"p\",\n", "\t\t},\n", "\t}\n", "}\n"]
    );
}

#[test]
fn continuations_and_strings_at_column_zero_fall_back() {
    // A header that continues a call: the top-level statement decides.
    assert!(windows("foo(a,\n  b, {\n    password: 'x'\n  })\n", "password").is_none());
    // `} else {` above: read with the `if` it continues, without the `if`'s body.
    assert_eq!(
        windows("function f() {\n  if (a) {\n    x();\n  } else {\n    token = 'x';\n  }\n}\n", "token").unwrap(),
        ["function f() {\n", "  if (a) {\n", "  } else {\n", "    token = 'x';\n", "  }\n", "}\n"]
    );
    // A raw string whose lines sit at column 0 inside the function: no closer where expected.
    assert!(windows("func T() {\n\tc := `\nauth {\n`\n\ttoken := \"x\"\n}\n", "token").is_none());
    assert!(windows("func T() {\n\ttoken := \"x\"\n\tc := `\nauth {\n`\n}\n", "token").is_none());
    // At the top level: the statement itself.
    assert!(windows("const token = 'x';\n", "token").is_none());
}
