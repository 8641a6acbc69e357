//! The pre-commit stage: what a commit would add (staged files and their new lines, read in-process
//! from the index and the object store, or from git with one diff and one `cat-file --batch`), the git hook that runs `hoist scan --staged`, and the
//! baseline of accepted findings that scans and the hook leave out.

pub mod baseline;
pub mod diff;
pub mod git;
pub mod index;
pub mod install;
pub mod log;
pub mod native;
pub mod odb;
pub mod pair;
pub mod repo;
pub mod staged;
pub mod times;
pub mod xdiff;

pub use baseline::{BASELINE_FILE, Baseline, BaselineError};
pub use diff::{LineSet, NewLines, StagedFile};
pub use git::{Git, GitError};
pub use staged::staged_files;
