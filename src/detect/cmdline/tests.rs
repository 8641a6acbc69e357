//! Unit tests of `cmdline` (moved out to keep the module under ~500 lines).

use super::*;

fn found(text: &str) -> Vec<(String, String)> {
    candidates(text).into_iter().map(|c| (c.name, c.value.expose().to_string())).collect()
}

#[test]
fn the_hint_automaton_reads_the_lines_a_per_line_check_reads() {
    // The per-line check it replaced: a flag character and a hint in the lowercased line.
    let old = |line: &str| {
        line.len() <= 4096
            && line.bytes().any(|b| b == b'-' || b == b'/')
            && HINTS.iter().any(|h| line.to_ascii_lowercase().contains(h))
    };
    let text = "x = 1\n--PASSWORD s3\r\n// a comment\ncurl -u a:b https://h\n\nfn key() -> u8\nmysql\n\
                plain token line\n/usr/bin/Secret\n-p\tAUTH\nTOKEN";
    let hints: Vec<usize> = words::Hits::scan(text).starts(words::HINT).collect();
    let mut off = 0;
    let mut read = 0;
    for line in text.split_inclusive('\n') {
        let body = line.trim_end_matches(['\n', '\r']);
        let hinted = hints.iter().any(|&h| h >= off && h < off + body.len());
        assert_eq!(hinted && worth_reading(body), old(body), "{body:?}");
        read += usize::from(old(body));
        off += line.len();
    }
    assert_eq!(read, 5);
    assert!(found("no hint -- at all / here\n").is_empty());
    // The SQL keywords from the same pass as separate passes find them.
    let sql_text = "x identified by 'a'\nkeypassword = 'b'\nPASSPASSWORD('c') identifiedpassword";
    let own: Vec<(bool, usize, usize)> = words::Hits::scan(sql_text).sql_keywords().collect();
    let separate: Vec<(bool, usize, usize)> = aho_corasick::AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .build(crate::detect::sql::KEYWORDS)
        .unwrap()
        .find_iter(sql_text)
        .map(|m| (m.pattern().as_usize() == 0, m.start(), m.end()))
        .collect();
    assert_eq!(own, separate);
    assert_eq!(own.len(), 5);
    assert_eq!(found("run --user admin --password=Hx9-q\n").len(), 2);
}

#[test]
fn looking_back_for_the_command_start_gives_the_scopes_a_line_by_line_pass_gives() {
    // The line-by-line pass it replaced: each line's scope is where its command started.
    let reference = |text: &str| {
        let hints: Vec<usize> = words::Hits::scan(text).starts(words::HINT).collect();
        let (mut out, mut off, mut scope, mut continued) = (Vec::new(), 0, 0, false);
        for line in text.split_inclusive('\n') {
            let body = line.trim_end_matches(['\n', '\r']);
            if !continued {
                scope = off;
            }
            continued = continues(body);
            if hints.iter().any(|&h| h >= off && h < off + body.len()) && worth_reading(body) {
                read_line(body, off, scope, &mut out);
            }
            off += line.len();
        }
        out
    };
    let key = |c: &Candidate| (c.name.clone(), c.value.expose().to_string(), c.span, c.scope);
    let text = "docker run \\\n  -e DB_HOST=db \\\n  -e DB_PASSWORD=Hq8-x1 \\\n  --name app\n\
                mysql -h db -u app -pS3cr3t-9 \r\n\n\
                Invoke-Thing `\r\n  -Password 'Pw-77q' `\r\n  -User admin\r\n\
                curl -u ops:Tk-551 https://h ^\n  --data token=Zz-901\n\
                plain line\n--password last-Qx7";
    let got: Vec<_> = with_sql(text, true, false).iter().map(key).collect();
    let want: Vec<_> = reference(text).iter().map(key).collect();
    assert_eq!(got, want);
    assert!(got.len() >= 6, "{got:?}");
    // The password of the continued `docker run` shares its scope with the command's first line.
    assert!(got.iter().any(|(n, _, _, s)| n == "DB_PASSWORD" && *s == Some(0)), "{got:?}");
}

#[test]
fn flags_powershell_and_curl() {
    let t = "nats server report --user admin --password s3cr3t!\n\
             $SecPassword = ConvertTo-SecureString 'Wint3r!x' -AsPlainText -Force\n\
             curl -s --user \"deploy:Qp7-zz\" https://x\n\
             mysqldump -u app -pHq8x db\n\
             docker run -e MYSQL_PASSWORD=Zb9q -d mysql\n\
             curl -k https://h/login -d username=ops -d password='F0rm-pw' --data 'user=a&api_token=T0k-99x'\n";
    let got = found(t);
    for want in [
        ("password", "s3cr3t!"),
        ("SecPassword", "Wint3r!x"),
        ("password", "Qp7-zz"),
        ("password", "Hq8x"),
        ("MYSQL_PASSWORD", "Zb9q"),
        ("password", "F0rm-pw"),
        ("api_token", "T0k-99x"),
        ("user", "admin"),
    ] {
        assert!(got.iter().any(|(n, v)| n == want.0 && v == want.1), "{want:?} in {got:?}");
    }
}

#[test]
fn help_text_and_prose_are_not_values() {
    for t in [
        "  --password TEXT   The password\n",
        "  --password    the password to use\n",
        "use the --password flag to set it\n",
        "args = ['--password', password]\n",
        "--password $DB_PASS\n",
        "-p, --password PASSWORD\n",
    ] {
        let got: Vec<_> = found(t).into_iter().filter(|(n, v)| n != "user" && !v.starts_with('$')).collect();
        assert!(got.is_empty(), "{t:?}: {got:?}");
    }
}
