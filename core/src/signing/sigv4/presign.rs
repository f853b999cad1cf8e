//! Presigned URLs: the query parameters that carry the signature.

use core::fmt;

use super::canonical::{sign_canonical, Added, SortedHeaders, SortedQuery};
use super::uri::{uri_encode, Encoder};
use super::{
    write_credential, Hex, Redacted, Request, SignError, SigningOptions, SigningParams, Timestamp,
    Trace, ALGORITHM,
};

/// The query parameters [`presign`] adds. Its Display writes them, URI-encoded and joined by `&`
/// (`X-Amz-Algorithm=...&X-Amz-Credential=...&X-Amz-Date=...&X-Amz-SignedHeaders=...&
/// X-Amz-Expires=...[&X-Amz-Security-Token=...]&X-Amz-Signature=...`), to follow the request's
/// own query (after a `&`, or a `?` when it has none). That text holds the session token, so it
/// is itself a secret; Debug redacts the token.
#[derive(Clone)]
pub struct Presigned<'a> {
    access_key_id: &'a str,
    region: &'a str,
    service: &'a str,
    time: Timestamp,
    expires_in: u32,
    security_token: Option<&'a str>,
    headers: &'a [(&'a str, &'a str)],
    signed: SortedHeaders,
    signature: Hex,
}

impl<'a> Presigned<'a> {
    /// The signature alone, 64 hex digits (the `X-Amz-Signature` value).
    #[must_use]
    pub fn signature(&self) -> &str {
        self.signature.as_str()
    }

    /// The session token sent as `X-Amz-Security-Token`, when there is one.
    #[must_use]
    pub fn security_token(&self) -> Option<&'a str> {
        self.security_token
    }
}

impl fmt::Display for Presigned<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "X-Amz-Algorithm={ALGORITHM}&X-Amz-Credential=")?;
        write_credential(
            &mut Encoder(f),
            self.access_key_id,
            self.time,
            self.region,
            self.service,
        )?;
        write!(
            f,
            "&X-Amz-Date={}&X-Amz-SignedHeaders=",
            self.time.amz_date()
        )?;
        self.signed.write_names(&mut Encoder(f), self.headers)?;
        write!(f, "&X-Amz-Expires={}", self.expires_in)?;
        if let Some(token) = self.security_token {
            write!(f, "&X-Amz-Security-Token={}", uri_encode(token))?;
        }
        write!(f, "&X-Amz-Signature={}", self.signature.as_str())
    }
}

impl fmt::Debug for Presigned<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Presigned")
            .field("access_key_id", &self.access_key_id)
            .field("region", &self.region)
            .field("service", &self.service)
            .field("time", &self.time)
            .field("expires_in", &self.expires_in)
            .field("security_token", &self.security_token.map(|_| Redacted))
            .field("signature", &self.signature())
            .finish()
    }
}

/// Signs `request` for a presigned URL valid for `expires_in` seconds (AWS takes at most 604800,
/// seven days) and returns the query parameters to add. The headers are signed as [`sign`] signs
/// them (so every one signed must be sent), with no `x-amz-date`, token or body-hash header added:
/// [`SigningOptions::sign_body`] does not apply.
///
/// # Errors
/// Those of [`sign`] (but [`SignError::AuthorizationTooLong`]), and
/// [`SignError::ReservedQueryParam`].
///
/// [`sign`]: super::sign
pub fn presign<'a>(
    params: &SigningParams<'a>,
    request: &Request<'a>,
    options: &SigningOptions,
    expires_in: u32,
) -> Result<Presigned<'a>, SignError> {
    presign_inner(params, request, options, expires_in, None)
}

/// [`presign`], also writing the canonical request and the string to sign into `trace`.
///
/// # Errors
/// Those of [`presign`], and [`SignError::TraceSink`] when a sink fails.
pub fn presign_traced<'a>(
    params: &SigningParams<'a>,
    request: &Request<'a>,
    options: &SigningOptions,
    expires_in: u32,
    trace: &mut Trace<'_>,
) -> Result<Presigned<'a>, SignError> {
    presign_inner(params, request, options, expires_in, Some(trace))
}

pub(super) fn presign_inner<'a>(
    params: &SigningParams<'a>,
    request: &Request<'a>,
    options: &SigningOptions,
    expires_in: u32,
    trace: Option<&mut Trace<'_>>,
) -> Result<Presigned<'a>, SignError> {
    let sign_token = params.session_token.is_some() && !options.omit_session_token;
    let headers = SortedHeaders::new(request.headers, Added::default())?;
    let query = SortedQuery::new(request.query, Some(sign_token))?;
    let (_, signature) = sign_canonical(
        params,
        request,
        options,
        &headers,
        &query,
        Some(expires_in),
        trace,
    )?;
    Ok(Presigned {
        access_key_id: params.access_key_id,
        region: params.region,
        service: params.service,
        time: params.time,
        expires_in,
        security_token: params.session_token,
        headers: request.headers,
        signed: headers,
        signature,
    })
}
