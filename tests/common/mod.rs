//! Helpers shared by the integration tests: the moto server harness and small fixture helpers.
//! Each test binary uses a different subset, hence the `dead_code` allowance.
#![allow(dead_code)]

pub mod fixture;
pub mod moto;
