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

use core::cmp::Ordering;
use core::fmt::{self, Write};

use hmac::{Hmac, KeyInit, Mac};
use sha2::digest::Update;
use sha2::{Digest, Sha256};

use crate::text::is_py_space;

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

// ---------------------------------------------------------------------------------------------
// Time

/// A UTC time to the second, from year 0000 to 9999: the signing time. The signer never reads a
/// clock; the caller passes the time in ([`Timestamp::from_unix`] from a `Clock`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp {
    year: u16,
    month: u8,
    day: u8,
    hour: u8,
    minute: u8,
    second: u8,
}

impl Timestamp {
    /// The time `seconds` after the Unix epoch (1970-01-01T00:00:00Z; negative is before it).
    ///
    /// # Errors
    /// [`SignError::InvalidTime`] when the time falls outside the years 0000 to 9999.
    pub fn from_unix(seconds: i64) -> Result<Self, SignError> {
        let (year, month, day) = civil_from_days(seconds.div_euclid(86_400));
        if !(0..=9999).contains(&year) {
            return Err(SignError::InvalidTime {
                field: "unix seconds",
                value: seconds,
            });
        }
        let secs = seconds.rem_euclid(86_400);
        // Every narrowing below is in range: year 0..=9999, month 1..=12, day 1..=31 and the
        // time of day 0..86_400.
        Ok(Timestamp {
            year: year as u16,
            month: month as u8,
            day: day as u8,
            hour: (secs / 3600) as u8,
            minute: (secs / 60 % 60) as u8,
            second: (secs % 60) as u8,
        })
    }

    /// The time from its calendar fields, UTC.
    ///
    /// # Errors
    /// [`SignError::InvalidTime`] naming the first field out of range: year above 9999, month
    /// outside 1..=12, a day the month does not have, hour above 23, minute or second above 59
    /// (no leap seconds).
    pub fn new(
        year: u16,
        month: u8,
        day: u8,
        hour: u8,
        minute: u8,
        second: u8,
    ) -> Result<Self, SignError> {
        let bad = |field, value: u8| {
            Err(SignError::InvalidTime {
                field,
                value: i64::from(value),
            })
        };
        if year > 9999 {
            return Err(SignError::InvalidTime {
                field: "year",
                value: i64::from(year),
            });
        }
        if !(1..=12).contains(&month) {
            return bad("month", month);
        }
        if day == 0 || day > days_in_month(year, month) {
            return bad("day", day);
        }
        if hour > 23 {
            return bad("hour", hour);
        }
        if minute > 59 {
            return bad("minute", minute);
        }
        if second > 59 {
            return bad("second", second);
        }
        Ok(Timestamp {
            year,
            month,
            day,
            hour,
            minute,
            second,
        })
    }

    /// Seconds since the Unix epoch.
    #[must_use]
    pub fn unix(&self) -> i64 {
        let days = days_from_civil(
            i64::from(self.year),
            i64::from(self.month),
            i64::from(self.day),
        );
        days * 86_400
            + i64::from(self.hour) * 3600
            + i64::from(self.minute) * 60
            + i64::from(self.second)
    }

    /// The year, 0 to 9999.
    #[must_use]
    pub fn year(&self) -> u16 {
        self.year
    }

    /// The month, 1 to 12.
    #[must_use]
    pub fn month(&self) -> u8 {
        self.month
    }

    /// The day of the month, from 1.
    #[must_use]
    pub fn day(&self) -> u8 {
        self.day
    }

    /// The hour, 0 to 23.
    #[must_use]
    pub fn hour(&self) -> u8 {
        self.hour
    }

    /// The minute, 0 to 59.
    #[must_use]
    pub fn minute(&self) -> u8 {
        self.minute
    }

    /// The second, 0 to 59.
    #[must_use]
    pub fn second(&self) -> u8 {
        self.second
    }

    /// The `x-amz-date` form, ISO 8601 basic: `20150830T123600Z`.
    #[must_use]
    pub fn amz_date(&self) -> impl fmt::Display {
        AmzDate(*self)
    }

    /// The credential scope's date: `20150830`.
    #[must_use]
    pub fn date_stamp(&self) -> impl fmt::Display {
        DateStamp(*self)
    }
}

/// ISO 8601 extended, as the AWS CLI writes times: `2015-08-30T12:36:00Z`.
impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
            self.year, self.month, self.day, self.hour, self.minute, self.second
        )
    }
}

struct AmzDate(Timestamp);

impl fmt::Display for AmzDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let t = &self.0;
        write!(
            f,
            "{:04}{:02}{:02}T{:02}{:02}{:02}Z",
            t.year, t.month, t.day, t.hour, t.minute, t.second
        )
    }
}

struct DateStamp(Timestamp);

impl fmt::Display for DateStamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let t = &self.0;
        write!(f, "{:04}{:02}{:02}", t.year, t.month, t.day)
    }
}

fn is_leap(year: u16) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// (year, month, day) of the day `days` after 1970-01-01, proleptic Gregorian (Howard Hinnant's
/// `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097); // day of era, 0..=146_096
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365; // 0..=399
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // 0..=365, from March 1
    let mp = (5 * doy + 2) / 153; // 0..=11, from March
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// Days from 1970-01-01 to (year, month, day), the inverse of [`civil_from_days`].
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = if month > 2 { month - 3 } else { month + 9 };
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

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

impl fmt::Debug for Trace<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Trace")
            .field("redact_session_token", &self.redact_session_token)
            .finish_non_exhaustive()
    }
}

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

/// Signs `request` for a presigned URL valid for `expires_in` seconds (AWS takes at most 604800,
/// seven days) and returns the query parameters to add. The headers are signed as [`sign`] signs
/// them (so every one signed must be sent), with no `x-amz-date`, token or body-hash header added:
/// [`SigningOptions::sign_body`] does not apply.
///
/// # Errors
/// Those of [`sign`] (but [`SignError::AuthorizationTooLong`]), and
/// [`SignError::ReservedQueryParam`].
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
    let payload = Hex::new(&Sha256::digest(request.body));
    let canonical = Canonical {
        params,
        request,
        options,
        headers: &headers,
        query: &query,
        payload: &payload,
        presign: None,
    };
    let signature = canonical.sign(trace)?;

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

fn presign_inner<'a>(
    params: &SigningParams<'a>,
    request: &Request<'a>,
    options: &SigningOptions,
    expires_in: u32,
    trace: Option<&mut Trace<'_>>,
) -> Result<Presigned<'a>, SignError> {
    let sign_token = params.session_token.is_some() && !options.omit_session_token;
    let headers = SortedHeaders::new(request.headers, Added::default())?;
    let query = SortedQuery::new(request.query, Some(sign_token))?;
    let payload = Hex::new(&Sha256::digest(request.body));
    let canonical = Canonical {
        params,
        request,
        options,
        headers: &headers,
        query: &query,
        payload: &payload,
        presign: Some(expires_in),
    };
    let signature = canonical.sign(trace)?;
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

/// Everything the canonical request is made of.
struct Canonical<'c> {
    params: &'c SigningParams<'c>,
    request: &'c Request<'c>,
    options: &'c SigningOptions,
    headers: &'c SortedHeaders,
    query: &'c SortedQuery,
    payload: &'c Hex,
    /// `Some(expires_in)` for a presigned query.
    presign: Option<u32>,
}

impl Canonical<'_> {
    /// Hashes the canonical request, HMACs the string to sign, and returns the signature.
    fn sign(&self, trace: Option<&mut Trace<'_>>) -> Result<Hex, SignError> {
        let (creq_sink, sts_sink, redact): (Option<&mut dyn Write>, Option<&mut dyn Write>, _) =
            match trace {
                Some(t) => (
                    Some(&mut *t.canonical_request),
                    Some(&mut *t.string_to_sign),
                    t.redact_session_token,
                ),
                None => (None, None, false),
            };
        let mut creq = Tee {
            inner: Sha256::new(),
            sink: creq_sink,
        };
        self.write(&mut creq, redact)
            .map_err(|_| SignError::TraceSink)?;
        let creq_hash = Hex::new(&creq.inner.finalize());

        let p = self.params;
        let mut sts = Tee {
            inner: signing_key(p.secret_access_key, p.time, p.region, p.service),
            sink: sts_sink,
        };
        write_string_to_sign(&mut sts, p, &creq_hash).map_err(|_| SignError::TraceSink)?;
        Ok(Hex::new(&sts.inner.finalize().into_bytes()))
    }

    fn write(&self, w: &mut Tee<'_, Sha256>, redact: bool) -> fmt::Result {
        let r = self.request;
        write_upper(w, r.method)?;
        w.write_char('\n')?;
        write_path(w, r.path, self.options)?;
        w.write_char('\n')?;
        self.write_query(w)?;
        w.write_char('\n')?;
        self.write_headers(w, redact)?;
        w.write_char('\n')?;
        self.headers.write_names(w, r.headers)?;
        w.write_char('\n')?;
        w.write_str(self.payload.as_str())
    }

    fn write_query(&self, w: &mut Tee<'_, Sha256>) -> fmt::Result {
        let p = self.params;
        for (n, item) in self.query.items.iter().enumerate() {
            if n > 0 {
                w.write_char('&')?;
            }
            match *item {
                Param::Caller(i) => {
                    let (name, value) = self.request.query[usize::from(i)];
                    write!(w, "{}={}", uri_encode(name), uri_encode(value))?;
                }
                Param::Added(k) => {
                    write!(w, "{}=", PRESIGN_PARAMS[usize::from(k)])?;
                    match PRESIGN_PARAMS[usize::from(k)] {
                        "X-Amz-Algorithm" => w.write_str(ALGORITHM)?,
                        "X-Amz-Credential" => write_credential(
                            &mut Encoder(w),
                            p.access_key_id,
                            p.time,
                            p.region,
                            p.service,
                        )?,
                        "X-Amz-Date" => write!(w, "{}", p.time.amz_date())?,
                        "X-Amz-SignedHeaders" => self
                            .headers
                            .write_names(&mut Encoder(w), self.request.headers)?,
                        "X-Amz-Expires" => write!(w, "{}", self.presign.unwrap_or_default())?,
                        // Only added when there is a token to sign.
                        _ => write!(w, "{}", uri_encode(p.session_token.unwrap_or_default()))?,
                    }
                }
            }
        }
        Ok(())
    }

    fn write_headers(&self, w: &mut Tee<'_, Sha256>, redact: bool) -> fmt::Result {
        let items = &self.headers.items;
        let all = self.request.headers;
        let mut n = 0;
        while n < items.len() {
            let name = items[n].name(all);
            write_lower(w, name)?;
            w.write_char(':')?;
            let mut first = true;
            while n < items.len() && eq_lower(items[n].name(all), name) {
                if !first {
                    w.write_char(',')?;
                }
                first = false;
                match items[n] {
                    Header::Caller(i) => write_trimmed(w, all[usize::from(i)].1)?,
                    Header::Date => write!(w, "{}", self.params.time.amz_date())?,
                    Header::ContentSha256 => w.write_str(self.payload.as_str())?,
                    Header::SecurityToken => {
                        let token = self.params.session_token.unwrap_or_default();
                        w.write_secret(token, redact)?;
                    }
                }
                n += 1;
            }
            w.write_char('\n')?;
        }
        Ok(())
    }
}

fn write_string_to_sign(
    w: &mut Tee<'_, HmacSha256>,
    p: &SigningParams<'_>,
    canonical_request_hash: &Hex,
) -> fmt::Result {
    write!(w, "{ALGORITHM}\n{}\n", p.time.amz_date())?;
    write_scope(w, p.time, p.region, p.service)?;
    write!(w, "\n{}", canonical_request_hash.as_str())
}

/// The HMAC keyed with the signing key of (secret, date, region, service), ready for the string
/// to sign.
fn signing_key(secret: &str, time: Timestamp, region: &str, service: &str) -> HmacSha256 {
    // The first key is "AWS4" + secret. HMAC zero-pads a key up to the 64-byte block and hashes
    // a longer one; doing the same here keeps the key off any buffer but this block.
    let mut block = [0u8; 64];
    let prefix = b"AWS4";
    if prefix.len() + secret.len() <= block.len() {
        block[..4].copy_from_slice(prefix);
        block[4..4 + secret.len()].copy_from_slice(secret.as_bytes());
    } else {
        let digest = Sha256::new()
            .chain_update(prefix)
            .chain_update(secret.as_bytes())
            .finalize();
        block[..32].copy_from_slice(&digest);
    }
    let mut date = [0u8; 8];
    let mut cursor = Cursor {
        buf: &mut date,
        len: 0,
    };
    let _ = write!(cursor, "{}", time.date_stamp());
    let k_date = hmac_once(&block, &date);
    let k_region = hmac_once(&k_date, region.as_bytes());
    let k_service = hmac_once(&k_region, service.as_bytes());
    let k_signing = hmac_once(&k_service, TERMINATOR.as_bytes());
    keyed(&k_signing)
}

/// HMAC-SHA256 keyed with `key` (at most 64 bytes), fed nothing yet.
fn keyed(key: &[u8]) -> HmacSha256 {
    let mut block = [0u8; 64];
    block[..key.len()].copy_from_slice(key);
    HmacSha256::new(&block.into())
}

fn hmac_once(key: &[u8], data: &[u8]) -> [u8; 32] {
    let mut mac = keyed(key);
    Mac::update(&mut mac, data);
    mac.finalize().into_bytes().into()
}

/// A fixed byte buffer as a `fmt::Write` (the date stamp, eight digits).
struct Cursor<'b> {
    buf: &'b mut [u8],
    len: usize,
}

impl Write for Cursor<'_> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let end = self.len + s.len();
        self.buf
            .get_mut(self.len..end)
            .ok_or(fmt::Error)?
            .copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }
}

/// Feeds what is written to a hash or MAC, and copies it to an optional trace sink.
struct Tee<'s, H> {
    inner: H,
    sink: Option<&'s mut dyn Write>,
}

impl<H: Update> Tee<'_, H> {
    /// Hashes `secret`; the sink gets `<redacted>` in its place when `redact`.
    fn write_secret(&mut self, secret: &str, redact: bool) -> fmt::Result {
        self.inner.update(secret.as_bytes());
        match &mut self.sink {
            Some(sink) => sink.write_str(if redact { REDACTED } else { secret }),
            None => Ok(()),
        }
    }
}

impl<H: Update> Write for Tee<'_, H> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.inner.update(s.as_bytes());
        match &mut self.sink {
            Some(sink) => sink.write_str(s),
            None => Ok(()),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Headers

/// Which headers the signer adds to the signed set.
#[derive(Default, Clone, Copy)]
struct Added {
    date: bool,
    token: bool,
    content_sha256: bool,
}

/// One signed header: the caller's (by index) or one the signer adds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Header {
    Caller(u16),
    Date,
    ContentSha256,
    SecurityToken,
}

impl Header {
    fn name<'h>(self, headers: &[(&'h str, &'h str)]) -> &'h str {
        match self {
            Header::Caller(i) => headers[usize::from(i)].0,
            Header::Date => "x-amz-date",
            Header::ContentSha256 => "x-amz-content-sha256",
            Header::SecurityToken => "x-amz-security-token",
        }
    }

    /// The order among equal names: the caller's order (added names never equal a caller's).
    fn position(self) -> u32 {
        match self {
            Header::Caller(i) => u32::from(i),
            _ => u32::MAX,
        }
    }
}

/// The headers to sign, sorted by lower-case name, equal names in the order given.
#[derive(Debug, Clone, PartialEq, Eq)]
struct SortedHeaders {
    items: heapless::Vec<Header, MAX_HEADERS>,
}

impl SortedHeaders {
    fn new(headers: &[(&str, &str)], added: Added) -> Result<Self, SignError> {
        let too_many = SignError::TooManyHeaders {
            given: headers.len(),
        };
        let mut items = heapless::Vec::new();
        let mut host = false;
        for (i, &(name, _)) in headers.iter().enumerate() {
            let replaced = name.eq_ignore_ascii_case("authorization")
                || (added.date && name.eq_ignore_ascii_case("x-amz-date"))
                || (added.token && name.eq_ignore_ascii_case("x-amz-security-token"))
                || (added.content_sha256 && name.eq_ignore_ascii_case("x-amz-content-sha256"));
            if replaced
                || UNSIGNED_HEADERS
                    .iter()
                    .any(|u| name.eq_ignore_ascii_case(u))
            {
                continue;
            }
            host |= name.eq_ignore_ascii_case("host");
            let index = u16::try_from(i).map_err(|_| too_many)?;
            items.push(Header::Caller(index)).map_err(|_| too_many)?;
        }
        if !host {
            return Err(SignError::MissingHost);
        }
        let extra = [
            (added.date, Header::Date),
            (added.token, Header::SecurityToken),
            (added.content_sha256, Header::ContentSha256),
        ];
        for (wanted, header) in extra {
            if wanted {
                items.push(header).map_err(|_| too_many)?;
            }
        }
        items.sort_unstable_by(|a, b| {
            cmp_lower(a.name(headers), b.name(headers)).then(a.position().cmp(&b.position()))
        });
        Ok(SortedHeaders { items })
    }

    /// The signed header names: lower-case, unique, joined by `;`.
    fn write_names(&self, w: &mut dyn Write, headers: &[(&str, &str)]) -> fmt::Result {
        let mut last: Option<&str> = None;
        for item in &self.items {
            let name = item.name(headers);
            if last.is_some_and(|l| eq_lower(l, name)) {
                continue;
            }
            if last.is_some() {
                w.write_char(';')?;
            }
            write_lower(w, name)?;
            last = Some(name);
        }
        Ok(())
    }
}

fn cmp_lower(a: &str, b: &str) -> Ordering {
    a.bytes()
        .map(|c| c.to_ascii_lowercase())
        .cmp(b.bytes().map(|c| c.to_ascii_lowercase()))
}

fn eq_lower(a: &str, b: &str) -> bool {
    a.eq_ignore_ascii_case(b)
}

fn write_lower(w: &mut (impl Write + ?Sized), s: &str) -> fmt::Result {
    let mut start = 0;
    for (i, b) in s.bytes().enumerate() {
        if b.is_ascii_uppercase() {
            w.write_str(&s[start..i])?;
            w.write_char(char::from(b.to_ascii_lowercase()))?;
            start = i + 1;
        }
    }
    w.write_str(&s[start..])
}

fn write_upper(w: &mut (impl Write + ?Sized), s: &str) -> fmt::Result {
    let mut start = 0;
    for (i, b) in s.bytes().enumerate() {
        if b.is_ascii_lowercase() {
            w.write_str(&s[start..i])?;
            w.write_char(char::from(b.to_ascii_uppercase()))?;
            start = i + 1;
        }
    }
    w.write_str(&s[start..])
}

/// A header value as botocore signs it: `' '.join(value.split())`, Python's whitespace.
fn write_trimmed(w: &mut (impl Write + ?Sized), value: &str) -> fmt::Result {
    let mut words = value.split(is_py_space).filter(|word| !word.is_empty());
    if let Some(word) = words.next() {
        w.write_str(word)?;
    }
    for word in words {
        w.write_char(' ')?;
        w.write_str(word)?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Query

/// One query parameter: the caller's (by index) or one a presigned query adds (by its index in
/// `PRESIGN_PARAMS`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Param {
    Caller(u16),
    Added(u8),
}

/// The query parameters, sorted by encoded name, then encoded value.
struct SortedQuery {
    items: heapless::Vec<Param, { MAX_QUERY_PARAMS + PRESIGN_PARAMS.len() }>,
}

impl SortedQuery {
    /// `presign` is `Some(whether the token is signed)` for a presigned query.
    fn new(query: &[(&str, &str)], presign: Option<bool>) -> Result<Self, SignError> {
        let too_many = SignError::TooManyQueryParams { given: query.len() };
        if query.len() > MAX_QUERY_PARAMS {
            return Err(too_many);
        }
        let mut items = heapless::Vec::new();
        for (i, &(name, _)) in query.iter().enumerate() {
            if presign.is_some() {
                if let Some(reserved) = PRESIGN_PARAMS.iter().find(|&&p| p == name) {
                    return Err(SignError::ReservedQueryParam { name: reserved });
                }
            }
            let index = u16::try_from(i).map_err(|_| too_many)?;
            items.push(Param::Caller(index)).map_err(|_| too_many)?;
        }
        if let Some(sign_token) = presign {
            // Every name but X-Amz-Signature (the last), the token only when signed.
            for (k, &name) in PRESIGN_PARAMS[..PRESIGN_PARAMS.len() - 1]
                .iter()
                .enumerate()
            {
                if name == "X-Amz-Security-Token" && !sign_token {
                    continue;
                }
                // k < 7
                items.push(Param::Added(k as u8)).map_err(|_| too_many)?;
            }
        }
        // Added names are unique and never a caller's, so only two caller parameters can tie on
        // the name and be ordered by value.
        let name = |p: &Param| match *p {
            Param::Caller(i) => query[usize::from(i)].0,
            Param::Added(k) => PRESIGN_PARAMS[usize::from(k)],
        };
        items.sort_unstable_by(|a, b| {
            encoded(name(a))
                .cmp(encoded(name(b)))
                .then_with(|| match (*a, *b) {
                    (Param::Caller(i), Param::Caller(j)) => {
                        encoded(query[usize::from(i)].1).cmp(encoded(query[usize::from(j)].1))
                    }
                    _ => Ordering::Equal,
                })
        });
        Ok(SortedQuery { items })
    }
}

// ---------------------------------------------------------------------------------------------
// URI encoding and paths

fn is_unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~')
}

/// The bytes of `s` URI-encoded (RFC 3986 unreserved kept, upper-case hex), for comparing.
fn encoded(s: &str) -> impl Iterator<Item = u8> + '_ {
    const DIGITS: &[u8; 16] = b"0123456789ABCDEF";
    s.bytes().flat_map(|b| {
        let (bytes, len) = if is_unreserved(b) {
            ([b, 0, 0], 1)
        } else {
            (
                [
                    b'%',
                    DIGITS[usize::from(b >> 4)],
                    DIGITS[usize::from(b & 15)],
                ],
                3,
            )
        };
        bytes.into_iter().take(len)
    })
}

/// `s` URI-encoded as SigV4 wants query names and values: every byte but the RFC 3986
/// unreserved set (`A-Z a-z 0-9 - . _ ~`) as `%XX` with upper-case hex (so `/` is `%2F`, a space
/// `%20`). Write query strings with it so that what is sent is what was signed.
#[must_use]
pub fn uri_encode(s: &str) -> UriEncoded<'_> {
    UriEncoded {
        text: s,
        slash: false,
    }
}

/// [`uri_encode`]'s value: Display writes the encoding.
#[derive(Debug, Clone, Copy)]
pub struct UriEncoded<'a> {
    text: &'a str,
    /// Keep `/` (paths).
    slash: bool,
}

impl fmt::Display for UriEncoded<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        encode_into(f, self.text, self.slash)
    }
}

fn encode_into(w: &mut (impl Write + ?Sized), s: &str, keep_slash: bool) -> fmt::Result {
    const DIGITS: &[u8; 16] = b"0123456789ABCDEF";
    let bytes = s.as_bytes();
    // `start..i` is a run of bytes kept as they are: unreserved ASCII only, so a non-empty run
    // begins and ends on char boundaries (every byte of a multi-byte char is escaped).
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if is_unreserved(b) || (keep_slash && b == b'/') {
            continue;
        }
        if start < i {
            w.write_str(&s[start..i])?;
        }
        let escaped = [
            '%',
            char::from(DIGITS[usize::from(b >> 4)]),
            char::from(DIGITS[usize::from(b & 15)]),
        ];
        for c in escaped {
            w.write_char(c)?;
        }
        start = i + 1;
    }
    if start < bytes.len() {
        w.write_str(&s[start..])?;
    }
    Ok(())
}

/// A `fmt::Write` that URI-encodes what goes through it (query values made of parts).
struct Encoder<'w, W: ?Sized>(&'w mut W);

impl<W: Write + ?Sized> Write for Encoder<'_, W> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        encode_into(self.0, s, false)
    }
}

/// The canonical path: normalised and encoded again as the options say; `/` when empty.
fn write_path<W: Write + ?Sized>(w: &mut W, path: &str, options: &SigningOptions) -> fmt::Result {
    let put = |w: &mut W, s: &str| {
        if options.double_encode_path {
            encode_into(w, s, true)
        } else {
            w.write_str(s)
        }
    };
    if path.is_empty() {
        return w.write_char('/');
    }
    if !options.normalize_path {
        return put(w, path);
    }
    // RFC 3986 remove_dot_segments, also dropping empty segments, as botocore and aws-c-auth do:
    // "/" + the kept segments joined by "/" + "/" when the path ends with one and any is kept.
    w.write_char('/')?;
    let mut any = false;
    for (i, segment) in path.split('/').enumerate() {
        if !kept(path, i, segment) {
            continue;
        }
        if any {
            w.write_char('/')?;
        }
        put(w, segment)?;
        any = true;
    }
    if any && path.ends_with('/') {
        w.write_char('/')?;
    }
    Ok(())
}

/// Whether the `i`th segment of `path` survives normalisation: a name that no later `..` takes
/// away. The stack of kept names below it is never popped past it before it goes, so counting
/// the names and `..` after it is enough.
fn kept(path: &str, i: usize, segment: &str) -> bool {
    if matches!(segment, "" | "." | "..") {
        return false;
    }
    let mut depth = 0usize;
    for later in path.split('/').skip(i + 1) {
        match later {
            "" | "." => {}
            ".." if depth == 0 => return false,
            ".." => depth -= 1,
            _ => depth += 1,
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(token: Option<&'static str>, service: &'static str) -> SigningParams<'static> {
        SigningParams {
            access_key_id: "AKIDEXAMPLE",
            secret_access_key: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            session_token: token,
            region: "us-east-1",
            service,
            time: Timestamp::new(2015, 8, 30, 12, 36, 0).unwrap(),
        }
    }

    struct Buf<const N: usize>(heapless::String<N>);

    impl<const N: usize> Write for Buf<N> {
        fn write_str(&mut self, s: &str) -> fmt::Result {
            self.0.push_str(s).map_err(|_| fmt::Error)
        }
    }

    fn canonical(path: &str, normalize: bool, double: bool) -> heapless::String<256> {
        let mut out = Buf::<256>(heapless::String::new());
        let options = SigningOptions {
            normalize_path: normalize,
            double_encode_path: double,
            ..SigningOptions::default()
        };
        write_path(&mut out, path, &options).unwrap();
        out.0
    }

    #[test]
    fn timestamps() {
        let t = Timestamp::from_unix(1_440_938_160).unwrap();
        assert_eq!(t, Timestamp::new(2015, 8, 30, 12, 36, 0).unwrap());
        assert_eq!(t.unix(), 1_440_938_160);
        let mut s = Buf::<64>(heapless::String::new());
        write!(s, "{} {} {t}", t.amz_date(), t.date_stamp()).unwrap();
        assert_eq!(s.0, "20150830T123600Z 20150830 2015-08-30T12:36:00Z");

        assert_eq!(
            Timestamp::from_unix(0).unwrap(),
            Timestamp::new(1970, 1, 1, 0, 0, 0).unwrap()
        );
        assert_eq!(
            Timestamp::from_unix(-1).unwrap(),
            Timestamp::new(1969, 12, 31, 23, 59, 59).unwrap()
        );
        assert_eq!(
            Timestamp::from_unix(951_782_400).unwrap(),
            Timestamp::new(2000, 2, 29, 0, 0, 0).unwrap()
        );
        let last = Timestamp::new(9999, 12, 31, 23, 59, 59).unwrap();
        assert_eq!(Timestamp::from_unix(last.unix()).unwrap(), last);
        let first = Timestamp::new(0, 1, 1, 0, 0, 0).unwrap();
        assert_eq!(Timestamp::from_unix(first.unix()).unwrap(), first);
        assert!(Timestamp::from_unix(last.unix() + 1).is_err());
        assert!(Timestamp::from_unix(first.unix() - 1).is_err());
        assert!(Timestamp::from_unix(i64::MAX).is_err());
        assert!(Timestamp::from_unix(i64::MIN).is_err());

        // Every day for 800 years round-trips.
        let mut day = first.unix() / 86_400;
        while day < Timestamp::new(2400, 1, 1, 0, 0, 0).unwrap().unix() / 86_400 {
            let t = Timestamp::from_unix(day * 86_400 + 86_399).unwrap();
            assert_eq!(t.unix(), day * 86_400 + 86_399);
            day += 1;
        }

        assert_eq!(
            Timestamp::new(2015, 2, 29, 0, 0, 0),
            Err(SignError::InvalidTime {
                field: "day",
                value: 29
            })
        );
        assert!(Timestamp::new(2016, 2, 29, 0, 0, 0).is_ok());
        assert!(Timestamp::new(1900, 2, 29, 0, 0, 0).is_err());
        assert!(Timestamp::new(2015, 13, 1, 0, 0, 0).is_err());
        assert!(Timestamp::new(2015, 1, 1, 24, 0, 0).is_err());
        assert!(Timestamp::new(2015, 1, 1, 0, 60, 0).is_err());
        assert!(Timestamp::new(2015, 1, 1, 0, 0, 60).is_err());
        assert!(Timestamp::new(10_000, 1, 1, 0, 0, 0).is_err());
    }

    #[test]
    fn paths() {
        assert_eq!(canonical("", true, true), "/");
        assert_eq!(canonical("", false, false), "/");
        assert_eq!(canonical("/", true, true), "/");
        assert_eq!(canonical("/a/b/../c/./d/", true, true), "/a/c/d/");
        assert_eq!(canonical("/../../a", true, true), "/a");
        assert_eq!(canonical("/a/..", true, true), "/");
        assert_eq!(canonical("/a/../", true, true), "/");
        assert_eq!(canonical("/a/b/c/../../..", true, true), "/");
        assert_eq!(canonical("/a/b/../../c/d/..", true, true), "/c");
        assert_eq!(canonical("//a//b//", true, true), "/a/b/");
        assert_eq!(canonical("/a%20b/ሴ", true, true), "/a%2520b/%E1%88%B4");
        assert_eq!(canonical("/a%20b/..", false, true), "/a%2520b/..");
        assert_eq!(canonical("/a%20b//", false, false), "/a%20b//");
    }

    #[test]
    fn encoding() {
        let mut s = Buf::<128>(heapless::String::new());
        write!(s, "{}", uri_encode("a b/c~d-e.f_g+h=ሴ%")).unwrap();
        assert_eq!(s.0, "a%20b%2Fc~d-e.f_g%2Bh%3D%E1%88%B4%25");
        let e: heapless::Vec<u8, 64> = encoded("ሴ /").collect();
        assert_eq!(&e[..], b"%E1%88%B4%20%2F");
    }

    #[test]
    fn header_values_are_trimmed_like_python_split() {
        let mut s = Buf::<64>(heapless::String::new());
        write_trimmed(&mut s, " \t a \r\n  b\u{1c}c\u{a0} ").unwrap();
        assert_eq!(s.0, "a b c");
    }

    /// The well-known STS example: an AssumeRole POST, form-encoded.
    #[test]
    fn sts_assume_role() {
        let body = b"Action=AssumeRole&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fdemo\
                     &RoleSessionName=botocore-session-1440938160&Version=2011-06-15";
        let headers = [
            (
                "Content-Type",
                "application/x-www-form-urlencoded; charset=utf-8",
            ),
            ("Host", "sts.us-east-1.amazonaws.com"),
            ("User-Agent", "aws-cli/2.36.7"),
        ];
        let request = Request {
            method: "POST",
            path: "/",
            query: &[],
            headers: &headers,
            body,
        };
        let options = SigningOptions::for_service("sts");
        assert_eq!(options, SigningOptions::default());

        let mut creq = Buf::<1024>(heapless::String::new());
        let mut sts = Buf::<256>(heapless::String::new());
        let mut trace = Trace {
            canonical_request: &mut creq,
            string_to_sign: &mut sts,
            redact_session_token: false,
        };
        let signed = sign_traced(&params(None, "sts"), &request, &options, &mut trace).unwrap();
        let signature = signed.signature();
        // Computed apart from this code, with Python's hashlib and hmac.
        assert_eq!(
            signature,
            "1d798d437c81a43cbcb60624e96058e6b0cfce2a7d0dc10096989480f604f0b9"
        );
        let expected = [
            "POST",
            "/",
            "",
            "content-type:application/x-www-form-urlencoded; charset=utf-8",
            "host:sts.us-east-1.amazonaws.com",
            "x-amz-date:20150830T123600Z",
            "",
            "content-type;host;x-amz-date",
        ];
        let lines: heapless::Vec<&str, 16> = creq.0.split('\n').collect();
        assert_eq!(&lines[..8], &expected[..]);
        let body_hash = Hex::new(&Sha256::digest(body));
        assert_eq!(lines[8], body_hash.as_str());
        assert!(sts.0.starts_with(
            "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/sts/aws4_request\n"
        ));
        let mut auth = Buf::<256>(heapless::String::new());
        write!(
            auth,
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/sts/aws4_request, \
             SignedHeaders=content-type;host;x-amz-date, Signature={signature}"
        )
        .unwrap();
        assert_eq!(signed.authorization(), auth.0.as_str());
        assert_eq!(signed.x_amz_date(), "20150830T123600Z");
        assert_eq!(signed.x_amz_content_sha256(), None);
        let names: heapless::Vec<&str, 4> = signed.iter().map(|(n, _)| n).collect();
        assert_eq!(&names[..], ["x-amz-date", "authorization"]);
        // The untraced signer agrees.
        assert_eq!(
            sign(&params(None, "sts"), &request, &options).unwrap(),
            signed
        );

        // With a session token: signed, sent, and redacted where a person may see it.
        let token = "FQoGZXIvYXdzEXAMPLETOKEN";
        let mut creq = Buf::<1024>(heapless::String::new());
        let mut sts = Buf::<256>(heapless::String::new());
        let mut trace = Trace {
            canonical_request: &mut creq,
            string_to_sign: &mut sts,
            redact_session_token: true,
        };
        let with_token = params(Some(token), "sts");
        let signed = sign_traced(&with_token, &request, &options, &mut trace).unwrap();
        assert!(signed
            .authorization()
            .contains("SignedHeaders=content-type;host;x-amz-date;x-amz-security-token, "));
        assert_eq!(signed.x_amz_security_token(), Some(token));
        assert_eq!(
            signed.signature(),
            "7615b4115fefaf172abce9a080e4e2425dad1d848c22103afa73227d79210064"
        );
        assert!(creq.0.contains("\nx-amz-security-token:<redacted>\n"));
        assert!(!creq.0.contains(token));
        let names: heapless::Vec<&str, 4> = signed.iter().map(|(n, _)| n).collect();
        assert_eq!(
            &names[..],
            ["x-amz-date", "x-amz-security-token", "authorization"]
        );
        // Redacting the trace does not change the signature.
        assert_eq!(sign(&with_token, &request, &options).unwrap(), signed);
    }

    #[test]
    fn secrets_stay_out_of_debug() {
        struct Text(heapless::String<2048>);
        impl Write for Text {
            fn write_str(&mut self, s: &str) -> fmt::Result {
                self.0.push_str(s).map_err(|_| fmt::Error)
            }
        }
        let token = "SECRETTOKENVALUE";
        let p = params(Some(token), "sts");
        let headers = [("host", "h"), ("X-Amz-Security-Token", token)];
        let request = Request {
            method: "GET",
            path: "/",
            query: &[],
            headers: &headers,
            body: b"",
        };
        let signed = sign(&p, &request, &SigningOptions::default()).unwrap();
        let presigned = presign(&p, &request, &SigningOptions::default(), 60).unwrap();
        let mut out = Text(heapless::String::new());
        write!(out, "{p:?} {request:?} {signed:?} {presigned:?}").unwrap();
        assert!(out.0.contains("AKIDEXAMPLE"));
        assert!(!out.0.contains(p.secret_access_key));
        assert!(!out.0.contains(token));
    }

    #[test]
    fn headers_replaced_and_left_out() {
        let headers = [
            ("Host", "example.amazonaws.com"),
            ("Authorization", "old"),
            ("X-Amz-Date", "old"),
            ("Expect", "100-continue"),
            ("Transfer-Encoding", "chunked"),
            ("x-amzn-trace-id", "t"),
            ("My-Header", "  a   b  "),
            ("my-header", "c"),
        ];
        let request = Request {
            method: "get",
            path: "",
            query: &[("b", "2"), ("a", "x y"), ("a", "1")],
            headers: &headers,
            body: b"",
        };
        let mut creq = Buf::<512>(heapless::String::new());
        let mut sts = Buf::<256>(heapless::String::new());
        let mut trace = Trace {
            canonical_request: &mut creq,
            string_to_sign: &mut sts,
            redact_session_token: false,
        };
        sign_traced(
            &params(None, "service"),
            &request,
            &SigningOptions::default(),
            &mut trace,
        )
        .unwrap();
        assert!(creq.0.starts_with(
            "GET\n/\na=1&a=x%20y&b=2\nhost:example.amazonaws.com\nmy-header:a b,c\n\
             x-amz-date:20150830T123600Z\n\nhost;my-header;x-amz-date\n"
        ));
    }

    #[test]
    fn errors() {
        let p = params(None, "service");
        let no_host = Request {
            method: "GET",
            path: "/",
            query: &[],
            headers: &[("x", "y")],
            body: b"",
        };
        let options = SigningOptions::default();
        assert_eq!(sign(&p, &no_host, &options), Err(SignError::MissingHost));

        let many = [("host", "h"); MAX_HEADERS];
        let request = Request {
            headers: &many,
            ..no_host
        };
        // 64 hosts plus x-amz-date is one too many.
        assert_eq!(
            sign(&p, &request, &options),
            Err(SignError::TooManyHeaders { given: MAX_HEADERS })
        );
        assert!(sign(
            &p,
            &Request {
                headers: &many[1..],
                ..no_host
            },
            &options
        )
        .is_ok());

        let query = [("a", "b"); MAX_QUERY_PARAMS + 1];
        let request = Request {
            query: &query,
            headers: &[("host", "h")],
            ..no_host
        };
        assert_eq!(
            sign(&p, &request, &options),
            Err(SignError::TooManyQueryParams {
                given: MAX_QUERY_PARAMS + 1
            })
        );

        let long = [b'x'; AUTHORIZATION_CAPACITY];
        let long = core::str::from_utf8(&long).unwrap();
        let headers = [("host", "h"), (long, "v")];
        let request = Request {
            headers: &headers,
            ..no_host
        };
        assert_eq!(
            sign(&p, &request, &options),
            Err(SignError::AuthorizationTooLong)
        );

        let request = Request {
            query: &[("X-Amz-Signature", "x")],
            headers: &[("host", "h")],
            ..no_host
        };
        assert!(sign(&p, &request, &options).is_ok());
        assert_eq!(
            presign(&p, &request, &options, 60).map(|_| ()),
            Err(SignError::ReservedQueryParam {
                name: "X-Amz-Signature"
            })
        );

        let mut tiny = Buf::<8>(heapless::String::new());
        let mut sts = Buf::<256>(heapless::String::new());
        let mut trace = Trace {
            canonical_request: &mut tiny,
            string_to_sign: &mut sts,
            redact_session_token: false,
        };
        assert_eq!(
            sign_traced(
                &p,
                &Request {
                    headers: &[("host", "h")],
                    ..no_host
                },
                &options,
                &mut trace
            ),
            Err(SignError::TraceSink)
        );
    }

    #[test]
    fn long_secret_keys_are_hashed_as_hmac_does() {
        // A 61-byte secret makes a 65-byte first key: HMAC hashes it; so does the signer.
        let secret = "0123456789012345678901234567890123456789012345678901234567890";
        let t = Timestamp::new(2015, 8, 30, 0, 0, 0).unwrap();
        let mut reference = HmacSha256::new_from_slice(
            &[b"AWS4".as_slice(), secret.as_bytes()].concat_into::<65>(),
        )
        .unwrap();
        Mac::update(&mut reference, b"20150830");
        let k_date: [u8; 32] = reference.finalize().into_bytes().into();
        let k_signing = hmac_once(&hmac_once(&hmac_once(&k_date, b"r"), b"s"), b"aws4_request");
        let mut expected = keyed(&k_signing);
        let mut ours = signing_key(secret, t, "r", "s");
        Mac::update(&mut expected, b"x");
        Mac::update(&mut ours, b"x");
        assert_eq!(
            expected.finalize().into_bytes(),
            ours.finalize().into_bytes()
        );
    }

    trait ConcatInto {
        fn concat_into<const N: usize>(&self) -> [u8; N];
    }

    impl ConcatInto for [&[u8]; 2] {
        fn concat_into<const N: usize>(&self) -> [u8; N] {
            let mut out = [0u8; N];
            out[..self[0].len()].copy_from_slice(self[0]);
            out[self[0].len()..].copy_from_slice(self[1]);
            out
        }
    }
}
