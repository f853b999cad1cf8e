//! credchain-core: AWS configuration and credentials, resolved exactly as the AWS CLI v2 does.
//!
//! The core is `#![no_std]` and does no I/O of its own: the host hands it an environment and a
//! file system through small traits ([`io`]), and data flows one way:
//!
//! ```text
//!   locate ──▶ load ──▶ parse ──▶ evaluate ──▶ plan ──▶ execute ──▶ present
//!   (pure)     (I/O)    (pure)    (pure)       (pure)   (I/O)       (frontend)
//!   locate.rs  load.rs  parse/    evaluate.rs
//! ```
//!
//! - [`locate`]: the config and credentials file paths from the environment.
//! - [`load`]: both files read through the injected [`io::Fs`]; a missing file is not an error.
//! - [`parse`]: a zero-copy, validated view of both files in one of two [`parse::Dialect`]s.
//! - [`evaluate`]: every setting of [`settings::SETTINGS`] by precedence, with its [`Source`].
//!
//! A whole resolution, with the host I/O of the `std` feature:
//!
//! ```
//! # #[cfg(feature = "std")] {
//! use credchain_core::{evaluate::{Evaluator, Options}, host::{StdEnv, StdFs}, io::block_on};
//! use credchain_core::{load, locate, parse::{ConfigFiles, Dialect}, settings::Setting};
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

pub mod cache;
pub mod credentials;
pub mod dpop;
pub mod endpoint;
pub mod evaluate;
pub mod execute;
#[cfg(feature = "std")]
pub mod host;
pub mod io;
pub mod load;
pub mod locate;
pub mod login_cache;
pub mod parse;
pub mod plan;
#[cfg(test)]
mod random_input;
pub mod refresh;
pub mod retry;
pub mod service;
pub mod settings;
pub mod sigv4;
mod source;
pub mod sso_token;
pub mod sts;
mod text;
pub mod token;

pub use source::{FileKind, Source};

/// How to read the shared files: as the AWS CLI v2 does (the default everywhere), or as the AWS
/// SDKs' shared profile-file spec does (for programs that sit beside an SDK). The two part ways on
/// about half of the edge cases; see the [`parse`] module.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Dialect {
    /// The AWS CLI v2's reading (its engine is botocore, on Python's configparser).
    #[default]
    AwsCli,
    /// The SDKs' shared profile-file spec.
    Sdk,
}
