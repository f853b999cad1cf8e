//! The AWS service clients the providers call: one file per service ([`sts`]; the IAM Identity
//! Center portal, SSO-OIDC and AWS Sign-In as they move here; the console's federation
//! endpoint), the one JSON exchange they share
//! ([`exchange`]), the endpoint each call goes to ([`endpoint`]) and the retries around it
//! ([`retry`]).
//!
//! Requests are built and answers read here, pure; sending goes through the injected
//! [`crate::io::Http`]. It may use [`crate::signing`], [`crate::config`] (for the settings that
//! choose endpoints and retries) and the shared value types at the crate root; never
//! [`crate::caches`] or [`crate::chain`].

pub mod endpoint;
pub mod exchange;
#[cfg(feature = "alloc")]
pub mod federation;
pub mod retry;
pub mod signin;
pub mod sso_oidc;
pub mod sso_portal;
pub mod sts;
