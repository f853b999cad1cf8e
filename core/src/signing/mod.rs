//! Request signing: AWS Signature Version 4 ([`sigv4`]) for STS and every other AWS call, and
//! DPoP proofs ([`dpop`]) for the console login's token refresh. Pure, with no clock and no
//! allocation: the time and the keys are passed in.
//!
//! The lowest layer with the config: it may use only the shared value types at the crate root.

pub mod dpop;
pub mod sigv4;
