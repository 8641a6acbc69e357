//! A small commit's files scanned on two threads: the rules' regexes compile on first use, and
//! that compiling is most of a few small files' scan, so a second thread halves it where starting
//! rayon's pool (a thread per core, each with its own start-up) would cost more than the files.

use std::sync::atomic::{AtomicUsize, Ordering};

/// `f` of every item, in the items' order, computed on this thread and one more: each takes the
/// next item not yet taken, the largest (by `size`) first so the two finish together.
pub fn map_on_two_threads<T: Sync, R: Send>(
    items: &[T],
    size: impl Fn(&T) -> usize,
    f: impl Fn(&T) -> R + Sync,
) -> Vec<R> {
    let mut order: Vec<usize> = (0..items.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(size(&items[i])));
    let next = AtomicUsize::new(0);
    let work = || {
        let mut done = Vec::new();
        while let Some(&i) = order.get(next.fetch_add(1, Ordering::Relaxed)) {
            done.push((i, f(&items[i])));
        }
        done
    };
    let (mut done, other) = std::thread::scope(|s| {
        let helper = s.spawn(work);
        let mine = work();
        (mine, helper.join())
    });
    match other {
        Ok(theirs) => done.extend(theirs),
        Err(panic) => std::panic::resume_unwind(panic),
    }
    done.sort_unstable_by_key(|(i, _)| *i);
    done.into_iter().map(|(_, r)| r).collect()
}

#[cfg(test)]
mod tests {
    use super::map_on_two_threads;
    use std::collections::HashSet;
    use std::sync::Mutex;

    #[test]
    fn results_come_in_the_items_order_from_both_threads() {
        let items: Vec<usize> = (0..40).map(|i| (i * 7919) % 101).collect();
        let threads = Mutex::new(HashSet::new());
        let out = map_on_two_threads(
            &items,
            |&n| n,
            |&n| {
                threads.lock().unwrap().insert(std::thread::current().id());
                // Long enough that the helper thread gets items too.
                std::thread::sleep(std::time::Duration::from_millis(2));
                n * 2
            },
        );
        assert_eq!(out, items.iter().map(|n| n * 2).collect::<Vec<_>>());
        assert_eq!(threads.lock().unwrap().len(), 2);
        assert!(map_on_two_threads(&[] as &[u8], |_| 0, |&b| b).is_empty());
    }

    #[test]
    #[should_panic(expected = "item 3")]
    fn a_panic_on_the_helper_thread_reaches_the_caller() {
        map_on_two_threads(&[1, 2, 3, 4], |_| 0, |&n| if n == 3 { panic!("item 3") } else { n });
    }
}
