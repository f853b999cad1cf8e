//! credchain-core: AWS configuration and credentials, resolved exactly as the AWS CLI v2 does.
//!
//! The core is `#![no_std]` and does no I/O of its own: the host hands it an environment, a file
//! system, HTTP, a clock and the rest through small traits ([`io`]), and data flows one way:
//!
//! ```text
//!   locate ──▶ load ──▶ parse ──▶ evaluate ──▶ plan ──▶ execute ──▶ present
//!   (pure)     (I/O)    (pure)    (pure)       (pure)   (I/O)       (frontend)
//!   └──────────── config/ ──────────────┘     └──── chain/ ────┘
//! ```
//!
//! One folder per layer; each module doc says which layers it may use, and arrows point down:
//!
//! - [`chain`]: the plan, its execution and one file per provider ([`chain::providers`]), the
//!   bearer-token chain and the refresh policy of long-lived resolvers.
//! - [`signin`] (the `alloc` feature): `sso login` and `sso logout` planned, beside the chain:
//!   the flow, the callback's query, the files written at the end.
//! - [`caches`]: the files shared with the AWS CLI (assume-role, SSO token and registration,
//!   login caches).
//! - [`services`]: the AWS service clients (STS, ...), their endpoints and retries.
//! - [`signing`]: SigV4, DPoP and PKCE.
//! - [`config`]: locate, load, parse and evaluate the shared files and settings.
//! - [`host`] (the `std` feature): the real machine's I/O, one file per kind.
//! - At the root, the vocabulary every layer shares: [`io`] (the traits a host implements),
//!   [`credentials`], [`Source`] and [`Dialect`].
//!
//! A whole resolution, with the host I/O of the `std` feature:
//!
//! ```
//! # #[cfg(feature = "std")] {
//! use credchain_core::config::evaluate::{Evaluator, Options};
//! use credchain_core::config::{load, locate, parse::ConfigFiles, settings::Setting};
//! use credchain_core::{host::{StdEnv, StdFs}, io::block_on, Dialect};
//!
//! let env = StdEnv::new();
//! let paths = locate::locate(&env, locate::Platform::current(), Default::default()).unwrap();
//! let files = block_on(load::load(&StdFs, &paths)).unwrap();
//! let parsed = ConfigFiles::parse(&files, Dialect::AwsCli);
//! if let Ok(parsed) = parsed {
//!     let options = Options::default();
//!     if let Ok(eval) = Evaluator::new(&parsed, &env, &options) {
//!         let _region = eval.resolve(Setting::Region);
//!     }
//! }
//! # }
//! ```
#![no_std]
#![deny(missing_docs)]
#![forbid(unsafe_code)]

#[cfg(feature = "alloc")]
extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

pub mod caches;
pub mod chain;
pub mod config;
pub mod credentials;
#[cfg(feature = "std")]
pub mod host;
pub mod io;
pub mod json;
#[cfg(test)]
mod random_input;
// The unit tests share the integration tests' in-memory hosts, whose paths name the crate.
#[cfg(test)]
extern crate self as credchain_core;
#[cfg(test)]
#[path = "../tests/common/memory.rs"]
mod memory;
pub mod services;
#[cfg(feature = "alloc")]
pub mod signin;
pub mod signing;
mod source;
mod text;

pub use source::{FileKind, Source, Sourced};

/// How to read the shared files: as the AWS CLI v2 does (the default everywhere), or as the AWS
/// SDKs' shared profile-file spec does (for programs that sit beside an SDK). The two part ways on
/// about half of the edge cases; see the [`config::parse`] module.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Dialect {
    /// The AWS CLI v2's reading (its engine is botocore, on Python's configparser).
    #[default]
    AwsCli,
    /// The SDKs' shared profile-file spec.
    Sdk,
}
