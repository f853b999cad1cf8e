//! libcredchain: the C ABI of credchain, in the style of rustls-ffi.
//!
//! ```text
//!   C caller ──▶ credchain_config_new_host / _new_callbacks ──▶ locate ─▶ load ─▶ parse (check)
//!            ──▶ credchain_config_resolve / _get / _profile_* ──▶ parse ─▶ evaluate ─▶ C buffers
//!            ──▶ credchain_config_resolve_credentials ──▶ plan ─▶ execute ─▶ credchain_credentials
//!            ──▶ credchain_config_edit ──▶ read ─▶ write (the edit) ─▶ store (atomic replace)
//! ```
//!
//! - [`result`]: `credchain_result`, stable numbers grouped per layer, and their messages.
//! - [`config`]: the `credchain_config` handle over the host's environment and files.
//! - [`credentials`]: `credchain_credentials`, the credential chain's result, and its accessors.
//! - [`callbacks`]: the same handle over I/O the caller supplies.
//! - [`source`]: `credchain_source`, where a value came from.
//! - [`edit`]: `credchain_config_edit`, which sets or deletes a key in one of the shared files.
//! - [`lint`](mod@lint): `credchain_lint`, the pure lint of the shared files' texts, and its findings.
//!
//! Every export runs behind a panic boundary, checks its pointers, and writes its outputs only
//! on success. The header `include/credchain.h` is generated from these items' docs by cbindgen
//! (`ffi/gen-header`), and `ffi/tests/header.rs` fails when the checked-in copy is stale.
#![deny(missing_docs)]
#![deny(unsafe_op_in_unsafe_fn)]
#![deny(clippy::undocumented_unsafe_blocks)]
// The exported types keep their C names (`credchain_config`, `credchain_result`, ...), so the
// header reads as C.
#![allow(non_camel_case_types)]

// The order of these modules is the order of the header's declarations.
pub mod result;

pub mod config;

pub mod credentials;

pub mod source;

pub mod callbacks;

pub mod resolver;

pub mod edit;

pub mod lint;

mod error;

pub use callbacks::*;
pub use config::*;
pub use credentials::*;
pub use edit::*;
pub use lint::*;
pub use resolver::*;
pub use result::*;
pub use source::*;
