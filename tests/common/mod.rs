//! Helpers shared by the integration tests: the moto server harness, a local fault endpoint, the
//! leak harness and small fixture helpers.
//! Each test binary uses a different subset, hence the `dead_code` allowance.
#![allow(dead_code)]

pub mod deployed;
pub mod fault;
pub mod fixture;
pub mod leak;
pub mod moto;
