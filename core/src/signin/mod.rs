//! Signing in, as the AWS CLI's `sso login` and `sso logout` do: the flow planned from the
//! configuration ([`sso`]: the session or legacy profile, the start URL, the flow), the
//! requests and answers in between (the SSO-OIDC and portal calls of [`crate::services`]),
//! and the files written at the end ([`crate::caches`]: the token file, the registration).
//!
//! Everything here is pure, or goes through the injected [`crate::io`] traits; the browser,
//! the loopback callback server, the random bytes and the terminal are the host's. With the
//! `alloc` feature (its one user is the CLI).
//!
//! It may use [`crate::caches`], [`crate::services`], [`crate::signing`], [`crate::config`]
//! and the shared value types at the crate root; never [`crate::chain`] (a sign-in is not a
//! credential resolution) or [`crate::host`].

pub mod console;
pub mod profiles;
pub mod sso;
