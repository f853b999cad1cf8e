//! Errors: JS `Error`s named `CredchainError` with a stable `code` and the structured fields of
//! the core's errors (the table in the crate's documentation), and the stable names of the
//! core's reasons and problems.

use core::fmt::Display;

use credchain_core::chain::execute::{ExecuteError, ProcessFailure, StsFailure};
use credchain_core::chain::plan::{Plan, PlanError, MAX_ROLE_CHAIN};
use credchain_core::chain::providers::sso::SsoError;
use credchain_core::config::evaluate::EvaluateError;
use credchain_core::config::load::LoadError;
use credchain_core::config::locate::LocateError;
use credchain_core::config::parse::{ParseError, Problem};
use credchain_core::config::settings::SETTINGS;
use credchain_core::config::store::StoreError;
use credchain_core::credentials::ProviderKind;
use credchain_core::io::{CommandErrorKind, FsErrorKind, HttpErrorKind, PromptError};
use credchain_core::services::endpoint::EndpointError;
use credchain_core::services::exchange::FailedExchange;
use credchain_core::services::exchange::{ServiceFailure, ServiceFailureKind};
use credchain_core::services::retry::RetrySettingError;
use credchain_core::services::sts::{ErrorMessage, StsErrorKind};
use credchain_core::{Dialect, FileKind};
use js_sys::{Object, Reflect};
use wasm_bindgen::prelude::*;

use crate::host::Failure;
use crate::objects::{date, file_name, origin_object, profile_array, skipped_array, Obj};
use crate::request::Request;

/// The AWS CLI's exit status for a configuration the chain cannot use.
pub(crate) const CONFIGURATION_EXIT: u8 =
    credchain_core::chain::execute::exit_status::CONFIGURATION;

/// Sets `awsCliExitStatus` on an error of a credential lookup: the exit status the AWS CLI's
/// `aws configure export-credentials` ends with for it (the core's decision, the one the CLI
/// exits with).
pub(crate) fn with_exit_status(error: JsValue, status: u8) -> JsValue {
    let _ = Reflect::set(&error, &"awsCliExitStatus".into(), &status.into());
    error
}

/// An `Error` (or `TypeError`) named `CredchainError` with `code` and `fields`.
pub(crate) fn error(code: &str, message: &dyn Display, fields: Obj, type_error: bool) -> JsValue {
    let message = message.to_string();
    let error: Object = if type_error {
        js_sys::TypeError::new(&message).into()
    } else {
        js_sys::Error::new(&message).into()
    };
    // Fields go on the error itself: `err.code`, `err.path`, `err.line`.
    Obj(error)
        .set("name", "CredchainError")
        .set("code", code)
        .extend(fields)
        .into()
}

pub(crate) fn invalid_argument(argument: &str, message: &str) -> JsValue {
    error(
        "InvalidArgument",
        &message,
        Obj::new().set("argument", argument),
        true,
    )
}

pub(crate) fn unknown_setting(name: &str) -> JsValue {
    let names: Vec<&str> = SETTINGS.iter().map(|s| s.name).collect();
    let message = format!(
        "unknown setting \"{name}\"; the settings are: {}",
        names.join(", ")
    );
    error(
        "UnknownSetting",
        &message,
        Obj::new().set("setting", name),
        false,
    )
}

pub(crate) fn locate_error(e: LocateError) -> JsValue {
    match e {
        LocateError::PathTooLong { variable } => error(
            "PathTooLong",
            &e,
            Obj::new().set("variable", variable.map_or(JsValue::NULL, JsValue::from)),
            false,
        ),
    }
}

fn fs_reason(kind: FsErrorKind) -> &'static str {
    match kind {
        FsErrorKind::PermissionDenied => "permission-denied",
        FsErrorKind::NotAFile => "not-a-file",
        FsErrorKind::TooLarge => "too-large",
        FsErrorKind::Unsupported => "unsupported",
        FsErrorKind::Changed => "changed",
        FsErrorKind::Busy => "busy",
        FsErrorKind::Other => "other",
    }
}

pub(crate) fn load_error(e: &LoadError<'_>, cause: Option<JsValue>) -> JsValue {
    let reason = fs_reason(e.error.kind);
    let mut fields = Obj::new()
        .set("file", file_name(e.kind))
        .set("path", e.path)
        .set("reason", reason)
        .set(
            "osCode",
            e.error.os_code.map_or(JsValue::NULL, JsValue::from),
        );
    if let Some(cause) = cause {
        fields = fields.set("cause", cause);
    }
    error("ReadError", e, fields, false)
}

/// A failed `configureSet` store of an edit to the file `kind` at `path`; `cause` is what the
/// host rejected with, if it did.
pub(crate) fn store_error(
    e: &StoreError<'_>,
    kind: FileKind,
    path: &str,
    dialect: Dialect,
    cause: Option<Failure>,
) -> JsValue {
    let mut fields = Obj::new().set("file", file_name(kind)).set("path", path);
    if let Some(Failure::Rejected(cause)) = cause {
        fields = fields.set("cause", cause);
    }
    let message = format!("cannot edit {path}: {e}");
    let (code, fields) = match e {
        StoreError::Edit(_) => ("InvalidEdit", fields.set("argument", "value")),
        StoreError::Read(fs) => ("ReadError", fields.set("reason", fs_reason(fs.kind))),
        StoreError::NotText { line, .. } => (
            "ParseError",
            fields
                .set("line", *line as u32)
                .set("problem", "notUtf8")
                .set("dialect", dialect_name(dialect)),
        ),
        StoreError::Replace(fs) => ("WriteError", fields.set("reason", fs_reason(fs.kind))),
        StoreError::KeptChanging => ("WriteError", fields.set("reason", "kept-changing")),
    };
    error(code, &message, fields, false)
}

pub(crate) fn parse_error(e: ParseError<'_>) -> JsValue {
    let mut fields = Obj::new()
        .set("file", file_name(e.kind))
        .set("path", e.path)
        .set("line", e.line)
        .set("dialect", dialect_name(e.dialect))
        .set("problem", e.problem.name());
    if let Problem::DuplicateSection { first_line } | Problem::DuplicateKey { first_line } =
        e.problem
    {
        fields = fields.set("firstLine", first_line);
    }
    error("ParseError", &e, fields, false)
}

pub(crate) fn evaluate_error(e: EvaluateError<'_>) -> JsValue {
    match e {
        EvaluateError::ProfileNotFound {
            name,
            source,
            files,
        } => error(
            "ProfileNotFound",
            &e,
            Obj::new()
                .set("profile", name)
                .set_source(source)
                .set("profiles", profile_array(files)),
            false,
        ),
        EvaluateError::InvalidRegion { value, source } => error(
            "InvalidRegion",
            &e,
            Obj::new().set("value", value).set_source(source),
            false,
        ),
    }
}

/// A [`PlanError`]: the variant's name as `code`, the profiles involved as fields. Values
/// that may be secrets (a partial key) are given by where they are, never by value.
pub(crate) fn plan_error(e: PlanError<'_>) -> JsValue {
    let with_source = |key, sourced| Obj::new().set_with_source(key, sourced);
    let (code, profile, rest) = match e {
        PlanError::SourceProfileNotFound {
            profile,
            source_profile,
        } => (
            "SourceProfileNotFound",
            Some(profile),
            with_source("sourceProfile", source_profile),
        ),
        PlanError::Cycle {
            profile,
            source_profile,
        } => (
            "Cycle",
            Some(profile),
            with_source("sourceProfile", source_profile),
        ),
        PlanError::RoleWithoutSource { profile, role_arn } => (
            "RoleWithoutSource",
            Some(profile),
            with_source("roleArn", role_arn),
        ),
        PlanError::BothSources { profile } => ("BothSources", Some(profile), Obj::new()),
        PlanError::UnknownCredentialSource { profile, value } => (
            "UnknownCredentialSource",
            Some(profile),
            with_source("value", value),
        ),
        PlanError::PartialCredentials {
            profile,
            present,
            missing,
        } => (
            "PartialCredentials",
            profile,
            Obj::new()
                .set("missing", missing)
                .set_source(present.source),
        ),
        PlanError::SourceProfileWithoutCredentials {
            profile,
            source_profile,
        } => (
            "SourceProfileWithoutCredentials",
            Some(profile),
            Obj::new().set("sourceProfile", source_profile),
        ),
        PlanError::WebIdentityWithoutRole {
            profile,
            token_file,
        } => (
            "WebIdentityWithoutRole",
            Some(profile),
            with_source("tokenFile", token_file),
        ),
        PlanError::SsoIncomplete { profile, missing } => (
            "SsoIncomplete",
            Some(profile),
            Obj::new().set("missing", missing),
        ),
        PlanError::SsoSessionNotFound { profile, session } => (
            "SsoSessionNotFound",
            Some(profile),
            with_source("session", session),
        ),
        PlanError::SsoInconsistent { profile, key } => {
            ("SsoInconsistent", Some(profile), Obj::new().set("key", key))
        }
        PlanError::MultiLineValue {
            profile,
            key,
            source,
        } => (
            "MultiLineValue",
            Some(profile),
            Obj::new().set("key", key).set_source(source),
        ),
        PlanError::ChainTooLong { profile } => (
            "ChainTooLong",
            Some(profile),
            Obj::new().set("limit", MAX_ROLE_CHAIN as u32),
        ),
    };
    // The profile first, then the variant's fields.
    let fields = Obj::new()
        .set("profile", profile.map_or(JsValue::NULL, JsValue::from))
        .extend(rest);
    error(code, &e, fields, false)
}

/// An [`ExecuteError`], with what the host rejected with as `cause` where a host call failed.
/// `InvalidRetrySetting`: `retry_mode` or `max_attempts`, its value and where it is.
fn retry_setting_error(r: &RetrySettingError<'_>, whole: &dyn Display) -> JsValue {
    let (setting, value) = match r {
        RetrySettingError::Mode(v) => ("retry_mode", v),
        RetrySettingError::NotANumber(v) | RetrySettingError::TooFew(v) => ("max_attempts", v),
    };
    error(
        "InvalidRetrySetting",
        whole,
        Obj::new()
            .set("setting", setting)
            .set_with_source("value", *value),
        false,
    )
}

pub(crate) fn execute_error(e: ExecuteError<'_>, plan: &Plan<'_>, req: &Request) -> JsValue {
    match &e {
        ExecuteError::NoCredentials | ExecuteError::NoneFromMetadata(_) => {
            let mut fields = Obj::new()
                .set("profile", plan.profile)
                .set("skipped", skipped_array(&plan.skipped));
            if let ExecuteError::NoneFromMetadata(metadata) = &e {
                fields = fields.set("instanceMetadata", metadata.to_string().as_str());
            }
            error("NoCredentials", &e, fields, false)
        }
        ExecuteError::Process {
            profile,
            command,
            failure,
        } => {
            let failure = &**failure;
            let cause = req.command.failure.take();
            if let Some(Failure::BadResult(what)) = &cause {
                return bad_host_result("options.run", "run(argv, limits)", what);
            }
            let (reason, status, stderr) = match failure {
                ProcessFailure::BadCommand => ("bad-command", None, ""),
                ProcessFailure::CommandTooLong => ("command-too-long", None, ""),
                ProcessFailure::Run(run) => (command_reason(run.kind), None, ""),
                ProcessFailure::Exit { code, stderr } => ("exit", *code, stderr.as_str()),
                ProcessFailure::BadJson => ("bad-json", None, ""),
                ProcessFailure::UnsupportedVersion(_) => ("unsupported-version", None, ""),
                ProcessFailure::BadExpiration => ("bad-expiration", None, ""),
            };
            let mut fields = Obj::new()
                .set("profile", *profile)
                .set_source(command.source)
                .set("reason", reason)
                .set("status", status.map_or(JsValue::NULL, JsValue::from))
                .set("stderr", stderr);
            if let ProcessFailure::UnsupportedVersion(version) = failure {
                fields = fields.set("version", version.0);
            }
            if let (ProcessFailure::Run(_), Some(Failure::Rejected(cause))) = (failure, cause) {
                fields = fields.set("cause", cause);
            }
            error("ProcessFailed", &e, fields, false)
        }
        ExecuteError::Expired {
            provider,
            expiration,
        } => error(
            "Expired",
            &e,
            Obj::new()
                .set("provider", provider.awscli_name())
                .set("expiration", date(*expiration)),
            false,
        ),
        ExecuteError::BadExpiration { source } => error(
            "InvalidExpiration",
            &e,
            Obj::new().set_source(*source),
            false,
        ),
        ExecuteError::TooLong(too_long) => error(
            "CredentialTooLong",
            &e,
            Obj::new()
                .set("field", too_long.field)
                .set("limit", too_long.limit),
            false,
        ),
        ExecuteError::Container(c) => provider_error(
            ProviderKind::Container,
            "InvalidContainerEndpoint",
            c.service_failure(),
            &e,
            req,
        ),
        ExecuteError::InstanceMetadata(i) => provider_error(
            ProviderKind::InstanceMetadata,
            "InvalidInstanceMetadataConfig",
            i.service_failure(),
            &e,
            req,
        ),
        ExecuteError::RetrySetting(r) => retry_setting_error(r, &e),
        ExecuteError::Sso(s) => sso_error(s, &e, req),
        ExecuteError::Login(l) => provider_error(
            ProviderKind::Login,
            "LoginRequired",
            l.service_failure(),
            &e,
            req,
        ),
        ExecuteError::Endpoint(endpoint) => endpoint_error(endpoint),
        ExecuteError::Sts(failure) => sts_error(failure, &e, req),
        ExecuteError::TokenFile { path, error: fs } => {
            let reason = fs.map_or("missing", |fs| fs_reason(fs.kind));
            let mut fields = Obj::new()
                .set_with_source("path", *path)
                .set("reason", reason);
            if let Some(Failure::Rejected(cause)) = req.fs.failure.take() {
                fields = fields.set("cause", cause);
            }
            error("TokenFileUnreadable", &e, fields, false)
        }
        ExecuteError::Mfa {
            profile,
            serial,
            error: why,
        } => error(
            "MfaFailed",
            &e,
            Obj::new()
                .set("profile", *profile)
                .set_with_source("serial", *serial)
                .set(
                    "reason",
                    match why {
                        PromptError::Unavailable => "unavailable",
                        PromptError::Cancelled => "cancelled",
                        PromptError::TooLong => "too-long",
                    },
                ),
            false,
        ),
    }
}

/// An [`SsoError`] of the credential chain or the token chain, `whole` its message: a bad retry
/// setting is `InvalidRetrySetting`; a failed call of the portal or SSO-OIDC has the codes of
/// [`provider_error`]; anything else (no token, an expired one, the portal refusing it) is
/// `SsoLoginRequired`.
pub(crate) fn sso_error(s: &SsoError<'_>, whole: &dyn Display, req: &Request) -> JsValue {
    if let SsoError::RetrySetting(r) = s {
        return retry_setting_error(r, whole);
    }
    provider_error(
        ProviderKind::Sso,
        "SsoLoginRequired",
        // The portal refusing the token means the session is over: log in again.
        match s {
            SsoError::Unauthorized { .. } => None,
            _ => s.service_failure(),
        },
        whole,
        req,
    )
}

/// A failed STS call. STS's own error answer is a `ServiceError` with its code and message; no
/// answer is `HttpFailed`; an answer that is not STS's is `InvalidResponse`; a request that
/// could not be made is `RequestNotSent`. Each names the operation, the role and the endpoint.
fn sts_error(failure: &StsFailure<'_>, e: &dyn Display, req: &Request) -> JsValue {
    let common = Obj::new()
        .set("operation", failure.operation.name())
        .set("roleArn", failure.role_arn)
        .set("endpoint", failure.endpoint.as_str())
        .set("endpointSource", origin_object(failure.origin));
    let coded = match &failure.kind {
        StsErrorKind::Service {
            status,
            code,
            message,
        } => {
            let message = match message {
                ErrorMessage::Text(text) => JsValue::from(text.as_str()),
                ErrorMessage::None | ErrorMessage::TooLong { .. } => JsValue::NULL,
            };
            Ok(service_error(
                common,
                *status,
                code.as_str().into(),
                message,
            ))
        }
        StsErrorKind::Http {
            kind,
            timeout_ms,
            max_body_bytes,
        } => http_failed(common, *kind, *timeout_ms, *max_body_bytes, req),
        StsErrorKind::EmptyBody { status } => Ok(invalid_response(common, *status, "empty-body")),
        StsErrorKind::WrongContentType {
            status,
            content_type,
        } => Ok(wrong_content_type(common, *status, content_type)),
        StsErrorKind::NotXml { status } => Ok(invalid_response(common, *status, "not-xml")),
        StsErrorKind::Malformed { status, .. } => {
            Ok(invalid_response(common, *status, "malformed"))
        }
        StsErrorKind::RequestTooLong => {
            Ok(("RequestNotSent", common.set("reason", "request-too-long")))
        }
        StsErrorKind::Sign(_) => Ok(("RequestNotSent", common.set("reason", "sign"))),
    };
    coded_error(coded, e)
}

/// An endpoint that cannot be resolved.
pub(crate) fn endpoint_error(e: &EndpointError<'_>) -> JsValue {
    let (code, fields) = match *e {
        EndpointError::InvalidUrl {
            url,
            origin,
            problem,
        } => (
            "InvalidEndpoint",
            Obj::new()
                .set("url", url)
                .set("endpointSource", origin_object(origin))
                .set("problem", problem),
        ),
        EndpointError::UrlTooLong { origin } => (
            "InvalidEndpoint",
            Obj::new()
                .set("endpointSource", origin_object(origin))
                .set("problem", "too long"),
        ),
        EndpointError::ServicesSectionNotFound { section, source } => (
            "ServicesSectionNotFound",
            Obj::new().set("section", section).set_source(source),
        ),
        EndpointError::NoRegion { service } => ("NoRegion", Obj::new().set("service", service)),
        EndpointError::InvalidRegion { value, source } => (
            "InvalidRegion",
            Obj::new().set("value", value).set_source(source),
        ),
        EndpointError::VariantUnsupported {
            service,
            env_var,
            setting,
            source,
        } => (
            "EndpointVariantUnsupported",
            Obj::new()
                .set("service", service)
                .set("variable", env_var)
                .set("setting", setting)
                .set_source(source),
        ),
        EndpointError::Evaluate(inner) => return evaluate_error(inner),
    };
    error(code, e, fields, false)
}

/// An error of a network provider: its service failure in the shape of [`sts_error`]'s codes, or
/// `code` for a failure of its configuration or cached login.
fn provider_error(
    provider: ProviderKind,
    code: &str,
    failure: Option<&ServiceFailure>,
    e: &dyn Display,
    req: &Request,
) -> JsValue {
    let common = Obj::new().set("provider", provider.awscli_name());
    let Some(failure) = failure else {
        return error(code, e, common, false);
    };
    let common = common
        .set("operation", failure.operation)
        .set("endpoint", failure.endpoint.as_str());
    let coded = match &failure.kind {
        ServiceFailureKind::Status {
            status,
            code,
            message,
        } => {
            let text = |s: Option<&str>| s.map_or(JsValue::NULL, JsValue::from);
            let (code, message) = (code.as_deref(), message.as_deref());
            Ok(service_error(common, *status, text(code), text(message)))
        }
        ServiceFailureKind::Http {
            kind,
            timeout_ms,
            max_body_bytes,
        } => http_failed(common, *kind, *timeout_ms, *max_body_bytes, req),
        ServiceFailureKind::EmptyBody { status } => {
            Ok(invalid_response(common, *status, "empty-body"))
        }
        ServiceFailureKind::WrongContentType {
            status,
            content_type,
        } => Ok(wrong_content_type(common, *status, content_type)),
        ServiceFailureKind::BadBody { status, expected } => {
            let (code, fields) = invalid_response(common, *status, "bad-body");
            Ok((code, fields.set("expected", *expected)))
        }
    };
    coded_error(coded, e)
}

/// An error's code and fields, or (`Err`) the error to report instead.
type Coded = Result<(&'static str, Obj), JsValue>;

/// The error a [`Coded`] stands for.
fn coded_error(coded: Coded, e: &dyn Display) -> JsValue {
    match coded {
        Ok((code, fields)) => error(code, e, fields, false),
        Err(instead) => instead,
    }
}

/// `ServiceError`: the service's own error answer, with its status, code and message.
fn service_error(common: Obj, status: u16, code: JsValue, message: JsValue) -> (&'static str, Obj) {
    let fields = common
        .set("status", status)
        .set("serviceCode", code)
        .set("serviceMessage", message);
    ("ServiceError", fields)
}

/// `InvalidResponse`: an answer that is not the service's, with its status and what is wrong.
fn invalid_response(common: Obj, status: u16, problem: &str) -> (&'static str, Obj) {
    let fields = common.set("status", status).set("problem", problem);
    ("InvalidResponse", fields)
}

/// `InvalidResponse` for an answer of the wrong content type, which it names.
fn wrong_content_type(common: Obj, status: u16, content_type: &str) -> (&'static str, Obj) {
    let (code, fields) = invalid_response(common, status, "wrong-content-type");
    (code, fields.set("contentType", content_type))
}

/// `HttpFailed`, a call that got no answer: the reason and the limits that applied, and what
/// the host's `fetch` rejected with as `cause`; `Err` when the host's `fetch` answered
/// nonsense instead, which is the error to report.
fn http_failed(
    common: Obj,
    kind: HttpErrorKind,
    timeout_ms: u32,
    max_body_bytes: usize,
    req: &Request,
) -> Coded {
    let fields = common
        .set("reason", http_reason(kind))
        .set("timeoutMs", timeout_ms)
        .set("maxBodyBytes", max_body_bytes as f64);
    match req.http.failure.take() {
        Some(Failure::Rejected(cause)) => Ok(("HttpFailed", fields.set("cause", cause))),
        Some(Failure::BadResult(what)) => {
            Err(bad_host_result("options.fetch", "fetch(request)", &what))
        }
        Some(Failure::Missing) | None => Ok(("HttpFailed", fields)),
    }
}

fn command_reason(kind: CommandErrorKind) -> &'static str {
    match kind {
        CommandErrorKind::NotFound => "not-found",
        CommandErrorKind::PermissionDenied => "permission-denied",
        CommandErrorKind::Timeout => "timeout",
        CommandErrorKind::TooLarge => "too-large",
        CommandErrorKind::Unsupported => "unsupported",
        CommandErrorKind::Other => "other",
    }
}

pub(crate) fn http_reason(kind: HttpErrorKind) -> &'static str {
    match kind {
        HttpErrorKind::Timeout => "timeout",
        HttpErrorKind::Connect => "connect",
        HttpErrorKind::TooLarge => "too-large",
        HttpErrorKind::InvalidUrl => "invalid-url",
        HttpErrorKind::Other => "other",
    }
}

/// A host function resolved to something it must not (an InvalidArgument naming it).
pub(crate) fn bad_host_result(argument: &str, call: &str, what: &str) -> JsValue {
    invalid_argument(
        argument,
        &format!(
            "{argument}: {call} resolved to {what}; see the Host type for what it must return"
        ),
    )
}

fn dialect_name(dialect: Dialect) -> &'static str {
    match dialect {
        Dialect::AwsCli => "awscli",
        Dialect::Sdk => "sdk",
    }
}
