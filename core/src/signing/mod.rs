//! Request signing: AWS Signature Version 4 ([`sigv4`]) for STS and every other AWS call, DPoP
//! proofs ([`dpop`]) for the console login's token refresh, and PKCE ([`pkce`]) for
//! `sso login`. Pure, with no clock, no random source and no allocation: the time, the keys
//! and the random bytes are passed in.
//!
//! The lowest layer with the config: it may use only the shared value types at the crate root.

pub mod dpop;
pub mod pkce;
pub mod sigv4;
