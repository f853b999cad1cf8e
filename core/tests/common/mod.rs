//! Shared by the core tests: the in-memory hosts, the DPoP proof check, and (from the test
//! support crate) where ../shared/conformance is.
#![allow(dead_code)]

pub mod dpop;
pub mod memory;

#[allow(unused_imports)] // Not every test binary reads the conformance data.
pub use credchain_test_support::conformance::{conformance_dir, conformance_json};
