use super::*;
use crate::model::Strategy;
use crate::rewrite::journal::{AppliedSite, MovedSite};

fn site(text: &str, raw: &str, value: &str, fp: &Fingerprinter) -> Site {
    let start = text.find(raw).expect("raw in text");
    Site {
        path: "f".into(),
        line: 1,
        span: Span::new(start, start + raw.len()),
        fingerprint: fp.fingerprint(value),
        encoding: encoding_of(raw, value),
        raw_fingerprint: None,
        rule: "t".into(),
        format: "text".into(),
        strategy: Strategy::Env,
        env_var: None,
        name: None,
        deploy: None,
        reason: None,
    }
}

#[test]
fn picks_the_most_literal_spelling_that_decodes_to_the_value() {
    let e = |raw: &str, value: &str| encoding_of(raw, value).map(|e| e.to_string());
    assert_eq!(e("s3cret", "s3cret").as_deref(), Some("raw"));
    assert_eq!(e(r"line1\nline2", "line1\nline2").as_deref(), Some("c-escape"));
    assert_eq!(e(r"tab\there", "tab\there").as_deref(), Some("c-escape"));
    assert_eq!(e(r"caf\u00e9", "caf\u{e9}").as_deref(), Some("c-escape"));
    assert_eq!(e(r"\ud83d\ude00x", "\u{1F600}x").as_deref(), Some("c-escape"));
    assert_eq!(e(r"a\:b", "a:b").as_deref(), Some("json"), "properties / JSON drop unknown escapes");
    assert_eq!(e("it''s", "it's").as_deref(), Some("yaml-single"));
    assert_eq!(e("a&amp;b", "a&b").as_deref(), Some("xml"));
    assert_eq!(e("czNjcmV0LXZhbHVl", "s3cret-value").as_deref(), Some("base64"));
    assert_eq!(e("p%40ss%2Fw", "p@ss/w").as_deref(), Some("raw+percent"));
    assert_eq!(e("postgresql", "postgres").as_deref(), Some("raw+engine"));
    assert_eq!(e("postgresql+psycopg2", "postgres").as_deref(), Some("raw+engine"));
    assert_eq!(e("mongodb+srv", "mongo").as_deref(), Some("raw+engine"));
    assert_eq!(e("something", "else"), None);
}

#[test]
fn encodings_round_trip_through_their_names_and_reject_unknown_ones() {
    for enc in Encoding::all() {
        assert_eq!(enc.to_string().parse::<Encoding>(), Ok(enc));
        let yaml = serde_yaml::to_string(&enc).unwrap();
        assert_eq!(serde_yaml::from_str::<Encoding>(&yaml).unwrap(), enc);
    }
    assert!("rot13".parse::<Encoding>().unwrap_err().contains("unknown encoding"));
}

#[test]
fn reads_the_recorded_spelling_and_every_spelling_for_old_plans() {
    let fp = Fingerprinter::new(b"k".to_vec());
    let text = r#"url = "postgresql://app:Qw\u00e9@db/orders""#;
    let mut s = site(text, "postgresql", "postgres", &fp);
    assert!(read(text, s.span, &s, &fp).is_some());
    s.encoding = None; // a plan from before encodings were recorded
    assert!(read(text, s.span, &s, &fp).is_some());
    s.encoding = Some(Encoding::RAW); // the wrong spelling never matches
    assert!(read(text, s.span, &s, &fp).is_none());
    let pw = site(text, r"Qw\u00e9", "Qw\u{e9}", &fp);
    let r = read(text, pw.span, &pw, &fp).unwrap();
    assert_eq!(r.value.expose(), "Qw\u{e9}");
    assert_eq!(r.raw.expose(), r"Qw\u00e9");
}

#[test]
fn a_site_is_pending_applied_moved_or_stale() {
    let fp = Fingerprinter::new(b"k".to_vec());
    let text = "a = 'tok-1234567'\n";
    let s = site(text, "tok-1234567", "tok-1234567", &fp);
    let empty = Journal::default();
    assert_eq!(locate(text, &s, &fp, &empty).state, SiteState::Pending);
    let rewritten = "a = os.environ['A']\n";
    assert!(matches!(locate(rewritten, &s, &fp, &empty).state, SiteState::Stale(w) if w.contains("no longer")));
    let done = Journal { sites: vec![AppliedSite::of(&s)], moved: vec![] };
    assert_eq!(locate(rewritten, &s, &fp, &done).state, SiteState::Applied);
    // Crash after the journal but before the file: the value is still there, so still pending.
    assert_eq!(locate(text, &s, &fp, &done).state, SiteState::Pending);
    let shifted = "import os\na = 'tok-1234567'\n";
    assert!(matches!(locate(shifted, &s, &fp, &empty).state, SiteState::Stale(w) if w.contains("moved to line 2")));
    let at = shifted.find("tok").unwrap();
    let moved = Journal {
        sites: vec![],
        moved: vec![MovedSite { site: AppliedSite::of(&s), span: Span::new(at, at + 11), line: 2 }],
    };
    let l = locate(shifted, &s, &fp, &moved);
    assert_eq!((l.state, l.current.line, l.current.span.start), (SiteState::Pending, 2, at));
}

#[test]
fn an_unreadable_value_is_planned_manual_with_the_reason() {
    let (s, r) = readable(None, Strategy::Env, None);
    assert_eq!(s, Strategy::Manual);
    assert!(r.unwrap().contains("by hand"));
    assert_eq!(readable(None, Strategy::Skip, None).0, Strategy::Skip);
    assert_eq!(readable(Some(Encoding::RAW), Strategy::Sdk, None).0, Strategy::Sdk);
}

#[test]
fn a_percent_encoded_url_password_stands_for_its_decoded_value() {
    let text = "DATABASE_URL=postgres://app%2Duser:p%40ss%3Aw0rd%2FXy@db:5432/app\n";
    let span_of = |v: &str| {
        let s = text.find(v).unwrap();
        Span::new(s, s + v.len())
    };
    let pw = "p%40ss%3Aw0rd%2FXy";
    assert_eq!(url_userinfo_value(text, span_of(pw), pw).as_deref(), Some("p@ss:w0rd/Xy"));
    assert_eq!(url_userinfo_value(text, span_of("app%2Duser"), "app%2Duser").as_deref(), Some("app-user"));
    // The decoded value reads back from the file as spelled.
    assert_eq!(encoding_of(pw, "p@ss:w0rd/Xy").map(|e| e.to_string()).as_deref(), Some("raw+percent"));
    // The whole URL, a path part, a query value and a password without escapes are left alone.
    let url = &text[13..text.len() - 1];
    assert_eq!(url_userinfo_value(text, span_of(url), url), None);
    let q = "x=a%40b\nurl = \"https://h/p%40th?k=v%40w\"\nu = 'mysql://root:plain@h'\n";
    let s = q.find("a%40b").unwrap();
    assert_eq!(url_userinfo_value(q, Span::new(s, s + 5), "a%40b"), None);
    let s = q.find("p%40th").unwrap();
    assert_eq!(url_userinfo_value(q, Span::new(s, s + 6), "p%40th"), None);
    let s = q.find("plain").unwrap();
    assert_eq!(url_userinfo_value(q, Span::new(s, s + 5), "plain"), None);
}
