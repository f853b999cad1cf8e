//! AWS Signature Version 4: signs an HTTP request as the AWS CLI does (botocore's `SigV4Auth`),
//! for STS AssumeRole and any other AWS call, with no allocation and no clock.
//!
//! ```text
//!   Request ──▶ canonical request ──SHA-256──▶ string to sign ──HMAC-SHA256──▶ signature
//!               (formatted straight into       (formatted straight            (keyed with the
//!                the hasher, never buffered)    into the HMAC)                 key derived from
//!                                                                              secret, date,
//!                                                                              region, service)
//! ```
//!
//! [`sign`] returns the headers to add ([`SignedHeaders`]: `x-amz-date`, `x-amz-content-sha256`
//! when asked, `x-amz-security-token` with a session token, and `authorization`); [`presign`]
//! returns the query parameters of a presigned URL instead ([`Presigned`]). The `_traced`
//! variants also write the canonical request and the string to sign into [`Trace`] sinks, for
//! tests and `explain`. The time is passed in as a [`Timestamp`].
//!
//! ```
//! use credchain_core::signing::sigv4::{sign, Request, SigningOptions, SigningParams, Timestamp};
//!
//! let body = b"Action=GetCallerIdentity&Version=2011-06-15";
//! let headers = [
//!     ("Content-Type", "application/x-www-form-urlencoded; charset=utf-8"),
//!     ("Host", "sts.us-east-1.amazonaws.com"),
//! ];
//! let request = Request { method: "POST", path: "/", query: &[], headers: &headers, body };
//! let params = SigningParams {
//!     access_key_id: "AKIDEXAMPLE",
//!     secret_access_key: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
//!     session_token: None,
//!     region: "us-east-1",
//!     service: "sts",
//!     time: Timestamp::from_unix(1_440_938_160).unwrap(),
//! };
//! let signed = sign(&params, &request, &SigningOptions::for_service("sts")).unwrap();
//! assert_eq!(signed.x_amz_date(), "20150830T123600Z");
//! assert!(signed.authorization().starts_with(
//!     "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/sts/aws4_request, \
//!      SignedHeaders=content-type;host;x-amz-date, Signature="
//! ));
//! for (name, value) in signed.iter() {
//!     // add (name, value) to the request as sent
//! #   let _ = (name, value);
//! }
//! ```
//!
//! # Canonicalisation, and where it follows the AWS CLI
//! - Method: upper-cased (botocore does).
//! - Path: [`Request::path`] is the path as sent, already URI-encoded. With
//!   [`SigningOptions::normalize_path`] the `.` and `..` segments and empty segments (`//`) are
//!   removed, keeping a trailing `/`; with [`SigningOptions::double_encode_path`] it is then
//!   URI-encoded once more (`/` kept), because every service except S3 checks the signature
//!   against that double encoding. An empty path is `/`, and the result always starts with `/`
//!   (botocore would keep a relative path relative; HTTP paths never are).
//! - Query: [`Request::query`] holds decoded names and values; each is URI-encoded with the
//!   RFC 3986 unreserved set (`A-Z a-z 0-9 - . _ ~` kept, everything else `%XX`, upper-case hex,
//!   as [`uri_encode`] writes them, so send them that way) and the pairs are sorted by encoded
//!   name, then encoded value.
//! - Headers: names lower-cased (ASCII) and sorted; each value trimmed with every run of
//!   whitespace made one space (botocore's `' '.join(value.split())`, Python's whitespace, so a
//!   folded value's line breaks become spaces); a name given more than once is one line with its
//!   values joined by `,` in the order given. A `host` header is required.
//! - Headers botocore never signs are left out: `expect`, `transfer-encoding`, `user-agent`,
//!   `x-amzn-trace-id`. Headers the signer produces replace any the caller gives (`authorization`,
//!   `x-amz-date`, and `x-amz-security-token` / `x-amz-content-sha256` when it adds them): the
//!   caller's copies are not signed and must not be sent.
//! - Payload: the last line of the canonical request is the hex SHA-256 of the body, always
//!   (botocore's non-S3 signer); [`SigningOptions::sign_body`] also sends it as
//!   `x-amz-content-sha256`, as S3 wants.
//! - Session token: signed as `x-amz-security-token` (or `X-Amz-Security-Token` in a presigned
//!   query), unless [`SigningOptions::omit_session_token`] asks for it to be added after signing,
//!   unsigned, as a few services (IoT) want.
//!
//! The conformance suite is aws-c-auth's (`../shared/conformance/sigv4`); every case passes, for
//! header and query signing, in `core/tests/sigv4_suite.rs`. Presigning follows that suite: unlike
//! botocore's presigner it signs a form `content-type` and does not move a form body into the
//! query (credchain presigns nothing; it is there for completeness).
//!
//! # Capacities
//! [`MAX_HEADERS`] headers are signed at most (the caller's plus the ones the signer adds),
//! [`MAX_QUERY_PARAMS`] query parameters, and the `authorization` value is at most
//! [`AUTHORIZATION_CAPACITY`] bytes. Going over is an error naming the constant, never a
//! truncation. Path normalisation needs no buffer: it looks ahead for `..` (quadratic in the
//! number of segments, which is small for real paths).

use core::fmt::{self, Write};

use hmac::Hmac;
use sha2::Sha256;

use crate::credentials::redact::redacted_debug;

/// The most headers signed in one request: the caller's (less those left out) plus the up to
/// three the signer adds (`x-amz-date`, `x-amz-security-token`, `x-amz-content-sha256`).
pub const MAX_HEADERS: usize = 64;

/// The most query parameters in one request (the caller's; a presigned query adds its own six
/// beyond this).
pub const MAX_QUERY_PARAMS: usize = 64;

/// The longest `authorization` header value, in bytes: the algorithm, the access key id and
/// credential scope, the signed header names and the signature.
pub const AUTHORIZATION_CAPACITY: usize = 1024;

/// The signing algorithm's name, the first word of the `authorization` header.
pub const ALGORITHM: &str = "AWS4-HMAC-SHA256";

/// The last component of every credential scope.
const TERMINATOR: &str = "aws4_request";

/// What a [`Trace`] shows in place of the session token when asked to redact it.
const REDACTED: &str = "<redacted>";

/// Headers botocore never signs (its `SIGNED_HEADERS_BLACKLIST`): proxies may change them.
const UNSIGNED_HEADERS: [&str; 4] = [
    "expect",
    "transfer-encoding",
    "user-agent",
    "x-amzn-trace-id",
];

/// The query parameters a presigned query adds, in the order they are sent (before
/// `X-Amz-Signature`); a request's own query may not use these names.
const PRESIGN_PARAMS: [&str; 7] = [
    "X-Amz-Algorithm",
    "X-Amz-Credential",
    "X-Amz-Date",
    "X-Amz-SignedHeaders",
    "X-Amz-Expires",
    "X-Amz-Security-Token",
    "X-Amz-Signature",
];

type HmacSha256 = Hmac<Sha256>;

/// Debug for a secret: `<redacted>`.
struct Redacted;

impl fmt::Debug for Redacted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

mod canonical;
mod key;
mod presign;
mod time;
mod uri;

use canonical::{sign_canonical, Added, SortedHeaders, SortedQuery};

pub use presign::{presign, presign_traced, Presigned};
pub use time::Timestamp;
pub use uri::{uri_encode, UriEncoded};

// ---------------------------------------------------------------------------------------------
// Inputs

/// Who signs, for what, and when.
///
/// Debug shows the access key id, region, service and time, never the secret key or the token.
#[derive(Clone, Copy)]
pub struct SigningParams<'a> {
    /// The access key id (`AKIA...`, `ASIA...`), sent in the credential scope.
    pub access_key_id: &'a str,
    /// The secret access key; only its HMAC-derived signing key touches the request.
    pub secret_access_key: &'a str,
    /// The session token of temporary credentials, sent as `x-amz-security-token`.
    pub session_token: Option<&'a str>,
    /// The region signed for (`us-east-1`); the endpoint's region.
    pub region: &'a str,
    /// The signing name of the service (`sts`, `s3`, `execute-api`, ...).
    pub service: &'a str,
    /// The signing time, sent as `x-amz-date`; AWS refuses it more than 15 minutes off.
    pub time: Timestamp,
}

impl fmt::Debug for SigningParams<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningParams")
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &Redacted)
            .field("session_token", &self.session_token.map(|_| Redacted))
            .field("region", &self.region)
            .field("service", &self.service)
            .field("time", &self.time)
            .finish()
    }
}

/// The request to sign, borrowed: everything that goes on the wire except the headers the
/// signer adds.
///
/// Debug shows the body's length only, and redacts the values of `authorization` and
/// `x-amz-security-token` headers.
#[derive(Clone, Copy)]
pub struct Request<'a> {
    /// The HTTP method (`GET`, `POST`); upper-cased when signed.
    pub method: &'a str,
    /// The path as sent, already URI-encoded, without the query (`/`, `/a%20b/`); empty means `/`.
    pub path: &'a str,
    /// The query parameters, decoded: the signer URI-encodes them (send them as [`uri_encode`]
    /// writes them). A name without `=` has the value `""`.
    pub query: &'a [(&'a str, &'a str)],
    /// The headers as sent, in order, names in any case; one of them must be `host`.
    pub headers: &'a [(&'a str, &'a str)],
    /// The body as sent (empty for none).
    pub body: &'a [u8],
}

impl fmt::Debug for Request<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        struct Headers<'h>(&'h [(&'h str, &'h str)]);
        impl fmt::Debug for Headers<'_> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                let mut list = f.debug_list();
                for &(name, value) in self.0 {
                    if name.eq_ignore_ascii_case("authorization")
                        || name.eq_ignore_ascii_case("x-amz-security-token")
                    {
                        list.entry(&(name, Redacted));
                    } else {
                        list.entry(&(name, value));
                    }
                }
                list.finish()
            }
        }
        f.debug_struct("Request")
            .field("method", &self.method)
            .field("path", &self.path)
            .field("query", &self.query)
            .field("headers", &Headers(self.headers))
            .field("body", &format_args!("<{} bytes>", self.body.len()))
            .finish()
    }
}

/// How to sign: the choices that differ between services.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SigningOptions {
    /// Remove `.`, `..` and empty path segments before signing. True for every service but S3.
    pub normalize_path: bool,
    /// URI-encode the (already encoded) path once more when signing. True for every service but
    /// S3.
    pub double_encode_path: bool,
    /// Send the body's SHA-256 as a signed `x-amz-content-sha256` header (S3 wants it; botocore
    /// sends it to no other service). Header signing only.
    pub sign_body: bool,
    /// Add the session token after signing, unsigned (a few services, such as IoT, want this).
    pub omit_session_token: bool,
}

impl SigningOptions {
    /// The options for the service with this signing name: S3 (`s3`, `s3-outposts`,
    /// `s3-object-lambda`, `s3express`) neither normalises nor double-encodes the path, and wants
    /// `x-amz-content-sha256`; every other service the opposite. (botocore sends S3
    /// `UNSIGNED-PAYLOAD` over HTTPS instead of the hash; this signer has no unsigned-payload
    /// mode, as credchain calls no S3 API.)
    #[must_use]
    pub fn for_service(service: &str) -> Self {
        let s3 = service == "s3" || service.starts_with("s3-") || service == "s3express";
        SigningOptions {
            normalize_path: !s3,
            double_encode_path: !s3,
            sign_body: s3,
            omit_session_token: false,
        }
    }
}

/// The options for every service but S3 ([`SigningOptions::for_service`] of any such name).
impl Default for SigningOptions {
    fn default() -> Self {
        SigningOptions {
            normalize_path: true,
            double_encode_path: true,
            sign_body: false,
            omit_session_token: false,
        }
    }
}

/// Where the `_traced` functions write the texts they sign, exactly as hashed.
pub struct Trace<'t> {
    /// Receives the canonical request.
    pub canonical_request: &'t mut dyn fmt::Write,
    /// Receives the string to sign.
    pub string_to_sign: &'t mut dyn fmt::Write,
    /// Write `<redacted>` in the canonical request where the session token is signed (the hash
    /// is still of the token): set it for anything a person or a log will see.
    pub redact_session_token: bool,
}

redacted_debug!(Trace<'_> { redact_session_token });

// ---------------------------------------------------------------------------------------------
// Outputs

/// A SHA-256 or HMAC-SHA256 value as 64 lower-case hex digits.
#[derive(Clone, Copy, PartialEq, Eq)]
struct Hex([u8; 64]);

impl Hex {
    fn new(bytes: &[u8]) -> Self {
        let mut out = [b'0'; 64];
        crate::text::write_lower_hex(bytes, &mut out);
        Hex(out)
    }

    fn as_str(&self) -> &str {
        // Only ASCII hex digits are ever stored.
        core::str::from_utf8(&self.0).unwrap_or_default()
    }
}

/// The headers [`sign`] adds to the request. Send every one of [`SignedHeaders::iter`], replacing
/// any header of the same name.
///
/// Debug redacts the session token.
#[derive(Clone, PartialEq, Eq)]
pub struct SignedHeaders<'a> {
    x_amz_date: heapless::String<16>,
    content_sha256: Option<Hex>,
    security_token: Option<&'a str>,
    authorization: heapless::String<AUTHORIZATION_CAPACITY>,
    signature: Hex,
}

impl<'a> SignedHeaders<'a> {
    /// The `x-amz-date` value: the signing time, `20150830T123600Z`.
    #[must_use]
    pub fn x_amz_date(&self) -> &str {
        &self.x_amz_date
    }

    /// The `x-amz-content-sha256` value, the body's hex SHA-256, with
    /// [`SigningOptions::sign_body`].
    #[must_use]
    pub fn x_amz_content_sha256(&self) -> Option<&str> {
        self.content_sha256.as_ref().map(Hex::as_str)
    }

    /// The `x-amz-security-token` value: the session token, when there is one.
    #[must_use]
    pub fn x_amz_security_token(&self) -> Option<&'a str> {
        self.security_token
    }

    /// The `authorization` value: `AWS4-HMAC-SHA256 Credential=AKID/DATE/REGION/SERVICE/
    /// aws4_request, SignedHeaders=a;b;c, Signature=HEX`.
    #[must_use]
    pub fn authorization(&self) -> &str {
        &self.authorization
    }

    /// The signature alone, 64 hex digits.
    #[must_use]
    pub fn signature(&self) -> &str {
        self.signature.as_str()
    }

    /// The headers to add, as (lower-case name, value): `x-amz-date`, then `x-amz-content-sha256`
    /// and `x-amz-security-token` when present, then `authorization`.
    pub fn iter(&self) -> impl Iterator<Item = (&'static str, &str)> + '_ {
        let date = Some(("x-amz-date", self.x_amz_date()));
        let sha = self
            .x_amz_content_sha256()
            .map(|v| ("x-amz-content-sha256", v));
        let token = self.security_token.map(|v| ("x-amz-security-token", v));
        let auth = Some(("authorization", self.authorization()));
        [date, sha, token, auth].into_iter().flatten()
    }
}

impl fmt::Debug for SignedHeaders<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SignedHeaders")
            .field("x_amz_date", &self.x_amz_date())
            .field("x_amz_content_sha256", &self.x_amz_content_sha256())
            .field(
                "x_amz_security_token",
                &self.security_token.map(|_| Redacted),
            )
            .field("authorization", &self.authorization())
            .finish()
    }
}

/// Why a request could not be signed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignError {
    /// The request has no `host` header.
    MissingHost,
    /// More than [`MAX_HEADERS`] headers to sign, counting the ones the signer adds.
    TooManyHeaders {
        /// The number of headers the request gave.
        given: usize,
    },
    /// More than [`MAX_QUERY_PARAMS`] query parameters.
    TooManyQueryParams {
        /// The number of parameters the request gave.
        given: usize,
    },
    /// The `authorization` value would be longer than [`AUTHORIZATION_CAPACITY`] bytes.
    AuthorizationTooLong,
    /// A presigned request's own query uses a name the presigner adds (`X-Amz-Signature`, ...).
    ReservedQueryParam {
        /// The name.
        name: &'static str,
    },
    /// A signing time outside what the signer takes (the years 0000 to 9999, valid fields).
    InvalidTime {
        /// The field out of range: `year`, `month`, `day`, `hour`, `minute`, `second` or
        /// `unix seconds`.
        field: &'static str,
        /// Its value.
        value: i64,
    },
    /// A [`Trace`] sink returned an error (it is full).
    TraceSink,
}

impl fmt::Display for SignError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SignError::MissingHost => f.write_str(
                "cannot sign: the request has no host header; SigV4 signs the host, so add a \
                 `host` header with the endpoint's host (and port, when not the default)",
            ),
            SignError::TooManyHeaders { given } => write!(
                f,
                "too many headers to sign: {given} given, more than MAX_HEADERS ({MAX_HEADERS}) \
                 with the ones the signer adds; send fewer headers"
            ),
            SignError::TooManyQueryParams { given } => write!(
                f,
                "too many query parameters to sign: {given} given, more than MAX_QUERY_PARAMS \
                 ({MAX_QUERY_PARAMS}); send fewer, or send them in the body"
            ),
            SignError::AuthorizationTooLong => write!(
                f,
                "authorization header too long: more than AUTHORIZATION_CAPACITY \
                 ({AUTHORIZATION_CAPACITY}) bytes; sign fewer or shorter headers"
            ),
            SignError::ReservedQueryParam { name } => write!(
                f,
                "cannot presign: the request's query already has {name}, which the presigner \
                 adds; remove it from the request"
            ),
            SignError::InvalidTime { field, value } => write!(
                f,
                "invalid signing time: {field} {value} is out of range; pass a valid UTC time \
                 between the years 0000 and 9999"
            ),
            SignError::TraceSink => f.write_str(
                "cannot trace the signing: a trace sink returned an error; give it more room",
            ),
        }
    }
}

impl core::error::Error for SignError {}

// ---------------------------------------------------------------------------------------------
// Signing

/// Signs `request` for the `authorization` header and returns the headers to add.
///
/// # Errors
/// [`SignError::MissingHost`], [`SignError::TooManyHeaders`], [`SignError::TooManyQueryParams`],
/// [`SignError::AuthorizationTooLong`].
pub fn sign<'a>(
    params: &SigningParams<'a>,
    request: &Request<'_>,
    options: &SigningOptions,
) -> Result<SignedHeaders<'a>, SignError> {
    sign_inner(params, request, options, None)
}

/// [`sign`], also writing the canonical request and the string to sign into `trace`.
///
/// # Errors
/// Those of [`sign`], and [`SignError::TraceSink`] when a sink fails.
pub fn sign_traced<'a>(
    params: &SigningParams<'a>,
    request: &Request<'_>,
    options: &SigningOptions,
    trace: &mut Trace<'_>,
) -> Result<SignedHeaders<'a>, SignError> {
    sign_inner(params, request, options, Some(trace))
}

fn sign_inner<'a>(
    params: &SigningParams<'a>,
    request: &Request<'_>,
    options: &SigningOptions,
    trace: Option<&mut Trace<'_>>,
) -> Result<SignedHeaders<'a>, SignError> {
    let sign_token = params.session_token.is_some() && !options.omit_session_token;
    let added = Added {
        date: true,
        token: sign_token,
        content_sha256: options.sign_body,
    };
    let headers = SortedHeaders::new(request.headers, added)?;
    let query = SortedQuery::new(request.query, None)?;
    let (payload, signature) =
        sign_canonical(params, request, options, &headers, &query, None, trace)?;

    let mut x_amz_date = heapless::String::new();
    // 16 characters exactly: the year has four digits.
    let _ = write!(x_amz_date, "{}", params.time.amz_date());
    let mut authorization = heapless::String::new();
    write_authorization(&mut authorization, params, request, &headers, &signature)
        .map_err(|_| SignError::AuthorizationTooLong)?;
    Ok(SignedHeaders {
        x_amz_date,
        content_sha256: options.sign_body.then_some(payload),
        security_token: params.session_token,
        authorization,
        signature,
    })
}

fn write_authorization(
    w: &mut dyn Write,
    params: &SigningParams<'_>,
    request: &Request<'_>,
    headers: &SortedHeaders,
    signature: &Hex,
) -> fmt::Result {
    write!(w, "{ALGORITHM} Credential=")?;
    write_credential(
        w,
        params.access_key_id,
        params.time,
        params.region,
        params.service,
    )?;
    w.write_str(", SignedHeaders=")?;
    headers.write_names(w, request.headers)?;
    write!(w, ", Signature={}", signature.as_str())
}

/// `AKID/20150830/us-east-1/service/aws4_request`.
fn write_credential(
    w: &mut dyn Write,
    access_key_id: &str,
    time: Timestamp,
    region: &str,
    service: &str,
) -> fmt::Result {
    write!(w, "{access_key_id}/")?;
    write_scope(w, time, region, service)
}

/// `20150830/us-east-1/service/aws4_request`.
fn write_scope(w: &mut dyn Write, time: Timestamp, region: &str, service: &str) -> fmt::Result {
    write!(w, "{}/{region}/{service}/{TERMINATOR}", time.date_stamp())
}

#[cfg(test)]
mod tests;
