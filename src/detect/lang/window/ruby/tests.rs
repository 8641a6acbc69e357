//! Unit tests of Ruby's nested windows: their shapes, and where they give way to the statement.

use super::*;

fn windows(text: &str, needle: &str) -> Option<Vec<String>> {
    let at = text.find(needle).expect("needle");
    let (raws, mut memo) = super::super::literals(crate::format::FileFormat::Ruby, text.as_bytes(), true);
    let hit = super::super::brace::widen(at..at + needle.len(), &raws);
    let mut ws = nested(text.as_bytes(), hit, &mut memo)?;
    ws.sort_by_key(|w| w.start);
    ws.dedup_by(|w, kept| w.end <= kept.end); // (Ranges inside another: the caller merges them.)
    Some(ws.into_iter().map(|w| text[w].to_string()).collect())
}

#[test]
fn a_spec_example_comes_with_its_describe_and_closing_ends() {
    let text = "require 'x'\n\ndescribe Client do\n  let(:a) { 1 }\n\n  it 'lists' do\n    expect(a).to eq 1\n  end\n\n  it 'logs in' do\n    # a comment\n    client = Client.new(password: 'hunter2hunter2')\n    expect(client).to be_ok\n  end\nend\n";
    assert_eq!(
        windows(text, "password").unwrap(),
        [
            "describe Client do\n",
            "  it 'logs in' do\n",
            "    client = Client.new(password: 'hunter2hunter2')\n",
            "  end\n",
            "end\n"
        ]
    );
}

#[test]
fn a_method_in_a_class_in_a_module_and_a_block_statement_with_its_end() {
    let text = "module Aws\n  class Creds\n    def other\n      1\n    end\n\n    def get # the keys\n      x = 1\n      config = {\n        :secret_key => 'abc',\n      }\n      config.each do |k, v|\n        puts k\n      end\n    end\n  end\nend\n";
    assert_eq!(
        windows(text, "config = {").unwrap(),
        [
            "module Aws\n",
            "  class Creds\n",
            "    def get # the keys\n",
            "      config = {\n        :secret_key => 'abc',\n",
            "      }\n",
            "    end\n",
            "  end\n",
            "end\n"
        ]
    );
    assert_eq!(
        windows(text, ":secret_key").unwrap(),
        [
            "module Aws\n",
            "  class Creds\n",
            "    def get # the keys\n",
            "      config = {\n",
            "        :secret_key => 'abc',\n",
            "      }\n",
            "    end\n",
            "  end\n",
            "end\n"
        ]
    );
}

#[test]
fn branches_come_with_the_line_opening_their_statement_without_earlier_bodies() {
    let text = "def connect(env)\n  if env == 'prod'\n    a = 1\n  elsif env == 'dev'\n    b = 2\n  else\n    token = 'abc'\n  end\nrescue Error => e\n  raise\nend\n";
    assert_eq!(
        windows(text, "token").unwrap(),
        [
            "def connect(env)\n",
            "  if env == 'prod'\n",
            "  elsif env == 'dev'\n",
            "  else\n",
            "    token = 'abc'\n",
            "  end\n",
            "end\n"
        ]
    );
    let text = "def connect\n  x = 1\nrescue Error => e\n  password = 'abc'\nend\n";
    assert_eq!(
        windows(text, "password").unwrap(),
        ["def connect\n", "rescue Error => e\n", "  password = 'abc'\n", "end\n"]
    );
}

#[test]
fn headers_the_lines_cannot_vouch_for_fall_back() {
    // At the top level: the statement itself.
    assert!(windows("password = 'x'\n", "password").is_none());
    // A block closed and chained into another.
    assert!(
        windows("def f\n  a.map do |x|\n    x\n  end.each do |y|\n    password = 'x'\n  end\nend\n", "password")
            .is_none()
    );
    // A header over several lines.
    assert!(windows("def f(a,\n      b)\n  password = 'x'\nend\n", "password").is_none());
    // No `end` where the header's indentation says.
    assert!(windows("def f\n  password = 'x'\n  end\n", "password").is_none());
    // A hit on a branch or a chained line continues the statement above.
    assert!(windows("def f\n  a\n  .where(password: 'x')\nend\n", "password").is_none());
}

#[test]
fn heredocs_are_read_whole_and_their_bodies_are_no_code() {
    // A hit in a heredoc's body is a hit on the statement that opens it.
    let text = "def f\n  x = 1\n  sql = <<~SQL\n    password = 'x'\n  SQL\n  y = 2\nend\n";
    assert_eq!(windows(text, "password").unwrap(), ["def f\n", "  sql = <<~SQL\n    password = 'x'\n  SQL\n", "end\n"]);
    // A body at column 0 between a hit and its header, or inside the hit's statement.
    let text = "def f\n  a = <<-EOS\nbody\n  EOS\n  password = 'x'\nend\n";
    assert_eq!(windows(text, "password").unwrap(), ["def f\n", "  password = 'x'\n", "end\n"]);
    let text = "module M\n  def f\n    c(<<EOS, <<~'B')\ntoken: 1\nEOS\n  x\n    B\n  end\nend\n";
    assert_eq!(
        windows(text, "c(<<").unwrap(),
        ["module M\n", "  def f\n", "    c(<<EOS, <<~'B')\ntoken: 1\nEOS\n  x\n    B\n", "  end\n", "end\n"]
    );
    let docs: Vec<_> =
        heredocs(text.as_bytes()).into_iter().map(|(at, body)| (&text[at..at + 5], &text[body])).collect();
    assert_eq!(docs, [("<<EOS", "token: 1\nEOS"), ("<<~'B", "  x\n    B")]);
    // Shifts and singleton classes are no heredocs; a heredoc never closed ends the search.
    for none in [
        "list << item\nclass << self\nend\n",
        "a <<b\nb\n",
        "x = <<~EOS\nno end\n",
        "# <<~EOS\nEOS\n",
        "s = '<<~EOS'\nEOS\n",
    ] {
        assert!(heredocs(none.as_bytes()).is_empty(), "{none:?}");
    }
}

#[test]
fn headers_are_told_by_their_words_and_their_last_code() {
    for yes in [
        "def f",
        "class A < B",
        "module M",
        "if a",
        "x = if a",
        "y ||= begin",
        "a.each do |x, y|",
        "foo {",
        "foo { |x|",
        "h = {",
        "f(",
        "%w[",
        "it 'x' do # c",
        "def x=(v)",
        "def ==(o)",
    ] {
        assert!(opens(yes.as_bytes()), "{yes}");
    }
    for no in [
        "x = 1",
        "class A; end",
        "if a then b end",
        "def f = 1",
        "def f(a) = a * 2",
        "s = \"do {\"",
        "x = a || b",
        "puts 'do'",
        "s = \"#{a} {",
    ] {
        assert!(!opens(no.as_bytes()), "{no}");
    }
}

#[test]
fn methods_below_an_outdented_private_are_still_the_classs() {
    let text = "class Client\n  def a\n    1\n  end\n\nprivate\n\n  def connect\n    password = 'abc'\n  end\nend\n";
    let want = ["class Client\n", "  def connect\n", "    password = 'abc'\n", "  end\n", "end\n"];
    assert_eq!(windows(text.replace("\nprivate", "\n  private").as_str(), "password").unwrap(), want);
    assert_eq!(windows(text, "password").unwrap(), want);
    // (Not a visibility line: a call with arguments.)
    assert!(windows(&text.replace("\nprivate", "\nprivate :a"), "password").is_none());
}
