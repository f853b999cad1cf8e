//! The DPoP proof check ([`credchain_test_support::dpop`]), for the tests that read it from
//! here.

#[allow(unused_imports)] // Not every test binary checks DPoP proofs.
pub use credchain_test_support::dpop::{verify, Checked};
