//! The credential chain: which provider answers and with which steps ([`plan`], pure), running
//! those steps ([`execute`]) through one file per provider ([`providers`]), the bearer-token
//! chain ([`token`]) and when a long-lived resolver refreshes what it holds ([`refresh`]).
//!
//! The top layer of the core; only the frontends use it. It may use every layer below:
//! [`crate::caches`], [`crate::services`], [`crate::signing`], [`crate::config`], and the shared
//! value types at the crate root.

pub mod execute;
mod failure;
pub mod plan;
pub mod providers;
pub mod refresh;
pub mod token;
