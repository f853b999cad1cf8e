//! credchain for JavaScript: the wasm-bindgen bindings behind the npm package `credchain`.
//!
//! The exports are in this file; the rest is by concern: `request.rs` reads the options
//! object, `host.rs` is the host over JavaScript, `objects.rs` builds the plain objects
//! returned, `errors.rs` the errors thrown, `token.rs` the bearer token, `refresh.rs` the
//! core's refresh policy for the JS resolvers. The async functions, each a promise on the JS
//! side, take a plain options object and return plain objects (or `null`, or a string array):
//!
//! ```text
//!   resolveSetting(name, options) -> { value, source: { kind, name?, path?, line? } } | null
//!   listProfiles(options)         -> string[]
//!   configureGet(name, options)   -> string | null
//!   configureSet(name, value, options) -> { file, path, section, created }
//!   resolveCredentials(options)   -> { accessKeyId, secretAccessKey, sessionToken?, expiration?,
//!                                      accountId?, provider }
//!   explainCredentials(options)   -> { profile, profileSource, skipped, chosen }
//!   exportToken(options)          -> { token, expiration } (token.rs)
//!   lint(files)                   -> [{ code, severity, file, line, message, fix }] (sync, pure: lint.rs)
//!   freshness(expiration, now, kind)  -> 'fresh' | 'refresh' | 'expired' (sync, pure: refresh.rs)
//!   refreshWindowSeconds(kind)        -> 300 | 900 (sync, pure: refresh.rs)
//!
//!   options = { env, readFile, writeFile?, writeSharedFile?, run?, fetch?, prompt?, now?,
//!               profile?, region?, output?, dialect?, platform?, ssoSession?, services? }
//! ```
//!
//! The host is JavaScript. `options.env` is a plain object, copied once into a [`JsEnv`] (the
//! core's [`Env`] is sync: reading the environment never waits); the package's JS passes it
//! packed into one string instead (`options.packedEnv`, see [`JsEnv::from_packed`]), which is
//! cheaper to bring across. The other host functions return
//! a value or a promise of one, awaited through `wasm_bindgen_futures::JsFuture` on the core's
//! async I/O path:
//!
//! | core trait  | host function                                   | resolves to                     | absent           |
//! |-------------|-------------------------------------------------|---------------------------------|------------------|
//! | [`Fs`]      | `readFile(path)`                                | `Uint8Array`, string or `null`  | (required)       |
//! | [`Fs`]      | `writeFile(path, bytes)`                        | anything                        | no cache written |
//! | [`Fs`]      | `writeSharedFile(path, bytes)`                  | anything                        | `writeFile`      |
//! | [`Command`] | `run(argv, { timeoutMs, maxOutputBytes })`      | `{ status, stdout, stderr }`    | cannot run       |
//! | [`Http`]    | `fetch({ method, url, headers, body, timeoutMs, maxBodyBytes })` | `{ status, contentType, body }` | no network |
//! | [`Prompt`]  | `prompt(question)`                              | the answer, a string            | nobody to ask    |
//! | [`Clock`]   | `now()` (sync)                                  | Unix seconds, a number          | `Date.now()`     |
//!
//! A host function that rejects (or throws) says why with the `code` of what it rejects with
//! (or of that value's `cause`): Node's codes (`ENOENT`, `EACCES`, `ETIMEDOUT`, `ECONNREFUSED`,
//! ...), a `TimeoutError` (what `AbortSignal.timeout` gives), or credchain's own `not-found`,
//! `permission-denied`, `timeout`, `too-large`, `connect`, `invalid-url` ([`HostReason`]).
//! Each call runs the whole pipeline, locate -> load -> parse -> evaluate (-> plan -> execute),
//! and keeps nothing.
//!
//! Errors are JS `Error` objects (a `TypeError` for a bad argument) with `name` set to
//! `"CredchainError"`, a stable `code` and the fields of the core's error, so callers never
//! match on the message. No message or field carries a secret: only the credentials that
//! `resolveCredentials` returns do.
//!
//! | code               | from                                | fields                                    |
//! |--------------------|-------------------------------------|-------------------------------------------|
//! | `InvalidArgument`  | a bad argument or host result       | `argument`                                |
//! | `UnknownSetting`   | a name not in the settings table    | `setting`                                 |
//! | `PathTooLong`      | [`LocateError::PathTooLong`]        | `variable` (or `null`)                    |
//! | `ReadError`        | [`LoadError`]                       | `file`, `path`, `reason`, `osCode`, `cause` |
//! | `ParseError`       | [`ParseError`]                      | `file`, `path`, `line`, `dialect`, `problem`, `firstLine`? |
//! | `ProfileNotFound`  | [`EvaluateError::ProfileNotFound`]  | `profile`, `source`, `profiles`           |
//! | `InvalidRegion`    | [`EvaluateError::InvalidRegion`]    | `value`, `source`                         |
//! | one per [`PlanError`] variant (`SourceProfileNotFound`, `Cycle`, `PartialCredentials`, ...) | [`plan()`] | `profile` and the variant's fields |
//! | `NoCredentials`    | [`ExecuteError::NoCredentials`], [`ExecuteError::NoneFromMetadata`] | `profile`, `skipped`, `instanceMetadata`? |
//! | `ProcessFailed`    | [`ExecuteError::Process`]           | `profile`, `source`, `reason`, `status`, `stderr`, `version`?, `cause`? |
//! | `Expired`          | [`ExecuteError::Expired`]           | `provider`, `expiration`                  |
//! | `InvalidExpiration`| [`ExecuteError::BadExpiration`]     | `source`                                  |
//! | `CredentialTooLong`| [`ExecuteError::TooLong`]           | `field`, `limit`                          |
//! | `ServiceError`, `HttpFailed`, `InvalidResponse`, `RequestNotSent` | [`ExecuteError::Sts`] | `operation`, `roleArn`, `endpoint`, `endpointSource`, and `serviceCode`/`serviceMessage`/`status`, or `reason`/`cause` |
//! | `InvalidEndpoint`, `ServicesSectionNotFound`, `NoRegion`, `EndpointVariantUnsupported`, `InvalidRegion` | [`ExecuteError::Endpoint`] | the endpoint's inputs |
//! | `TokenFileUnreadable` | [`ExecuteError::TokenFile`]      | `path`, `source`, `reason`, `cause`?      |
//! | `MfaFailed`        | [`ExecuteError::Mfa`]               | `profile`, `serial`, `source`, `reason`   |
//! | `InvalidRetrySetting` | [`ExecuteError::RetrySetting`]   | `setting`, `value`, `source`              |
//! | `NoSsoSession`     | `exportToken`: [`SsoError::NoSession`] (and the session's other configuration errors as the plan's codes) | `profile` |
//! | `InvalidEdit`      | `configureSet`: a name `configure set` refuses, a line break in a value | `argument` |
//! | `WriteError`       | `configureSet`: the file cannot be written or kept changing | `file`, `path`, `reason`, `cause`? |
//!
//! The TypeScript types and the documentation JS callers read are hand-written in
//! `npm/index.d.ts`; a change here changes them.
//!
//! [`JsEnv`]: host::JsEnv
//! [`JsEnv::from_packed`]: host::JsEnv::from_packed
//! [`HostReason`]: host::HostReason
//! [`Env`]: credchain_core::io::Env
//! [`Fs`]: credchain_core::io::Fs
//! [`Command`]: credchain_core::io::Command
//! [`Http`]: credchain_core::io::Http
//! [`Prompt`]: credchain_core::io::Prompt
//! [`Clock`]: credchain_core::io::Clock
//! [`LocateError::PathTooLong`]: credchain_core::config::locate::LocateError::PathTooLong
//! [`LoadError`]: credchain_core::config::load::LoadError
//! [`ParseError`]: credchain_core::config::parse::ParseError
//! [`EvaluateError::ProfileNotFound`]: credchain_core::config::evaluate::EvaluateError::ProfileNotFound
//! [`EvaluateError::InvalidRegion`]: credchain_core::config::evaluate::EvaluateError::InvalidRegion
//! [`PlanError`]: credchain_core::chain::plan::PlanError
//! [`plan()`]: credchain_core::chain::plan::plan()
//! [`ExecuteError::NoCredentials`]: credchain_core::chain::execute::ExecuteError::NoCredentials
//! [`ExecuteError::NoneFromMetadata`]: credchain_core::chain::execute::ExecuteError::NoneFromMetadata
//! [`ExecuteError::Process`]: credchain_core::chain::execute::ExecuteError::Process
//! [`ExecuteError::Expired`]: credchain_core::chain::execute::ExecuteError::Expired
//! [`ExecuteError::BadExpiration`]: credchain_core::chain::execute::ExecuteError::BadExpiration
//! [`ExecuteError::TooLong`]: credchain_core::chain::execute::ExecuteError::TooLong
//! [`ExecuteError::Sts`]: credchain_core::chain::execute::ExecuteError::Sts
//! [`ExecuteError::Endpoint`]: credchain_core::chain::execute::ExecuteError::Endpoint
//! [`ExecuteError::TokenFile`]: credchain_core::chain::execute::ExecuteError::TokenFile
//! [`ExecuteError::Mfa`]: credchain_core::chain::execute::ExecuteError::Mfa
//! [`ExecuteError::RetrySetting`]: credchain_core::chain::execute::ExecuteError::RetrySetting
//! [`SsoError::NoSession`]: credchain_core::chain::providers::sso::SsoError::NoSession

mod errors;
mod host;
mod lint;
mod objects;
mod refresh;
mod request;
mod token;

use credchain_core::chain::execute::{execute, Io};
use credchain_core::chain::plan::plan;
use credchain_core::config::evaluate::{self, Evaluator};
use credchain_core::config::locate::locate;
use credchain_core::config::parse::ConfigFiles;
use credchain_core::config::set;
use credchain_core::config::settings::Setting;
use credchain_core::config::store::store;
use credchain_core::config::write::{Change, Edit};
use credchain_core::io::{Http, HttpRequest};
use credchain_core::FileKind;
use js_sys::{Array, Uint8Array};
use wasm_bindgen::prelude::*;

use crate::errors::{
    bad_host_result, error, evaluate_error, execute_error, http_reason, invalid_argument,
    locate_error, parse_error, plan_error, store_error, unknown_setting, with_exit_status,
    CONFIGURATION_EXIT,
};
use crate::host::{bytes_of, Failure, JsEnv};
use crate::objects::{
    base_step_object, credentials_object, file_name, profile_array, role_step_object,
    skipped_array, source_object, Obj,
};
use crate::request::{get, string_argument, string_field, Request};

/// `resolveSetting(name, options)`: the value of the setting `name` (a name of the settings
/// table, such as `region`) by precedence, option > environment > profile > default, with where
/// it came from; `null` when nothing sets it and it has no default.
#[wasm_bindgen(js_name = resolveSetting)]
pub async fn resolve_setting(name: JsValue, options: JsValue) -> Result<JsValue, JsValue> {
    let name = string_argument(&name, "name")?;
    let setting = Setting::from_name(&name).ok_or_else(|| unknown_setting(&name))?;
    with_evaluator(&options, async |_, eval| {
        let resolved = eval.resolve(setting).map_err(evaluate_error)?;
        Ok(match resolved {
            None => JsValue::NULL,
            Some(r) => Obj::new()
                .set("value", r.value.to_string())
                .set_source(r.source)
                .into(),
        })
    })
    .await
}

/// `listProfiles(options)`: every profile name, config-file profiles first, then those only in
/// the credentials file, each once, in the order of `aws configure list-profiles`.
#[wasm_bindgen(js_name = listProfiles)]
pub async fn list_profiles(options: JsValue) -> Result<JsValue, JsValue> {
    with_files(&options, async |_, parsed| Ok(profile_array(parsed).into())).await
}

/// `configureGet(name, options)`: what `aws configure get NAME` prints: the profile's value only
/// (never the environment) for `key`, `section.sub_key`, `profile.NAME.key` or `NAME.key`;
/// `null` when unset.
#[wasm_bindgen(js_name = configureGet)]
pub async fn configure_get(name: JsValue, options: JsValue) -> Result<JsValue, JsValue> {
    let name = string_argument(&name, "name")?;
    with_evaluator(&options, async |_, eval| {
        let value = evaluate::configure_get(eval, &name).map_err(evaluate_error)?;
        Ok(value.map_or(JsValue::NULL, |v| v.value.to_string().into()))
    })
    .await
}

/// `configureSet(name, value, options)`: what `aws configure set NAME VALUE` writes, for the
/// profile of `options.profile` (else the environment's, else `default`; it need not exist), or
/// in the `[sso-session NAME]` or `[services NAME]` section of `options.ssoSession` or
/// `options.services`. The core chooses the file, section and key (`config::set`) and edits
/// the file as the AWS CLI's writer does, through the host (`readFile`, then
/// `writeSharedFile`, else `writeFile`; read again just before the write, and edited again if
/// another writer changed it). Resolves to `{ file, path, section, created }`.
#[wasm_bindgen(js_name = configureSet)]
pub async fn configure_set(
    name: JsValue,
    value: JsValue,
    options: JsValue,
) -> Result<JsValue, JsValue> {
    let name = string_argument(&name, "name")?;
    let value = string_argument(&value, "value")?;
    let req = Request::from_js(&options)?;
    let subsection = request::subsection(&options)?;
    let opts = req.options();
    let (profile, _) = evaluate::select_profile(&opts, &req.env);
    let target = set::target(
        &name,
        Some(profile),
        subsection.as_ref().map(|(k, n)| (*k, n.as_str())),
    )
    .map_err(|e| error("InvalidEdit", &e, Obj::new().set("argument", "name"), false))?;
    let paths = locate(&req.env, req.platform, req.dialect).map_err(locate_error)?;
    let path = match target.file {
        FileKind::Config => paths.config.path.as_str(),
        FileKind::Credentials => paths.credentials.path.as_str(),
    };
    let section = target.section.to_string();
    let nested;
    let change = match target.sub_key {
        Some(sub) => {
            nested = [(sub, value.as_str())];
            Change::Nested(&nested)
        }
        None => Change::Set(&value),
    };
    let changes = [(target.key, change)];
    let edit = Edit {
        section: &section,
        changes: &changes,
    };
    let stored = store(&req.fs, path, &[edit])
        .await
        .map_err(|e| store_error(&e, target.file, path, req.dialect, req.fs.failure.take()))?;
    Ok(Obj::new()
        .set("file", file_name(target.file))
        .set("path", path)
        .set("section", section.as_str())
        .set("created", stored.created)
        .into())
}

/// `resolveCredentials(options)`: the credentials of the active profile, resolved through the
/// AWS CLI's provider chain (plan, then execute through the host), with the AWS CLI's name of
/// the provider that gave them.
#[wasm_bindgen(js_name = resolveCredentials)]
pub async fn resolve_credentials(options: JsValue) -> Result<JsValue, JsValue> {
    with_evaluator(&options, async |req, eval| {
        // A configuration the chain cannot use is the AWS CLI's ConfigurationError (253).
        let plan = plan(eval).map_err(|e| with_exit_status(plan_error(e), CONFIGURATION_EXIT))?;
        let io = Io {
            fs: &req.fs,
            http: &req.http,
            command: &req.command,
            prompt: &req.prompt,
            clock: &req.clock,
            platform: req.platform,
        };
        let result = execute(eval, &plan, &io).await;
        check_clock(req)?;
        match result {
            Ok(credentials) => Ok(credentials_object(&credentials)),
            Err(e) => {
                let status = e.awscli_exit_status();
                Err(with_exit_status(execute_error(e, &plan, req), status))
            }
        }
    })
    .await
}

/// `explainCredentials(options)`: the plan alone: the active profile and what chose it, each
/// provider passed over with its reason, and the chosen provider's steps with where each input
/// is configured. No I/O beyond reading the two files, and never a secret.
#[wasm_bindgen(js_name = explainCredentials)]
pub async fn explain_credentials(options: JsValue) -> Result<JsValue, JsValue> {
    with_evaluator(&options, async |_, eval| {
        let plan = plan(eval).map_err(plan_error)?;
        let chosen = match &plan.chain {
            None => JsValue::NULL,
            Some(chain) => {
                let steps = Array::new();
                steps.push(&base_step_object(&chain.base, chain.base_profile));
                for role in &chain.roles {
                    steps.push(&role_step_object(role));
                }
                Obj::new()
                    .set("provider", chain.provider.awscli_name())
                    .set("steps", steps)
                    .into()
            }
        };
        // The retry settings of the service calls; a bad one is told, not thrown: explaining is
        // the point.
        let (retries, retries_error) = match credchain_core::services::retry::settings(eval) {
            Ok(r) => (
                JsValue::from(
                    Obj::new()
                        .set("mode", r.config.mode.name())
                        .set("modeSource", source_object(r.mode_source))
                        .set("maxAttempts", r.config.max_attempts)
                        .set("maxAttemptsSource", source_object(r.max_attempts_source)),
                ),
                JsValue::NULL,
            ),
            Err(e) => (JsValue::NULL, JsValue::from(e.to_string())),
        };
        Ok(Obj::new()
            .set("profile", plan.profile)
            .set("profileSource", source_object(eval.active_profile().source))
            .set("skipped", skipped_array(&plan.skipped))
            .set("chosen", chosen)
            .set("retries", retries)
            .set("retriesError", retries_error)
            .into())
    })
    .await
}

/// A clock that failed gave the core a fallback time: the call still fails, saying so.
pub(crate) fn check_clock(req: &Request) -> Result<(), JsValue> {
    match req.clock.failure.take() {
        None => Ok(()),
        Some(what) => Err(invalid_argument(
            "options.now",
            &format!(
                "options.now() returned {what}; it must return the Unix time in seconds, a number"
            ),
        )),
    }
}

/// The start of every call but `sendHttp`: reads the options, then locates, loads and parses
/// the two files, and hands the call's request and the parsed files to `then`.
async fn with_files<T>(
    options: &JsValue,
    then: impl AsyncFnOnce(&Request, &ConfigFiles<'_>) -> Result<T, JsValue>,
) -> Result<T, JsValue> {
    let req = Request::from_js(options)?;
    let paths = locate(&req.env, req.platform, req.dialect).map_err(locate_error)?;
    let files = req.load(&paths).await?;
    let parsed = ConfigFiles::parse(&files, req.dialect).map_err(parse_error)?;
    then(&req, &parsed).await
}

/// [`with_files`], then the active profile chosen: `then` gets the call's evaluator.
pub(crate) async fn with_evaluator<T>(
    options: &JsValue,
    then: impl AsyncFnOnce(&Request, &Evaluator<'_, '_, JsEnv>) -> Result<T, JsValue>,
) -> Result<T, JsValue> {
    with_files(options, async |req, parsed| {
        let opts = req.options();
        let eval = Evaluator::new(parsed, &req.env, &opts).map_err(evaluate_error)?;
        then(req, &eval).await
    })
    .await
}

/// `sendHttp(request, options)`: one request through the host's `fetch`, the way the core's
/// providers send theirs (the [`Http`] adapter, [`JsHttp`](host::JsHttp)), resolving to `{ status,
/// contentType, body }` or rejecting with `HttpFailed` (`reason`, `cause`). A test hook for the
/// adapter: not part of the package's API (its JS does not export it).
#[wasm_bindgen(js_name = sendHttp)]
pub async fn send_http(request: JsValue, options: JsValue) -> Result<JsValue, JsValue> {
    let req = Request::from_js(&options)?;
    let method = string_field(&request, "method", "request")?;
    let url = string_field(&request, "url", "request")?;
    let body = match get(&request, "body") {
        v if v.is_undefined() || v.is_null() => Vec::new(),
        v => bytes_of(&v).ok_or_else(|| {
            invalid_argument(
                "request.body",
                "request.body must be a Uint8Array or a string",
            )
        })?,
    };
    let mut headers: Vec<(String, String)> = Vec::new();
    let given = get(&request, "headers");
    if !given.is_undefined() && !given.is_null() {
        for pair in Array::from(&given).iter() {
            let pair = Array::from(&pair);
            match (pair.get(0).as_string(), pair.get(1).as_string()) {
                (Some(k), Some(v)) => headers.push((k, v)),
                _ => {
                    return Err(invalid_argument(
                        "request.headers",
                        "request.headers must be an array of [name, value] string pairs",
                    ))
                }
            }
        }
    }
    let header_refs: Vec<(&str, &str)> = headers
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let number = |key: &'static str, default: f64| get(&request, key).as_f64().unwrap_or(default);
    let request = HttpRequest {
        method: &method,
        url: &url,
        headers: &header_refs,
        body: &body,
        timeout_ms: number("timeoutMs", 5000.0) as u32,
        max_body_bytes: number("maxBodyBytes", 1_048_576.0) as usize,
    };
    match req.http.send(&request).await {
        Ok(response) => Ok(Obj::new()
            .set("status", response.status)
            .set(
                "contentType",
                response
                    .content_type
                    .as_deref()
                    .map_or(JsValue::NULL, JsValue::from),
            )
            .set("body", Uint8Array::from(response.body.as_slice()))
            .into()),
        Err(e) => {
            if let Some(Failure::BadResult(what)) = req.http.failure.borrow().as_ref() {
                return Err(bad_host_result("options.fetch", "fetch(request)", what));
            }
            let reason = http_reason(e.kind);
            let mut fields = Obj::new().set("reason", reason);
            if let Some(Failure::Rejected(cause)) = req.http.failure.take() {
                fields = fields.set("cause", cause);
            }
            Err(error(
                "HttpFailed",
                &format!("{method} {url}: {reason}"),
                fields,
                false,
            ))
        }
    }
}
