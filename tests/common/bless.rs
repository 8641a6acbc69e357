//! Bless mode for golden tests, only through an explicit separate command (`scripts/bless`): each
//! golden file has a normal test that only compares and an `#[ignore]`d `bless_*` test that
//! rewrites the goldens. No environment variable switches a comparison into a rewrite, and the
//! bless test refuses to run unless it was named on the command line (so `cargo test --
//! --include-ignored` can't bless by accident).

/// Whether a golden run compares or rewrites.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Compare with the goldens (the only mode of a normal test run).
    Compare,
    /// Rewrite the goldens from the current output (review `git diff` afterwards).
    Bless,
}

/// Call first in a `bless_*` test: panics unless the test binary was given `--ignored` and this
/// test's exact name as its filter, which is what `scripts/bless` does.
pub fn guard(test: &str) -> Mode {
    let args: Vec<String> = std::env::args().collect();
    let named = args.iter().skip(1).any(|a| a == test);
    let ignored = args.iter().any(|a| a == "--ignored" || a == "--include-ignored");
    assert!(
        named && ignored,
        "`{test}` rewrites golden files and runs only when named explicitly: use `scripts/bless` \
         (it runs `cargo test --test <file> -- --ignored --exact {test}`)"
    );
    Mode::Bless
}
