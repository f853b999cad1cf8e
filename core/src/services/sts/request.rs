//! The requests: the form bodies, AssumeRole's signing, and the exchange with retries.

// An STS error keeps the service's message inline: the core has no allocator to box it.
#![allow(clippy::large_enum_variant, clippy::result_large_err)]

use core::fmt::{self, Write as _};

use super::error::{retry_class, StsError, StsErrorKind};
use super::response::{
    parse_caller_identity_response, parse_response, parse_session_token_response,
};
use super::{
    AssumeRoleParams, AssumedRole, CallerIdentity, FederationTokenParams, Mfa, Operation,
    SessionCredentials, SessionTokenParams, StsOptions, StsTarget, WebIdentityParams, API_VERSION,
    FORM_CONTENT_TYPE, MAX_REQUEST_BODY_LEN,
};
use crate::io::{Clock, Http, HttpRequest, HttpResponse};
use crate::services::endpoint::Endpoint;
use crate::signing::sigv4::{sign, uri_encode, Request, SigningOptions, SigningParams, Timestamp};

/// Calls AssumeRole at `to`'s endpoint, signed with its caller's credentials, retried as its
/// options say; each attempt is signed anew at its clock's time, as botocore signs each.
///
/// # Errors
/// [`StsError`], naming the role and the endpoint: the last attempt's.
pub async fn assume_role<'e, H: Http + ?Sized, K: Clock + ?Sized>(
    to: &StsTarget<'_, 'e, H, K>,
    params: &AssumeRoleParams<'e>,
) -> Result<AssumedRole, StsError<'e>> {
    let operation = Operation::AssumeRole;
    let write = |b: &mut RequestBody| write_assume_role_body(b, params);
    signed(
        to,
        operation,
        params.role_arn,
        write,
        role_answer(operation),
    )
    .await
}

/// Calls GetSessionToken at `to`'s endpoint, signed with its caller's (long-term)
/// credentials, retried as its options say; each attempt is signed anew at its clock's time.
///
/// # Errors
/// [`StsError`], naming the MFA device and the endpoint: the last attempt's.
pub async fn get_session_token<'e, H: Http + ?Sized, K: Clock + ?Sized>(
    to: &StsTarget<'_, 'e, H, K>,
    params: &SessionTokenParams<'e>,
) -> Result<SessionCredentials, StsError<'e>> {
    let subject = params.subject();
    let write = |b: &mut RequestBody| write_session_token_body(b, params);
    signed(
        to,
        Operation::GetSessionToken,
        subject,
        write,
        parse_session_token_response,
    )
    .await
}

/// Calls GetCallerIdentity at `to`'s endpoint, signed with its caller's credentials, retried
/// as its options say; each attempt is signed anew at its clock's time.
///
/// # Errors
/// [`StsError`], naming the endpoint: the last attempt's.
pub async fn get_caller_identity<'e, H: Http + ?Sized, K: Clock + ?Sized>(
    to: &StsTarget<'_, 'e, H, K>,
) -> Result<CallerIdentity, StsError<'e>> {
    let write = |b: &mut RequestBody| b.write_str(CALLER_IDENTITY_BODY);
    signed(
        to,
        Operation::GetCallerIdentity,
        "",
        write,
        parse_caller_identity_response,
    )
    .await
}

/// Calls GetFederationToken at `to`'s endpoint, signed with its caller's long-term keys,
/// retried as its options say; each attempt is signed anew at its clock's time. The
/// credentials are attributed to the caller's provider, whose keys they stand for.
///
/// # Errors
/// [`StsError`], naming the federated user and the endpoint: the last attempt's.
pub async fn get_federation_token<'e, H: Http + ?Sized, K: Clock + ?Sized>(
    to: &StsTarget<'_, 'e, H, K>,
    params: &FederationTokenParams<'e>,
) -> Result<AssumedRole, StsError<'e>> {
    let operation = Operation::GetFederationToken;
    let write = |b: &mut RequestBody| write_federation_token_body(b, params);
    let mut answer = signed(to, operation, params.name, write, role_answer(operation)).await?;
    answer.credentials = answer.credentials.with_provider(to.caller.provider());
    Ok(answer)
}

/// Writes GetFederationToken's form body, its members in botocore's order (Name, Policy,
/// DurationSeconds).
fn write_federation_token_body(
    out: &mut impl fmt::Write,
    p: &FederationTokenParams<'_>,
) -> fmt::Result {
    write!(
        out,
        "Action=GetFederationToken&Version={API_VERSION}&Name={}",
        uri_encode(p.name)
    )?;
    if let Some(policy) = p.policy {
        write!(out, "&Policy={}", uri_encode(policy))?;
    }
    if let Some(seconds) = p.duration_seconds {
        write!(out, "&DurationSeconds={seconds}")?;
    }
    Ok(())
}

/// GetCallerIdentity's form body: it has no parameters.
pub(super) const CALLER_IDENTITY_BODY: &str = "Action=GetCallerIdentity&Version=2011-06-15";

/// A request body, form-encoded.
type RequestBody = heapless::String<MAX_REQUEST_BODY_LEN>;

/// One signed operation: its body written by `write_body`, each attempt signed anew at the
/// clock's time and its answer read by `parse`, retried as the options say; an error names
/// `operation`, `subject` and the endpoint.
async fn signed<'e, H: Http + ?Sized, K: Clock + ?Sized, T>(
    to: &StsTarget<'_, 'e, H, K>,
    operation: Operation,
    subject: &'e str,
    write_body: impl FnOnce(&mut RequestBody) -> fmt::Result,
    parse: impl Fn(u16, Option<&str>, &[u8]) -> Result<T, StsErrorKind> + Copy,
) -> Result<T, StsError<'e>> {
    let fail = failure(operation, subject, to.endpoint);
    let mut body = RequestBody::new();
    write_body(&mut body).map_err(|_| fail(StsErrorKind::RequestTooLong))?;
    let body = &body;
    crate::services::retry::run(
        to.clock,
        to.options.retry,
        retry_class,
        move || async move {
            let answer = signed_call(to, body).await?;
            read_answer(&answer, parse)
        },
    )
    .await
    .map_err(fail)
}

/// The error of `operation` for `role_arn` (GetSessionToken: the MFA device) at `endpoint`,
/// from its cause.
fn failure<'e>(
    operation: Operation,
    role_arn: &'e str,
    endpoint: &'e Endpoint<'e>,
) -> impl Fn(StsErrorKind) -> StsError<'e> + Copy {
    move |kind| StsError {
        operation,
        role_arn,
        endpoint: endpoint.url(),
        origin: endpoint.origin(),
        kind,
    }
}

/// One attempt of a signed operation, signed at the clock's time now: the answer, unread.
async fn signed_call<H: Http + ?Sized, K: Clock + ?Sized>(
    to: &StsTarget<'_, '_, H, K>,
    body: &str,
) -> Result<HttpResponse<H::Body>, StsErrorKind> {
    let (endpoint, caller) = (to.endpoint, to.caller);
    let time = Timestamp::from_unix(to.clock.now_unix()).map_err(StsErrorKind::Sign)?;
    let signing = SigningParams {
        access_key_id: caller.access_key_id(),
        secret_access_key: caller.secret_access_key(),
        session_token: caller.session_token(),
        region: endpoint.signing_region(),
        service: "sts",
        time,
    };
    let to_sign = [
        ("content-type", FORM_CONTENT_TYPE),
        ("host", endpoint.host_header()),
    ];
    let request = Request {
        method: "POST",
        path: endpoint.path(),
        query: &[],
        headers: &to_sign,
        body: body.as_bytes(),
    };
    let signed = sign(&signing, &request, &SigningOptions::for_service("sts"))
        .map_err(StsErrorKind::Sign)?;
    let mut headers = [("", ""); 5];
    headers[0] = ("content-type", FORM_CONTENT_TYPE);
    let mut count = 1;
    for (slot, header) in headers[1..].iter_mut().zip(signed.iter()) {
        *slot = header;
        count += 1;
    }
    call(to.http, endpoint, &headers[..count], body, &to.options).await
}

/// Calls AssumeRoleWithWebIdentity at `endpoint`, unsigned, retried as `options.retry` says.
///
/// # Errors
/// [`StsError`], naming the role and the endpoint: the last attempt's.
pub async fn assume_role_with_web_identity<'e, H: Http + ?Sized, K: Clock + ?Sized>(
    http: &H,
    clock: &K,
    endpoint: &'e Endpoint<'e>,
    params: &WebIdentityParams<'e>,
    options: &StsOptions,
) -> Result<AssumedRole, StsError<'e>> {
    let operation = Operation::AssumeRoleWithWebIdentity;
    let fail = failure(operation, params.role_arn, endpoint);
    let mut body = heapless::String::<MAX_REQUEST_BODY_LEN>::new();
    write_web_identity_body(&mut body, params).map_err(|_| fail(StsErrorKind::RequestTooLong))?;
    let headers = [("content-type", FORM_CONTENT_TYPE)];
    let (headers, body) = (&headers, &body);
    crate::services::retry::run(clock, options.retry, retry_class, move || async move {
        let answer = call(http, endpoint, headers, body, options).await?;
        read_answer(&answer, role_answer(operation))
    })
    .await
    .map_err(fail)
}

/// Writes AssumeRole's form body.
fn write_assume_role_body(out: &mut impl fmt::Write, p: &AssumeRoleParams<'_>) -> fmt::Result {
    write!(
        out,
        "Action=AssumeRole&Version={API_VERSION}&RoleArn={}&RoleSessionName={}",
        uri_encode(p.role_arn),
        uri_encode(p.role_session_name)
    )?;
    if let Some(id) = p.external_id {
        write!(out, "&ExternalId={}", uri_encode(id))?;
    }
    if let Some(mfa) = p.mfa {
        write_mfa(out, &mfa)?;
    }
    if let Some(seconds) = p.duration_seconds {
        write!(out, "&DurationSeconds={seconds}")?;
    }
    Ok(())
}

/// Writes the MFA device's members of a form body, SerialNumber then TokenCode.
fn write_mfa(out: &mut impl fmt::Write, mfa: &Mfa<'_>) -> fmt::Result {
    write!(
        out,
        "&SerialNumber={}&TokenCode={}",
        uri_encode(mfa.serial_number),
        uri_encode(mfa.token_code)
    )
}

/// Writes GetSessionToken's form body, its members in botocore's order (DurationSeconds,
/// SerialNumber, TokenCode).
fn write_session_token_body(out: &mut impl fmt::Write, p: &SessionTokenParams<'_>) -> fmt::Result {
    write!(out, "Action=GetSessionToken&Version={API_VERSION}")?;
    if let Some(seconds) = p.duration_seconds {
        write!(out, "&DurationSeconds={seconds}")?;
    }
    if let Some(mfa) = p.mfa {
        write_mfa(out, &mfa)?;
    }
    Ok(())
}

/// Writes AssumeRoleWithWebIdentity's form body.
fn write_web_identity_body(out: &mut impl fmt::Write, p: &WebIdentityParams<'_>) -> fmt::Result {
    write!(
        out,
        "Action=AssumeRoleWithWebIdentity&Version={API_VERSION}&RoleArn={}&RoleSessionName={}\
         &WebIdentityToken={}",
        uri_encode(p.role_arn),
        uri_encode(p.role_session_name),
        uri_encode(p.web_identity_token)
    )
}

/// The reader of an answer that carries a role's credentials (AssumeRole,
/// AssumeRoleWithWebIdentity, GetFederationToken), for `operation`.
fn role_answer(
    operation: Operation,
) -> impl Fn(u16, Option<&str>, &[u8]) -> Result<AssumedRole, StsErrorKind> + Copy {
    move |status, content_type, body| parse_response(operation, status, content_type, body)
}

/// Reads an answer with `parse`.
fn read_answer<B: AsRef<[u8]>, T>(
    answer: &HttpResponse<B>,
    parse: impl FnOnce(u16, Option<&str>, &[u8]) -> Result<T, StsErrorKind>,
) -> Result<T, StsErrorKind> {
    parse(
        answer.status,
        answer.content_type.as_deref(),
        answer.body.as_ref(),
    )
}

/// Sends one request: the answer, whatever its status, or why none came.
async fn call<H: Http + ?Sized>(
    http: &H,
    endpoint: &Endpoint<'_>,
    headers: &[(&str, &str)],
    body: &str,
    options: &StsOptions,
) -> Result<HttpResponse<H::Body>, StsErrorKind> {
    let request = HttpRequest {
        method: "POST",
        url: endpoint.url(),
        headers,
        body: body.as_bytes(),
        timeout_ms: options.timeout_ms,
        max_body_bytes: options.max_body_bytes,
    };
    http.send(&request).await.map_err(|e| StsErrorKind::Http {
        kind: e.kind,
        timeout_ms: options.timeout_ms,
        max_body_bytes: options.max_body_bytes,
    })
}
