//! The lines git's default diff (Myers, indent heuristic: `xdiff`) marks as added, for the
//! changes where its answer can be known without porting all of xdiff: after trimming the common
//! head and tail of the two files (as `xdl_trim_ends` does), the changed middle of the new file
//! shares no line with the old one's, so any minimal diff changes all of both middles. What is left
//! is how git slides that change group (`xdl_change_compact` with the indent heuristic), ported
//! here line for line. Any other change (edits in several places, a middle that repeats an old
//! line) is `None`: the caller asks git.

use super::diff::LineSet;
use std::collections::HashSet;

/// One side of the diff: its lines (with their `\n`) and which are changed (`rchg`, with a
/// zero sentinel before the first and after the last line, as xdiff keeps it).
struct Side<'a> {
    recs: Vec<&'a [u8]>,
    rchg: Vec<bool>,
}

impl<'a> Side<'a> {
    fn new(data: &'a [u8]) -> Self {
        let recs: Vec<&[u8]> = data.split_inclusive(|&b| b == b'\n').collect();
        let rchg = vec![false; recs.len() + 2];
        Side { recs, rchg }
    }

    fn nrec(&self) -> i64 {
        self.recs.len() as i64
    }

    /// `rchg[i]` for `-1 <= i <= nrec`.
    fn chg(&self, i: i64) -> bool {
        self.rchg[(i + 1) as usize]
    }

    fn set(&mut self, i: i64, v: bool) {
        self.rchg[(i + 1) as usize] = v;
    }

    fn rec(&self, i: i64) -> &[u8] {
        self.recs[i as usize]
    }
}

/// The new-side lines (1-based) git's diff of `old` → `new` adds, when certain; see the module note.
pub fn added_lines(old: &[u8], new: &[u8]) -> Option<LineSet> {
    let mut a = Side::new(old);
    let mut b = Side::new(new);
    let (n, m) = (a.recs.len(), b.recs.len());
    let lim = n.min(m);
    let head = (0..lim).find(|&i| a.recs[i] != b.recs[i]).unwrap_or(lim);
    let tail = (0..lim - head).find(|&i| a.recs[n - 1 - i] != b.recs[m - 1 - i]).unwrap_or(lim - head);
    let (old_mid, new_mid) = (&a.recs[head..n - tail], &b.recs[head..m - tail]);
    let mut set = LineSet::default();
    if new_mid.is_empty() {
        return Some(set);
    }
    if !old_mid.is_empty() {
        let old_lines: HashSet<&[u8]> = old_mid.iter().copied().collect();
        if new_mid.iter().any(|l| old_lines.contains(l)) {
            return None;
        }
    }
    for i in head..n - tail {
        a.set(i as i64, true);
    }
    for i in head..m - tail {
        b.set(i as i64, true);
    }
    compact(&mut a, &b)?;
    compact(&mut b, &a)?;
    for i in 0..m {
        if b.chg(i as i64) {
            set.push(i + 1);
        }
    }
    Some(set)
}

/// A group of changed lines: `start..end` (empty when equal), as xdiff's `struct xdlgroup`.
#[derive(Clone, Copy)]
struct Group {
    start: i64,
    end: i64,
}

fn group_init(x: &Side) -> Group {
    let mut g = Group { start: 0, end: 0 };
    while x.chg(g.end) {
        g.end += 1;
    }
    g
}

fn group_next(x: &Side, g: &mut Group) -> bool {
    if g.end == x.nrec() {
        return false;
    }
    g.start = g.end + 1;
    g.end = g.start;
    while x.chg(g.end) {
        g.end += 1;
    }
    true
}

fn group_previous(x: &Side, g: &mut Group) -> bool {
    if g.start == 0 {
        return false;
    }
    g.end = g.start - 1;
    g.start = g.end;
    while x.chg(g.start - 1) {
        g.start -= 1;
    }
    true
}

fn slide_down(x: &mut Side, g: &mut Group) -> bool {
    if g.end < x.nrec() && x.rec(g.start) == x.rec(g.end) {
        x.set(g.start, false);
        g.start += 1;
        x.set(g.end, true);
        g.end += 1;
        while x.chg(g.end) {
            g.end += 1;
        }
        true
    } else {
        false
    }
}

fn slide_up(x: &mut Side, g: &mut Group) -> bool {
    if g.start > 0 && x.rec(g.start - 1) == x.rec(g.end - 1) {
        g.start -= 1;
        x.set(g.start, true);
        g.end -= 1;
        x.set(g.end, false);
        while x.chg(g.start - 1) {
            g.start -= 1;
        }
        true
    } else {
        false
    }
}

/// `xdl_change_compact(xdf, xdfo, XDF_INDENT_HEURISTIC)`; `None` where xdiff would report a bug.
fn compact(x: &mut Side, o: &Side) -> Option<()> {
    let mut g = group_init(x);
    let mut go = group_init(o);
    loop {
        if g.end != g.start {
            let (mut earliest_end, mut end_matching_other);
            loop {
                let groupsize = g.end - g.start;
                end_matching_other = -1;
                while slide_up(x, &mut g) {
                    group_previous(o, &mut go).then_some(())?;
                }
                earliest_end = g.end;
                if go.end > go.start {
                    end_matching_other = g.end;
                }
                while slide_down(x, &mut g) {
                    group_next(o, &mut go).then_some(())?;
                    if go.end > go.start {
                        end_matching_other = g.end;
                    }
                }
                if groupsize == g.end - g.start {
                    break;
                }
            }
            let groupsize = g.end - g.start;
            if g.end == earliest_end {
                // No shifting was possible.
            } else if end_matching_other != -1 {
                while go.end == go.start {
                    slide_up(x, &mut g).then_some(())?;
                    group_previous(o, &mut go).then_some(())?;
                }
            } else {
                let mut shift = earliest_end.max(g.end - groupsize - 1).max(g.end - INDENT_HEURISTIC_MAX_SLIDING);
                let mut best: Option<(i64, Score)> = None;
                while shift <= g.end {
                    let mut score = Score::default();
                    score.add(&measure_split(x, shift));
                    score.add(&measure_split(x, shift - groupsize));
                    if best.as_ref().is_none_or(|(_, b)| score.cmp(b) <= 0) {
                        best = Some((shift, score));
                    }
                    shift += 1;
                }
                let best_shift = best.map_or(g.end, |(s, _)| s);
                while g.end > best_shift {
                    slide_up(x, &mut g).then_some(())?;
                    group_previous(o, &mut go).then_some(())?;
                }
            }
        }
        if !group_next(x, &mut g) {
            break;
        }
        group_next(o, &mut go).then_some(())?;
    }
    (!group_next(o, &mut go)).then_some(())
}

const MAX_INDENT: i32 = 200;
const MAX_BLANKS: i32 = 20;
const START_OF_FILE_PENALTY: i32 = 1;
const END_OF_FILE_PENALTY: i32 = 21;
const TOTAL_BLANK_WEIGHT: i32 = -30;
const POST_BLANK_WEIGHT: i32 = 6;
const RELATIVE_INDENT_PENALTY: i32 = -4;
const RELATIVE_INDENT_WITH_BLANK_PENALTY: i32 = 10;
const RELATIVE_OUTDENT_PENALTY: i32 = 24;
const RELATIVE_OUTDENT_WITH_BLANK_PENALTY: i32 = 17;
const RELATIVE_DEDENT_PENALTY: i32 = 23;
const RELATIVE_DEDENT_WITH_BLANK_PENALTY: i32 = 17;
const INDENT_WEIGHT: i32 = 60;
const INDENT_HEURISTIC_MAX_SLIDING: i64 = 100;

/// Columns of leading whitespace (tab = to the next multiple of 8), -1 for a blank line.
fn get_indent(rec: &[u8]) -> i32 {
    let mut ret = 0;
    for &c in rec {
        // C's isspace: space, \t, \n, \v, \f, \r.
        if !matches!(c, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r') {
            return ret;
        } else if c == b' ' {
            ret += 1;
        } else if c == b'\t' {
            ret += 8 - ret % 8;
        }
        if ret >= MAX_INDENT {
            return MAX_INDENT;
        }
    }
    -1
}

#[derive(Default)]
struct Measure {
    end_of_file: bool,
    indent: i32,
    pre_blank: i32,
    pre_indent: i32,
    post_blank: i32,
    post_indent: i32,
}

fn measure_split(x: &Side, split: i64) -> Measure {
    let mut m = Measure::default();
    if split >= x.nrec() {
        m.end_of_file = true;
        m.indent = -1;
    } else {
        m.indent = get_indent(x.rec(split));
    }
    m.pre_indent = -1;
    let mut i = split - 1;
    while i >= 0 {
        m.pre_indent = get_indent(x.rec(i));
        if m.pre_indent != -1 {
            break;
        }
        m.pre_blank += 1;
        if m.pre_blank == MAX_BLANKS {
            m.pre_indent = 0;
            break;
        }
        i -= 1;
    }
    m.post_indent = -1;
    let mut i = split + 1;
    while i < x.nrec() {
        m.post_indent = get_indent(x.rec(i));
        if m.post_indent != -1 {
            break;
        }
        m.post_blank += 1;
        if m.post_blank == MAX_BLANKS {
            m.post_indent = 0;
            break;
        }
        i += 1;
    }
    m
}

#[derive(Default)]
struct Score {
    effective_indent: i32,
    penalty: i32,
}

impl Score {
    fn add(&mut self, m: &Measure) {
        if m.pre_indent == -1 && m.pre_blank == 0 {
            self.penalty += START_OF_FILE_PENALTY;
        }
        if m.end_of_file {
            self.penalty += END_OF_FILE_PENALTY;
        }
        let post_blank = if m.indent == -1 { 1 + m.post_blank } else { 0 };
        let total_blank = m.pre_blank + post_blank;
        self.penalty += TOTAL_BLANK_WEIGHT * total_blank;
        self.penalty += POST_BLANK_WEIGHT * post_blank;
        let indent = if m.indent != -1 { m.indent } else { m.post_indent };
        let any_blanks = total_blank != 0;
        self.effective_indent += indent;
        if indent == -1 || m.pre_indent == -1 {
        } else if indent > m.pre_indent {
            self.penalty += if any_blanks { RELATIVE_INDENT_WITH_BLANK_PENALTY } else { RELATIVE_INDENT_PENALTY };
        } else if indent == m.pre_indent {
        } else if m.post_indent != -1 && m.post_indent > indent {
            self.penalty += if any_blanks { RELATIVE_OUTDENT_WITH_BLANK_PENALTY } else { RELATIVE_OUTDENT_PENALTY };
        } else {
            self.penalty += if any_blanks { RELATIVE_DEDENT_WITH_BLANK_PENALTY } else { RELATIVE_DEDENT_PENALTY };
        }
    }

    fn cmp(&self, other: &Score) -> i32 {
        let cmp_indents = (self.effective_indent > other.effective_indent) as i32
            - (self.effective_indent < other.effective_indent) as i32;
        INDENT_WEIGHT * cmp_indents + (self.penalty - other.penalty)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(old: &str, new: &str) -> Option<Vec<(usize, usize)>> {
        added_lines(old.as_bytes(), new.as_bytes()).map(|s| s.ranges().to_vec())
    }

    #[test]
    fn one_place_changes_are_known() {
        assert_eq!(lines("a\nb\nc\n", "a\nX\nY\nb\nc\n"), Some(vec![(2, 3)]));
        assert_eq!(lines("a\nb\nc\n", "a\nB\nc\n"), Some(vec![(2, 2)]));
        assert_eq!(lines("a\nb\nc\n", "a\nc\n"), Some(vec![]));
        assert_eq!(lines("", "a\n"), Some(vec![(1, 1)]));
        assert_eq!(lines("a", "a\n"), Some(vec![(1, 1)]));
        // Two places, or a middle that repeats an old line: git's own diff decides.
        assert_eq!(lines("a\nb\nc\nd\ne\n", "A\nb\nc\nd\nE\n"), None);
        assert_eq!(lines("a\nb\nc\n", "a\nc\nb\nc\n").map(|_| ()), Some(()));
    }

    #[test]
    fn slides_like_git() {
        // An inserted function after another: the indent heuristic keeps the blank line first.
        let old = "fn a() {\n}\n\nfn c() {\n}\n";
        let new = "fn a() {\n}\n\nfn b() {\n}\n\nfn c() {\n}\n";
        // git diff shows +fn b() {, +}, + (blank): lines 4, 5, 6.
        assert_eq!(lines(old, new), Some(vec![(4, 6)]));
    }
}
