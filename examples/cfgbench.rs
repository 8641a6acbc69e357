use hoist::format::FileFormat;
use std::time::Instant;
fn main() {
    let root = std::env::args().nth(1).unwrap();
    let mut per: std::collections::BTreeMap<&'static str, (usize, usize, f64)> = Default::default();
    for e in ignore::WalkBuilder::new(&root).build().flatten() {
        let p = e.path();
        if !p.is_file() { continue; }
        let f = FileFormat::of(p);
        if !hoist::detect::config::handles(f) || f == FileFormat::Text { continue; }
        let Ok(t) = std::fs::read_to_string(p) else { continue };
        if t.len() > 5_000_000 { continue; }
        let s = Instant::now();
        let d = hoist::detect::config::analyze(p.strip_prefix(&root).unwrap(), f, &t);
        let el = s.elapsed().as_secs_f64();
        let x = per.entry(f.as_str()).or_default();
        x.0 += 1; x.1 += d.len(); x.2 += el;
        if el > 0.2 { eprintln!("slow {:.2}s {} {}", el, t.len(), p.display()); }
    }
    for (k, v) in per { println!("{k:12} files={:6} dets={:5} secs={:.2}", v.0, v.1, v.2); }
}
