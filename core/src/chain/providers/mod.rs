//! One file per credential provider of the AWS CLI's chain, each run by
//! [`execute`](crate::chain::execute) for the step the plan chose. Static keys (from the
//! environment or either file) need no provider: the plan carries them and execute returns them.
//!
//! A provider decides what to read and send, through the injected I/O of
//! [`Io`](crate::chain::execute::Io); the requests themselves are made by the service clients of
//! [`crate::services`], and the files shared with the AWS CLI are read and written through
//! [`crate::caches`].

// Errors carry what a person needs inline (the start of a process's error output, a service's
// message): the core has no allocator to box them.
#![allow(clippy::large_enum_variant, clippy::result_large_err)]

pub(crate) mod assume_role;
pub mod container;
pub mod imds;
pub mod login;
pub(crate) mod process;
pub mod sso;
pub(crate) mod web_identity;

use crate::credentials::{Credentials, ProviderKind, Timestamp, TooLong};

/// What an endpoint's JSON answer (the container endpoint, instance metadata) must hold, as an
/// error names it: the fields [`all_four`] requires.
const ENDPOINT_CREDENTIALS_JSON: &str =
    "JSON with AccessKeyId, SecretAccessKey, Token and an ISO 8601 Expiration";

/// The keys (access key id, secret, token) and the expiration's text of an endpoint's JSON
/// answer, when all four of its `AccessKeyId`, `SecretAccessKey`, `Token` and `Expiration`
/// are there; `None` when one is missing.
fn all_four<'j>(
    access_key_id: Option<&'j str>,
    secret_access_key: Option<&'j str>,
    token: Option<&'j str>,
    expiration: Option<&'j str>,
) -> Option<((&'j str, &'j str, &'j str), &'j str)> {
    Some(((access_key_id?, secret_access_key?, token?), expiration?))
}

/// Temporary credentials read from an endpoint's JSON answer (the container endpoint, instance
/// metadata), their expiry kept in the form the answer wrote it, as botocore echoes it.
fn answered(
    provider: ProviderKind,
    keys: (&str, &str, &str),
    expiration: Timestamp,
    account_id: Option<&str>,
) -> Result<Credentials, TooLong> {
    let (access_key_id, secret, token) = keys;
    Credentials::new(
        provider,
        access_key_id,
        secret,
        Some(token),
        Some(expiration.unix),
        account_id,
    )
    .map(|c| c.with_expiration_form(expiration.form))
}
