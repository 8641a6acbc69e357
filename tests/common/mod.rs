//! Helpers shared by the integration tests: the apps of `testdata/apps/` as repositories
//! (`apps`), the moto server harness (`moto`), a local fault endpoint (`fault`), the leak harness
//! (`leak`) and the hoist runner every CLI test uses, which leak-checks every command (`cli`),
//! bless mode (`bless`), small fixture helpers (`fixture`), a git repository fixture (`repo`), the
//! one git runner (`git`), a runner of apps as their ECS task definition or compose service
//! deploys them (`deployed`) and the compose resolver it uses (`compose`).
//! Each test binary uses a different subset, hence the `dead_code` allowance.
#![allow(dead_code)]

pub mod apps;
pub mod bless;
pub mod cli;
pub mod compose;
pub mod deployed;
pub mod fault;
pub mod fixture;
pub mod git;
pub mod leak;
pub mod moto;
pub mod repo;
