//! The git repository fixture of `tests/common/repo.rs`, for tests that don't include `common`
//! (one source, two module paths).
#![allow(dead_code)]

#[path = "../common/repo.rs"]
mod repo;
pub use repo::*;
