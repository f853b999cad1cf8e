//! credchain for JavaScript: the wasm-bindgen bindings behind the npm package `credchain`.
//!
//! Every binding is in this file. Five async functions, each a promise on the JS side, take a
//! plain options object and return plain objects (or `null`, or a string array):
//!
//! ```text
//!   resolveSetting(name, options) -> { value, source: { kind, name?, path?, line? } } | null
//!   listProfiles(options)         -> string[]
//!   configureGet(name, options)   -> string | null
//!   resolveCredentials(options)   -> { accessKeyId, secretAccessKey, sessionToken?, expiration?,
//!                                      accountId?, provider }
//!   explainCredentials(options)   -> { profile, profileSource, skipped, chosen }
//!
//!   options = { env, readFile, writeFile?, run?, fetch?, prompt?, now?,
//!               profile?, region?, output?, dialect?, platform? }
//! ```
//!
//! The host is JavaScript. `options.env` is a plain object, copied once into a [`JsEnv`] (the
//! core's [`Env`] is sync: reading the environment never waits). The other host functions return
//! a value or a promise of one, awaited through `wasm_bindgen_futures::JsFuture` on the core's
//! async I/O path:
//!
//! | core trait  | host function                                   | resolves to                     | absent           |
//! |-------------|-------------------------------------------------|---------------------------------|------------------|
//! | [`Fs`]      | `readFile(path)`                                | `Uint8Array`, string or `null`  | (required)       |
//! | [`Fs`]      | `writeFile(path, bytes)`                        | anything                        | no cache written |
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
//!
//! The TypeScript types and the documentation JS callers read are hand-written in
//! `npm/index.d.ts`; a change here changes them.

use core::cell::RefCell;
use core::fmt::Display;

use credchain_core::chain::execute::{execute, ExecuteError, Io, ProcessFailure, StsFailure};
use credchain_core::chain::plan::{
    plan, AssumeRoleStep, BaseStep, Plan, PlanError, Secret, SkipReason, Skipped, MAX_ROLE_CHAIN,
};
use credchain_core::chain::providers::sso::SsoError;
use credchain_core::config::evaluate::{self, EvaluateError, Evaluator, Options};
use credchain_core::config::load::{load, LoadError, LoadedFiles};
use credchain_core::config::locate::{locate, FilePaths, LocateError, Platform};
use credchain_core::config::parse::{ConfigFiles, ParseError, Problem};
use credchain_core::config::settings::{Setting, SETTINGS};
use credchain_core::credentials::Credentials;
use credchain_core::credentials::ProviderKind;
use credchain_core::io::{
    Clock, Command, CommandError, CommandErrorKind, CommandOutput, Env, Fs, FsError, FsErrorKind,
    Http, HttpError, HttpErrorKind, HttpRequest, HttpResponse, Prompt, PromptError,
    MAX_CONTENT_TYPE_LEN,
};
use credchain_core::services::endpoint::{EndpointError, Origin};
use credchain_core::services::exchange::{ServiceFailure, ServiceFailureKind};
use credchain_core::services::retry::RetrySettingError;
use credchain_core::services::sts::{ErrorMessage, StsErrorKind};
use credchain_core::Sourced;
use credchain_core::{Dialect, FileKind, Source};
use js_sys::{Array, Function, Object, Promise, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

// ---------------------------------------------------------------------------------------------
// Exports

/// `resolveSetting(name, options)`: the value of the setting `name` (a name of the settings
/// table, such as `region`) by precedence, option > environment > profile > default, with where
/// it came from; `null` when nothing sets it and it has no default.
#[wasm_bindgen(js_name = resolveSetting)]
pub async fn resolve_setting(name: JsValue, options: JsValue) -> Result<JsValue, JsValue> {
    let name = string_argument(&name, "name")?;
    let setting = Setting::from_name(&name).ok_or_else(|| unknown_setting(&name))?;
    let req = Request::from_js(&options)?;
    let paths = locate(&req.env, req.platform, req.dialect).map_err(locate_error)?;
    let files = req.load(&paths).await?;
    let parsed = ConfigFiles::parse(&files, req.dialect).map_err(parse_error)?;
    let opts = req.options();
    let eval = Evaluator::new(&parsed, &req.env, &opts).map_err(evaluate_error)?;
    let resolved = eval.resolve(setting).map_err(evaluate_error)?;
    Ok(match resolved {
        None => JsValue::NULL,
        Some(r) => Obj::new()
            .set("value", r.value.to_string())
            .set("source", source_object(r.source))
            .into(),
    })
}

/// `listProfiles(options)`: every profile name, config-file profiles first, then those only in
/// the credentials file, each once, in the order of `aws configure list-profiles`.
#[wasm_bindgen(js_name = listProfiles)]
pub async fn list_profiles(options: JsValue) -> Result<JsValue, JsValue> {
    let req = Request::from_js(&options)?;
    let paths = locate(&req.env, req.platform, req.dialect).map_err(locate_error)?;
    let files = req.load(&paths).await?;
    let parsed = ConfigFiles::parse(&files, req.dialect).map_err(parse_error)?;
    Ok(profile_array(&parsed).into())
}

/// `configureGet(name, options)`: what `aws configure get NAME` prints: the profile's value only
/// (never the environment) for `key`, `section.sub_key`, `profile.NAME.key` or `NAME.key`;
/// `null` when unset.
#[wasm_bindgen(js_name = configureGet)]
pub async fn configure_get(name: JsValue, options: JsValue) -> Result<JsValue, JsValue> {
    let name = string_argument(&name, "name")?;
    let req = Request::from_js(&options)?;
    let paths = locate(&req.env, req.platform, req.dialect).map_err(locate_error)?;
    let files = req.load(&paths).await?;
    let parsed = ConfigFiles::parse(&files, req.dialect).map_err(parse_error)?;
    let opts = req.options();
    let eval = Evaluator::new(&parsed, &req.env, &opts).map_err(evaluate_error)?;
    let value = evaluate::configure_get(&eval, &name).map_err(evaluate_error)?;
    Ok(value.map_or(JsValue::NULL, |v| v.value.to_string().into()))
}

/// `resolveCredentials(options)`: the credentials of the active profile, resolved through the
/// AWS CLI's provider chain (plan, then execute through the host), with the AWS CLI's name of
/// the provider that gave them.
#[wasm_bindgen(js_name = resolveCredentials)]
pub async fn resolve_credentials(options: JsValue) -> Result<JsValue, JsValue> {
    let req = Request::from_js(&options)?;
    let paths = locate(&req.env, req.platform, req.dialect).map_err(locate_error)?;
    let files = req.load(&paths).await?;
    let parsed = ConfigFiles::parse(&files, req.dialect).map_err(parse_error)?;
    let opts = req.options();
    let eval = Evaluator::new(&parsed, &req.env, &opts).map_err(evaluate_error)?;
    // A configuration the chain cannot use is the AWS CLI's ConfigurationError (253).
    let plan = plan(&eval).map_err(|e| with_exit_status(plan_error(e), CONFIGURATION_EXIT))?;
    let io = Io {
        fs: &req.fs,
        http: &req.http,
        command: &req.command,
        prompt: &req.prompt,
        clock: &req.clock,
        platform: req.platform,
    };
    let result = execute(&eval, &plan, &io).await;
    // A clock that failed gave the core a fallback time: the call still fails, saying so.
    if let Some(what) = req.clock.failure.take() {
        return Err(invalid_argument(
            "options.now",
            &format!(
                "options.now() returned {what}; it must return the Unix time in seconds, a number"
            ),
        ));
    }
    match result {
        Ok(credentials) => Ok(credentials_object(&credentials)),
        Err(e) => {
            let status = e.awscli_exit_status();
            Err(with_exit_status(execute_error(e, &plan, &req), status))
        }
    }
}

/// The AWS CLI's exit status for a configuration the chain cannot use.
const CONFIGURATION_EXIT: u8 = credchain_core::chain::execute::exit_status::CONFIGURATION;

/// Sets `awsCliExitStatus` on an error of a credential lookup: the exit status the AWS CLI's
/// `aws configure export-credentials` ends with for it (the core's decision, the one the CLI
/// exits with).
fn with_exit_status(error: JsValue, status: u8) -> JsValue {
    let _ = Reflect::set(&error, &"awsCliExitStatus".into(), &status.into());
    error
}

/// `explainCredentials(options)`: the plan alone: the active profile and what chose it, each
/// provider passed over with its reason, and the chosen provider's steps with where each input
/// is configured. No I/O beyond reading the two files, and never a secret.
#[wasm_bindgen(js_name = explainCredentials)]
pub async fn explain_credentials(options: JsValue) -> Result<JsValue, JsValue> {
    let req = Request::from_js(&options)?;
    let paths = locate(&req.env, req.platform, req.dialect).map_err(locate_error)?;
    let files = req.load(&paths).await?;
    let parsed = ConfigFiles::parse(&files, req.dialect).map_err(parse_error)?;
    let opts = req.options();
    let eval = Evaluator::new(&parsed, &req.env, &opts).map_err(evaluate_error)?;
    let plan = plan(&eval).map_err(plan_error)?;
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
    let (retries, retries_error) = match credchain_core::services::retry::settings(&eval) {
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
}

/// `sendHttp(request, options)`: one request through the host's `fetch`, the way the core's
/// providers send theirs (the [`Http`] adapter, [`JsHttp`]), resolving to `{ status,
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
    let number = |key: &str, default: f64| get(&request, key).as_f64().unwrap_or(default);
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

// ---------------------------------------------------------------------------------------------
// The request: options object in, host and core options out

/// One call's options, copied out of the JS object before anything runs.
struct Request {
    env: JsEnv,
    fs: JsFs,
    command: JsCommand,
    http: JsHttp,
    prompt: JsPrompt,
    clock: JsClock,
    profile: Option<String>,
    region: Option<String>,
    output: Option<String>,
    dialect: Dialect,
    platform: Platform,
}

impl Request {
    fn from_js(options: &JsValue) -> Result<Self, JsValue> {
        if !options.is_object() {
            return Err(invalid_argument(
                "options",
                "options must be an object with `env` and `readFile`",
            ));
        }
        let platform = match optional_string(options, "platform")?.as_deref() {
            None | Some("unix") => Platform::Unix,
            Some("windows") => Platform::Windows,
            Some(other) => {
                return Err(invalid_argument(
                    "options.platform",
                    &format!("options.platform is \"{other}\"; use \"unix\" or \"windows\""),
                ))
            }
        };
        let dialect = match optional_string(options, "dialect")?.as_deref() {
            None | Some("awscli") => Dialect::AwsCli,
            Some("sdk") => Dialect::Sdk,
            Some(other) => {
                return Err(invalid_argument(
                    "options.dialect",
                    &format!("options.dialect is \"{other}\"; use \"awscli\" or \"sdk\""),
                ))
            }
        };
        let read_file = get(options, "readFile")
            .dyn_into::<Function>()
            .map_err(|_| {
                invalid_argument(
                    "options.readFile",
                    "options.readFile must be a function (path) => Promise<Uint8Array | null>",
                )
            })?;
        Ok(Request {
            env: JsEnv::from_js(&get(options, "env"), platform)?,
            fs: JsFs {
                read_file,
                write_file: optional_function(
                    options,
                    "writeFile",
                    "(path, bytes) => Promise<void>",
                )?,
                failure: RefCell::new(None),
            },
            command: JsCommand {
                run: optional_function(
                    options,
                    "run",
                    "(argv, { timeoutMs, maxOutputBytes }) => Promise<{ status, stdout, stderr }>",
                )?,
                failure: RefCell::new(None),
            },
            http: JsHttp {
                fetch: optional_function(
                    options,
                    "fetch",
                    "(request) => Promise<{ status, contentType, body }>",
                )?,
                failure: RefCell::new(None),
            },
            prompt: JsPrompt {
                prompt: optional_function(options, "prompt", "(question) => Promise<string>")?,
            },
            clock: JsClock {
                now: optional_function(options, "now", "() => number (Unix seconds)")?,
                sleep: optional_function(options, "sleep", "(ms) => Promise<void>")?,
                random: optional_function(options, "random", "() => number in [0, 1)")?,
                failure: RefCell::new(None),
            },
            profile: optional_string(options, "profile")?,
            region: optional_string(options, "region")?,
            output: optional_string(options, "output")?,
            dialect,
            platform,
        })
    }

    /// The core's options: `profile`, `region` and `output` stand for `--profile`, `--region`
    /// and `--output`.
    fn options(&self) -> Options<'_> {
        let mut opts = Options::default();
        let given = [
            (Setting::Profile, &self.profile),
            (Setting::Region, &self.region),
            (Setting::Output, &self.output),
        ];
        for (setting, value) in given {
            if let Some(value) = value {
                opts.set(setting, value);
            }
        }
        opts
    }

    /// Load: both files through the JS host. A failed read becomes a `ReadError` carrying what
    /// the host rejected with as `cause`, or an `InvalidArgument` when it resolved to something
    /// that is not a file's contents.
    async fn load<'p>(&self, paths: &'p FilePaths) -> Result<LoadedFiles<'p, Vec<u8>>, JsValue> {
        let loaded = load(&self.fs, paths).await;
        loaded.map_err(|e| match self.fs.failure.take() {
            Some(Failure::BadResult(what)) => invalid_argument(
                "options.readFile",
                &format!(
                    "options.readFile(\"{}\") resolved to {what}; it must resolve to a \
                     Uint8Array, a string or null (no file)",
                    e.path
                ),
            ),
            Some(Failure::Rejected(cause)) => load_error(&e, Some(cause)),
            Some(Failure::Missing) | None => load_error(&e, None),
        })
    }
}

// ---------------------------------------------------------------------------------------------
// The host: Env and Fs over JavaScript

/// The environment: a snapshot of a plain JS object's string-valued properties (`undefined`
/// and `null` values are unset variables, as in `process.env`).
struct JsEnv {
    vars: Vec<(String, String)>,
    /// Windows variable names are case-insensitive (Python's `os.environ` on Windows, and
    /// Node's `process.env`, look them up so).
    fold_case: bool,
}

impl JsEnv {
    fn from_js(env: &JsValue, platform: Platform) -> Result<Self, JsValue> {
        // Any object, including one without a prototype (`Object.create(null)`), which
        // `instanceof Object` would refuse.
        if !env.is_object() || env.is_function() {
            return Err(invalid_argument(
                "options.env",
                "options.env must be an object of variable names to string values",
            ));
        }
        let object: &Object = env.unchecked_ref();
        let mut vars = Vec::new();
        for entry in Object::entries(object).iter() {
            let entry: Array = entry.unchecked_into();
            let (name, value) = (entry.get(0), entry.get(1));
            if value.is_undefined() || value.is_null() {
                continue;
            }
            let (Some(name), Some(value)) = (name.as_string(), value.as_string()) else {
                let name = name.as_string().unwrap_or_default();
                return Err(invalid_argument(
                    "options.env",
                    &format!("options.env.{name} is not a string; variables' values are strings"),
                ));
            };
            vars.push((name, value));
        }
        Ok(JsEnv {
            vars,
            fold_case: platform == Platform::Windows,
        })
    }
}

impl Env for JsEnv {
    fn var(&self, name: &str) -> Option<&str> {
        self.vars
            .iter()
            .find(|(k, _)| k == name || (self.fold_case && k.eq_ignore_ascii_case(name)))
            .map(|(_, v)| v.as_str())
    }
}

/// Files, read by calling the JS function `readFile(path)` and awaiting its promise.
struct JsFs {
    read_file: Function,
    /// `writeFile(path, bytes)`, when the host can write (caches).
    write_file: Option<Function>,
    /// Why the last read failed, in JS terms. The core's [`FsError`] is a small `Copy` value
    /// with no room for a JS value, so the binding keeps the rejection here and attaches it to
    /// the error it throws.
    failure: RefCell<Option<Failure>>,
}

enum Failure {
    /// The host function threw or its promise rejected, with this value.
    Rejected(JsValue),
    /// It resolved to something that is not what it must return (described).
    BadResult(String),
    /// The host has no such function.
    Missing,
}

impl Fs for JsFs {
    type File = Vec<u8>;

    async fn read(&self, path: &str) -> Result<Option<Vec<u8>>, FsError> {
        let returned = self
            .read_file
            .call1(&JsValue::UNDEFINED, &JsValue::from_str(path));
        // A sync function's value is as good as a promise's.
        let settled = match returned {
            Ok(value) => JsFuture::from(Promise::resolve(&value)).await,
            Err(thrown) => Err(thrown),
        };
        let value = settled.map_err(|cause| self.rejected(cause))?;
        if value.is_null() || value.is_undefined() {
            return Ok(None);
        }
        if let Some(bytes) = value.dyn_ref::<Uint8Array>() {
            // The bytes move from JS memory into the module's once; the core borrows them.
            return Ok(Some(bytes.to_vec()));
        }
        if let Some(text) = value.as_string() {
            return Ok(Some(text.into_bytes()));
        }
        self.failure
            .replace(Some(Failure::BadResult(describe_value(&value))));
        Err(FsError {
            kind: FsErrorKind::Other,
            os_code: None,
        })
    }

    async fn write_private(&self, path: &str, contents: &[u8]) -> Result<(), FsError> {
        let Some(write_file) = &self.write_file else {
            return Err(FsError {
                kind: FsErrorKind::Unsupported,
                os_code: None,
            });
        };
        let args = Array::of2(&JsValue::from_str(path), &Uint8Array::from(contents));
        call_host(write_file, &args)
            .await
            .map(|_| ())
            .map_err(|cause| self.rejected(cause))
    }
}

impl JsFs {
    /// Maps a Node-style error (`code`, `errno`) to the core's kinds, keeping the value.
    fn rejected(&self, cause: JsValue) -> FsError {
        let kind = match HostReason::of(&cause) {
            HostReason::PermissionDenied => FsErrorKind::PermissionDenied,
            HostReason::NotAFile => FsErrorKind::NotAFile,
            HostReason::TooLarge => FsErrorKind::TooLarge,
            HostReason::Unsupported => FsErrorKind::Unsupported,
            _ => FsErrorKind::Other,
        };
        let os_code = os_code(&cause);
        self.failure.replace(Some(Failure::Rejected(cause)));
        FsError { kind, os_code }
    }
}

/// Programs, run by calling the JS function `run(argv, { timeoutMs, maxOutputBytes })`.
struct JsCommand {
    run: Option<Function>,
    /// Why the last run failed, in JS terms (as [`JsFs::failure`]).
    failure: RefCell<Option<Failure>>,
}

impl Command for JsCommand {
    type Output = Vec<u8>;

    async fn run(
        &self,
        argv: &[&str],
        timeout_ms: u32,
        max_output_bytes: usize,
    ) -> Result<CommandOutput<Vec<u8>>, CommandError> {
        let fail = |kind| CommandError {
            kind,
            os_code: None,
        };
        let Some(run) = &self.run else {
            return Err(fail(CommandErrorKind::Unsupported));
        };
        let words: Array = argv.iter().map(|w| JsValue::from_str(w)).collect();
        let limits = Obj::new()
            .set("timeoutMs", timeout_ms)
            .set("maxOutputBytes", max_output_bytes as f64);
        let out = call_host(run, &Array::of2(&words, &limits.into()))
            .await
            .map_err(|cause| {
                let kind = match HostReason::of(&cause) {
                    HostReason::NotFound => CommandErrorKind::NotFound,
                    HostReason::PermissionDenied => CommandErrorKind::PermissionDenied,
                    HostReason::Timeout => CommandErrorKind::Timeout,
                    HostReason::TooLarge => CommandErrorKind::TooLarge,
                    HostReason::Unsupported => CommandErrorKind::Unsupported,
                    _ => CommandErrorKind::Other,
                };
                let os_code = os_code(&cause);
                self.failure.replace(Some(Failure::Rejected(cause)));
                CommandError { kind, os_code }
            })?;
        let bad = |what: String| {
            self.failure.replace(Some(Failure::BadResult(what)));
            fail(CommandErrorKind::Other)
        };
        if !out.is_object() {
            return Err(bad(describe_value(&out)));
        }
        let status = get(&out, "status");
        let status = if status.is_null() || status.is_undefined() {
            None
        } else {
            match status.as_f64() {
                Some(n) if n.fract() == 0.0 && n.abs() <= f64::from(i32::MAX) => Some(n as i32),
                _ => {
                    return Err(bad(format!(
                        "an object whose status is {}",
                        describe_value(&status)
                    )))
                }
            }
        };
        let stream = |name: &str| {
            let value = get(&out, name);
            if value.is_undefined() || value.is_null() {
                return Ok(Vec::new());
            }
            bytes_of(&value)
                .ok_or_else(|| format!("an object whose {name} is {}", describe_value(&value)))
        };
        let stdout = stream("stdout").map_err(bad)?;
        let stderr = stream("stderr").map_err(bad)?;
        if stdout.len() > max_output_bytes || stderr.len() > max_output_bytes {
            return Err(fail(CommandErrorKind::TooLarge));
        }
        Ok(CommandOutput {
            status,
            stdout,
            stderr,
        })
    }
}

/// HTTP, sent by calling the JS function `fetch({ method, url, headers, body, timeoutMs,
/// maxBodyBytes })`; `headers` is an array of `[name, value]` pairs, in order.
struct JsHttp {
    fetch: Option<Function>,
    /// Why the last exchange failed, in JS terms (as [`JsFs::failure`]).
    failure: RefCell<Option<Failure>>,
}

impl Http for JsHttp {
    type Body = Vec<u8>;

    async fn send(&self, request: &HttpRequest<'_>) -> Result<HttpResponse<Vec<u8>>, HttpError> {
        let Some(fetch) = &self.fetch else {
            // A host without a network: no connection can be made.
            self.failure.replace(Some(Failure::Missing));
            return Err(HttpError {
                kind: HttpErrorKind::Connect,
            });
        };
        let headers: Array = request
            .headers
            .iter()
            .map(|(k, v)| JsValue::from(Array::of2(&(*k).into(), &(*v).into())))
            .collect();
        let js_request = Obj::new()
            .set("method", request.method)
            .set("url", request.url)
            .set("headers", headers)
            .set("body", Uint8Array::from(request.body))
            .set("timeoutMs", request.timeout_ms)
            .set("maxBodyBytes", request.max_body_bytes as f64);
        let out = call_host(fetch, &Array::of1(&js_request.into()))
            .await
            .map_err(|cause| {
                let kind = match HostReason::of(&cause) {
                    HostReason::Timeout => HttpErrorKind::Timeout,
                    HostReason::Connect | HostReason::NotFound => HttpErrorKind::Connect,
                    HostReason::TooLarge => HttpErrorKind::TooLarge,
                    HostReason::InvalidUrl => HttpErrorKind::InvalidUrl,
                    _ => HttpErrorKind::Other,
                };
                self.failure.replace(Some(Failure::Rejected(cause)));
                HttpError { kind }
            })?;
        let bad = |what: String| {
            self.failure.replace(Some(Failure::BadResult(what)));
            HttpError {
                kind: HttpErrorKind::Other,
            }
        };
        if !out.is_object() {
            return Err(bad(describe_value(&out)));
        }
        let status = get(&out, "status");
        let status = match status.as_f64() {
            Some(n) if n.fract() == 0.0 && (100.0..=999.0).contains(&n) => n as u16,
            _ => {
                return Err(bad(format!(
                    "an object whose status is {}",
                    describe_value(&status)
                )))
            }
        };
        let content_type = get(&out, "contentType")
            .as_string()
            .filter(|t| t.len() <= MAX_CONTENT_TYPE_LEN)
            .and_then(|t| t.as_str().try_into().ok());
        let body = get(&out, "body");
        let body = if body.is_undefined() || body.is_null() {
            Vec::new()
        } else {
            bytes_of(&body)
                .ok_or_else(|| bad(format!("an object whose body is {}", describe_value(&body))))?
        };
        if body.len() > request.max_body_bytes {
            return Err(HttpError {
                kind: HttpErrorKind::TooLarge,
            });
        }
        Ok(HttpResponse {
            status,
            content_type,
            body,
        })
    }
}

/// The person at the terminal, asked by calling the JS function `prompt(question)`.
struct JsPrompt {
    prompt: Option<Function>,
}

impl Prompt for JsPrompt {
    type Answer = String;

    async fn ask(&self, question: &str) -> Result<String, PromptError> {
        let Some(prompt) = &self.prompt else {
            return Err(PromptError::Unavailable);
        };
        let answer = call_host(prompt, &Array::of1(&question.into())).await;
        // A rejection, `null` or anything but a string: the person gave no answer.
        answer
            .ok()
            .and_then(|a| a.as_string())
            .ok_or(PromptError::Cancelled)
    }
}

/// The time: the JS function `now()` (Unix seconds), else `Date.now()`; the retries' waits:
/// `sleep(ms)`, else a `setTimeout` promise; their jitter: `random()`, else `Math.random()`.
struct JsClock {
    now: Option<Function>,
    sleep: Option<Function>,
    random: Option<Function>,
    /// What `now()` gave when it was not a time (the call then fails with InvalidArgument).
    failure: RefCell<Option<String>>,
}

impl Clock for JsClock {
    fn now_unix(&self) -> i64 {
        let system = || (js_sys::Date::now() / 1000.0).floor() as i64;
        let Some(now) = &self.now else {
            return system();
        };
        match now.call0(&JsValue::UNDEFINED) {
            Ok(value) => match value.as_f64() {
                Some(n) if n.is_finite() => n.floor() as i64,
                _ => {
                    self.failure.replace(Some(describe_value(&value)));
                    system()
                }
            },
            Err(_) => {
                self.failure.replace(Some("nothing (it threw)".into()));
                system()
            }
        }
    }

    fn now_millis(&self) -> i64 {
        match &self.now {
            // The host's seconds, as precise as it gives them.
            Some(now) => match now.call0(&JsValue::UNDEFINED).ok().and_then(|v| v.as_f64()) {
                Some(n) if n.is_finite() => (n * 1000.0).floor() as i64,
                _ => self.now_unix().saturating_mul(1000),
            },
            None => js_sys::Date::now().floor() as i64,
        }
    }

    async fn sleep_ms(&self, ms: u32) {
        if let Some(sleep) = &self.sleep {
            // A sleep that rejects has still let time pass, or not: either way the next
            // attempt follows.
            let _ = call_host(sleep, &Array::of1(&ms.into())).await;
            return;
        }
        let timer = Promise::new(&mut |resolve, _reject| {
            let set_timeout = js_sys::Reflect::get(&js_sys::global(), &"setTimeout".into())
                .ok()
                .and_then(|f| f.dyn_into::<Function>().ok());
            let scheduled = set_timeout
                .map(|f| f.call2(&JsValue::UNDEFINED, &resolve, &ms.into()).is_ok())
                .unwrap_or(false);
            if !scheduled {
                // No timer in this environment: go on at once rather than never.
                let _ = resolve.call0(&JsValue::UNDEFINED);
            }
        });
        let _ = JsFuture::from(timer).await;
    }

    fn random_u32(&self) -> u32 {
        let from_host = self
            .random
            .as_ref()
            .and_then(|f| f.call0(&JsValue::UNDEFINED).ok())
            .and_then(|v| v.as_f64())
            .filter(|x| (0.0..1.0).contains(x));
        let x = from_host.unwrap_or_else(js_sys::Math::random);
        // x in [0, 1): the product is below 2^32.
        (x * 4_294_967_296.0) as u32
    }
}

/// Why a host function rejected, read from the `code` of what it rejected with (or of that
/// value's `cause`, where Node's fetch puts the socket's error), or from a `TimeoutError`'s name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum HostReason {
    NotFound,
    PermissionDenied,
    NotAFile,
    Timeout,
    TooLarge,
    Connect,
    InvalidUrl,
    Unsupported,
    Other,
}

impl HostReason {
    fn of(cause: &JsValue) -> HostReason {
        let named = |v: &JsValue| {
            let reason = get(v, "code").as_string().map(|c| Self::of_code(&c))?;
            (reason != HostReason::Other).then_some(reason)
        };
        if get(cause, "name").as_string().as_deref() == Some("TimeoutError") {
            return HostReason::Timeout;
        }
        named(cause)
            .or_else(|| named(&get(cause, "cause")))
            .unwrap_or(HostReason::Other)
    }

    fn of_code(code: &str) -> HostReason {
        match code {
            "not-found" | "ENOENT" => HostReason::NotFound,
            "permission-denied" | "EACCES" | "EPERM" => HostReason::PermissionDenied,
            "not-a-file" | "EISDIR" => HostReason::NotAFile,
            "timeout"
            | "ETIMEDOUT"
            | "UND_ERR_CONNECT_TIMEOUT"
            | "UND_ERR_HEADERS_TIMEOUT"
            | "UND_ERR_BODY_TIMEOUT" => HostReason::Timeout,
            "too-large"
            | "EFBIG"
            | "ERR_FS_FILE_TOO_LARGE"
            | "ERR_CHILD_PROCESS_STDIO_MAXBUFFER" => HostReason::TooLarge,
            "connect" | "ECONNREFUSED" | "ECONNRESET" | "ENOTFOUND" | "EAI_AGAIN"
            | "EHOSTUNREACH" | "ENETUNREACH" | "UND_ERR_SOCKET" => HostReason::Connect,
            "invalid-url" | "ERR_INVALID_URL" => HostReason::InvalidUrl,
            "unsupported" => HostReason::Unsupported,
            _ => HostReason::Other,
        }
    }
}

/// The system's error number of a Node error: the magnitude of its `errno` (-13 for EACCES).
fn os_code(cause: &JsValue) -> Option<i32> {
    get(cause, "errno")
        .as_f64()
        .filter(|n| n.fract() == 0.0 && n.abs() <= f64::from(i32::MAX))
        .map(|n| n.abs() as i32)
}

/// Calls a host function and awaits what it returns (a plain value counts as resolved).
async fn call_host(function: &Function, args: &Array) -> Result<JsValue, JsValue> {
    match function.apply(&JsValue::UNDEFINED, args) {
        Ok(value) => JsFuture::from(Promise::resolve(&value)).await,
        Err(thrown) => Err(thrown),
    }
}

/// A `Uint8Array`'s bytes or a string's UTF-8, copied into the module's memory.
fn bytes_of(value: &JsValue) -> Option<Vec<u8>> {
    if let Some(bytes) = value.dyn_ref::<Uint8Array>() {
        return Some(bytes.to_vec());
    }
    value.as_string().map(String::into_bytes)
}

/// What a value is, for messages about a host's results: its `typeof`, or `null`.
fn describe_value(value: &JsValue) -> String {
    if value.is_null() {
        return "null".into();
    }
    value.js_typeof().as_string().unwrap_or_default()
}

// ---------------------------------------------------------------------------------------------
// Plain objects out

/// A plain JS object under construction.
struct Obj(Object);

impl Obj {
    fn new() -> Self {
        Obj(Object::new())
    }

    fn set(self, key: &str, value: impl Into<JsValue>) -> Self {
        // Defining a property of a fresh, ordinary, extensible object cannot fail.
        let _ = Reflect::set(&self.0, &JsValue::from_str(key), &value.into());
        self
    }
}

impl From<Obj> for JsValue {
    fn from(obj: Obj) -> JsValue {
        obj.0.into()
    }
}

/// `{ kind: 'option' | 'env' | 'config-file' | 'credentials-file' | 'default', name?, path?,
/// line? }`.
fn source_object(source: Source<'_>) -> JsValue {
    match source {
        Source::Option(name) => Obj::new().set("kind", "option").set("name", name),
        Source::EnvVar(name) => Obj::new().set("kind", "env").set("name", name),
        Source::File { kind, path, line } => Obj::new()
            .set("kind", file_source_kind(kind))
            .set("path", path)
            .set("line", line),
        Source::Default => Obj::new().set("kind", "default"),
    }
    .into()
}

fn file_source_kind(kind: FileKind) -> &'static str {
    match kind {
        FileKind::Config => "config-file",
        FileKind::Credentials => "credentials-file",
    }
}

fn file_name(kind: FileKind) -> &'static str {
    match kind {
        FileKind::Config => "config",
        FileKind::Credentials => "credentials",
    }
}

/// `{ accessKeyId, secretAccessKey, sessionToken?, expiration?, accountId?, provider }`: the
/// only object that carries secrets. Absent values are absent properties.
fn credentials_object(c: &Credentials) -> JsValue {
    let mut obj = Obj::new()
        .set("accessKeyId", c.access_key_id())
        .set("secretAccessKey", c.secret_access_key());
    if let Some(token) = c.session_token() {
        obj = obj.set("sessionToken", token);
    }
    if let Some(expiration) = c.expiration() {
        obj = obj.set("expiration", date(expiration));
    }
    if let Some(account) = c.account_id() {
        obj = obj.set("accountId", account);
    }
    obj.set("provider", c.provider().awscli_name()).into()
}

/// A JS `Date` at Unix seconds.
fn date(unix: i64) -> js_sys::Date {
    js_sys::Date::new(&JsValue::from_f64(unix as f64 * 1000.0))
}

/// `{ value, source }`.
fn sourced_object(s: Sourced<'_>) -> JsValue {
    Obj::new()
        .set("value", s.value)
        .set("source", source_object(s.source))
        .into()
}

/// `{ source }`: where a secret is configured, never its value.
fn secret_object(s: &Secret<'_>) -> JsValue {
    Obj::new().set("source", source_object(s.source)).into()
}

fn set_sourced(obj: Obj, key: &str, value: Option<Sourced<'_>>) -> Obj {
    match value {
        Some(v) => obj.set(key, sourced_object(v)),
        None => obj,
    }
}

/// The first step of a chain, with where each input is configured. Static keys show only
/// where they are (the keys themselves are what `resolveCredentials` returns).
fn base_step_object(step: &BaseStep<'_>, profile: Option<&str>) -> JsValue {
    let with_profile = |obj: Obj| match profile {
        Some(p) => obj.set("profile", p),
        None => obj,
    };
    let obj = match *step {
        BaseStep::Static(keys) => {
            let mut obj = with_profile(Obj::new().set("kind", "static-keys"))
                .set(
                    "accessKeyId",
                    Obj::new().set("source", source_object(keys.access_key_id.source)),
                )
                .set("secretAccessKey", secret_object(&keys.secret_access_key));
            if let Some(token) = &keys.session_token {
                obj = obj.set("sessionToken", secret_object(token));
            }
            let obj = set_sourced(obj, "expiration", keys.expiration);
            set_sourced(obj, "accountId", keys.account_id)
        }
        BaseStep::Process {
            profile, command, ..
        } => Obj::new()
            .set("kind", "process")
            .set("profile", profile)
            // Where the command is, not the command: its arguments may hold a token.
            .set(
                "command",
                Obj::new().set("source", source_object(command.source)),
            ),
        BaseStep::WebIdentity {
            role_arn,
            token_file,
            session_name,
        } => {
            let obj = with_profile(Obj::new().set("kind", "web-identity"))
                .set("roleArn", sourced_object(role_arn))
                .set("tokenFile", sourced_object(token_file));
            set_sourced(obj, "sessionName", session_name)
        }
        BaseStep::Sso {
            profile,
            session,
            start_url,
            region,
            account_id,
            role_name,
        } => {
            let obj = Obj::new().set("kind", "sso").set("profile", profile);
            set_sourced(obj, "session", session)
                .set("startUrl", sourced_object(start_url))
                .set("region", sourced_object(region))
                .set("accountId", sourced_object(account_id))
                .set("roleName", sourced_object(role_name))
        }
        BaseStep::Login { profile, session } => Obj::new()
            .set("kind", "login")
            .set("profile", profile)
            .set("session", sourced_object(session)),
        BaseStep::Named(source) => with_profile(
            Obj::new()
                .set("kind", "credential-source")
                .set("name", source.name()),
        ),
        BaseStep::Container => Obj::new().set("kind", "container"),
        BaseStep::InstanceMetadata => Obj::new().set("kind", "instance-metadata"),
    };
    obj.into()
}

/// One AssumeRole call of a chain.
fn role_step_object(step: &AssumeRoleStep<'_>) -> JsValue {
    let obj = Obj::new()
        .set("kind", "assume-role")
        .set("profile", step.profile)
        .set("roleArn", sourced_object(step.role_arn));
    let obj = set_sourced(obj, "sourceProfile", step.source_profile);
    let obj = set_sourced(obj, "sessionName", step.session_name);
    let obj = set_sourced(obj, "externalId", step.external_id);
    let obj = set_sourced(obj, "mfaSerial", step.mfa_serial);
    set_sourced(obj, "durationSeconds", step.duration_seconds).into()
}

/// `[{ provider, reason, description }]`, in the chain's order.
fn skipped_array(skipped: &[Skipped]) -> Array {
    skipped
        .iter()
        .map(|s| {
            JsValue::from(
                Obj::new()
                    .set("provider", s.provider.awscli_name())
                    .set("reason", skip_reason_name(s.reason))
                    .set("description", s.reason.describe()),
            )
        })
        .collect()
}

/// The stable name of each [`SkipReason`]. (An exhaustive match: a new variant fails this
/// build until it has a name here and in index.d.ts.)
fn skip_reason_name(reason: SkipReason) -> &'static str {
    match reason {
        SkipReason::ProfileFromOption => "profile-from-option",
        SkipReason::NoEnvironmentKeys => "no-environment-keys",
        SkipReason::NoRoleArn => "no-role-arn",
        SkipReason::RoleIsWebIdentity => "role-is-web-identity",
        SkipReason::NoWebIdentityToken => "no-web-identity-token",
        SkipReason::WebIdentityEnvFromOption => "web-identity-env-ignored-for-option",
        SkipReason::NoSsoRole => "no-sso-role",
        SkipReason::NotInCredentialsFile => "not-in-credentials-file",
        SkipReason::NoAccessKey(FileKind::Credentials) => "no-access-key-in-credentials-file",
        SkipReason::NoAccessKey(FileKind::Config) => "no-access-key-in-config-file",
        SkipReason::NoLoginSession => "no-login-session",
        SkipReason::NoCredentialProcess => "no-credential-process",
        SkipReason::NotInConfigFile => "not-in-config-file",
        SkipReason::NoContainerEndpoint => "no-container-endpoint",
        SkipReason::InstanceMetadataDisabled => "instance-metadata-disabled",
    }
}

fn profile_array(files: &ConfigFiles<'_>) -> Array {
    files
        .profile_names()
        .map(|n| JsValue::from(n.to_string()))
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Errors: JS Errors with a stable `code` and structured fields

/// An `Error` (or `TypeError`) named `CredchainError` with `code` and `fields`.
fn error(code: &str, message: &dyn Display, fields: Obj, type_error: bool) -> JsValue {
    let message = message.to_string();
    let error: Object = if type_error {
        js_sys::TypeError::new(&message).into()
    } else {
        js_sys::Error::new(&message).into()
    };
    let error = Obj(error).set("name", "CredchainError").set("code", code);
    // Fields go on the error itself: `err.code`, `err.path`, `err.line`.
    let _ = Object::assign(&error.0, &fields.0);
    error.into()
}

fn invalid_argument(argument: &str, message: &str) -> JsValue {
    error(
        "InvalidArgument",
        &message,
        Obj::new().set("argument", argument),
        true,
    )
}

fn unknown_setting(name: &str) -> JsValue {
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

fn locate_error(e: LocateError) -> JsValue {
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
        FsErrorKind::Other => "other",
    }
}

fn load_error(e: &LoadError<'_>, cause: Option<JsValue>) -> JsValue {
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

fn parse_error(e: ParseError<'_>) -> JsValue {
    let mut fields = Obj::new()
        .set("file", file_name(e.kind))
        .set("path", e.path)
        .set("line", e.line)
        .set("dialect", dialect_name(e.dialect))
        .set("problem", problem_name(e.problem));
    if let Problem::DuplicateSection { first_line } | Problem::DuplicateKey { first_line } =
        e.problem
    {
        fields = fields.set("firstLine", first_line);
    }
    error("ParseError", &e, fields, false)
}

fn evaluate_error(e: EvaluateError<'_>) -> JsValue {
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
                .set("source", source_object(source))
                .set("profiles", profile_array(files)),
            false,
        ),
        EvaluateError::InvalidRegion { value, source } => error(
            "InvalidRegion",
            &e,
            Obj::new()
                .set("value", value)
                .set("source", source_object(source)),
            false,
        ),
    }
}

/// A [`PlanError`]: the variant's name as `code`, the profiles involved as fields. Values
/// that may be secrets (a partial key) are given by where they are, never by value.
fn plan_error(e: PlanError<'_>) -> JsValue {
    let (code, fields) = match e {
        PlanError::SourceProfileNotFound {
            profile,
            source_profile,
        } => (
            "SourceProfileNotFound",
            Obj::new()
                .set("profile", profile)
                .set("sourceProfile", source_profile.value)
                .set("source", source_object(source_profile.source)),
        ),
        PlanError::Cycle {
            profile,
            source_profile,
        } => (
            "Cycle",
            Obj::new()
                .set("profile", profile)
                .set("sourceProfile", source_profile.value)
                .set("source", source_object(source_profile.source)),
        ),
        PlanError::RoleWithoutSource { profile, role_arn } => (
            "RoleWithoutSource",
            Obj::new()
                .set("profile", profile)
                .set("roleArn", role_arn.value)
                .set("source", source_object(role_arn.source)),
        ),
        PlanError::BothSources { profile } => ("BothSources", Obj::new().set("profile", profile)),
        PlanError::UnknownCredentialSource { profile, value } => (
            "UnknownCredentialSource",
            Obj::new()
                .set("profile", profile)
                .set("value", value.value)
                .set("source", source_object(value.source)),
        ),
        PlanError::PartialCredentials {
            profile,
            present,
            missing,
        } => (
            "PartialCredentials",
            Obj::new()
                .set("profile", profile.map_or(JsValue::NULL, JsValue::from))
                .set("missing", missing)
                .set("source", source_object(present.source)),
        ),
        PlanError::SourceProfileWithoutCredentials {
            profile,
            source_profile,
        } => (
            "SourceProfileWithoutCredentials",
            Obj::new()
                .set("profile", profile)
                .set("sourceProfile", source_profile),
        ),
        PlanError::WebIdentityWithoutRole {
            profile,
            token_file,
        } => (
            "WebIdentityWithoutRole",
            Obj::new()
                .set("profile", profile)
                .set("tokenFile", token_file.value)
                .set("source", source_object(token_file.source)),
        ),
        PlanError::SsoIncomplete { profile, missing } => (
            "SsoIncomplete",
            Obj::new().set("profile", profile).set("missing", missing),
        ),
        PlanError::SsoSessionNotFound { profile, session } => (
            "SsoSessionNotFound",
            Obj::new()
                .set("profile", profile)
                .set("session", session.value)
                .set("source", source_object(session.source)),
        ),
        PlanError::SsoInconsistent { profile, key } => (
            "SsoInconsistent",
            Obj::new().set("profile", profile).set("key", key),
        ),
        PlanError::MultiLineValue {
            profile,
            key,
            source,
        } => (
            "MultiLineValue",
            Obj::new()
                .set("profile", profile)
                .set("key", key)
                .set("source", source_object(source)),
        ),
        PlanError::ChainTooLong { profile } => (
            "ChainTooLong",
            Obj::new()
                .set("profile", profile)
                .set("limit", MAX_ROLE_CHAIN as u32),
        ),
    };
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
            .set("value", value.value)
            .set("source", source_object(value.source)),
        false,
    )
}

fn execute_error(e: ExecuteError<'_>, plan: &Plan<'_>, req: &Request) -> JsValue {
    match &e {
        ExecuteError::NoCredentials => error(
            "NoCredentials",
            &e,
            Obj::new()
                .set("profile", plan.profile)
                .set("skipped", skipped_array(&plan.skipped)),
            false,
        ),
        ExecuteError::NoneFromMetadata(metadata) => error(
            "NoCredentials",
            &e,
            Obj::new()
                .set("profile", plan.profile)
                .set("skipped", skipped_array(&plan.skipped))
                .set("instanceMetadata", metadata.to_string().as_str()),
            false,
        ),
        ExecuteError::Process {
            profile,
            command,
            failure,
        } => {
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
                .set("source", source_object(command.source))
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
            Obj::new().set("source", source_object(*source)),
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
        ExecuteError::RetrySetting(r) | ExecuteError::Sso(SsoError::RetrySetting(r)) => {
            retry_setting_error(r, &e)
        }
        ExecuteError::Sso(s) => provider_error(
            ProviderKind::Sso,
            "SsoLoginRequired",
            // The portal refusing the token means the session is over: log in again.
            match s {
                SsoError::Unauthorized { .. } => None,
                _ => s.service_failure(),
            },
            &e,
            req,
        ),
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
                .set("path", path.value)
                .set("source", source_object(path.source))
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
                .set("serial", serial.value)
                .set("source", source_object(serial.source))
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

/// A failed STS call. STS's own error answer is a `ServiceError` with its code and message; no
/// answer is `HttpFailed`; an answer that is not STS's is `InvalidResponse`; a request that
/// could not be made is `RequestNotSent`. Each names the operation, the role and the endpoint.
fn sts_error(failure: &StsFailure<'_>, e: &dyn Display, req: &Request) -> JsValue {
    let common = Obj::new()
        .set("operation", failure.operation.name())
        .set("roleArn", failure.role_arn)
        .set("endpoint", failure.endpoint.as_str())
        .set("endpointSource", origin_object(failure.origin));
    let (code, fields) = match &failure.kind {
        StsErrorKind::Service {
            status,
            code,
            message,
        } => (
            "ServiceError",
            common
                .set("status", *status)
                .set("serviceCode", code.as_str())
                .set(
                    "serviceMessage",
                    match message {
                        ErrorMessage::Text(text) => JsValue::from(text.as_str()),
                        ErrorMessage::None | ErrorMessage::TooLong { .. } => JsValue::NULL,
                    },
                ),
        ),
        StsErrorKind::Http {
            kind,
            timeout_ms,
            max_body_bytes,
        } => match http_failed(common, *kind, *timeout_ms, *max_body_bytes, req) {
            Ok(fields) => ("HttpFailed", fields),
            Err(bad_host) => return bad_host,
        },
        StsErrorKind::EmptyBody { status } => (
            "InvalidResponse",
            common.set("status", *status).set("problem", "empty-body"),
        ),
        StsErrorKind::WrongContentType {
            status,
            content_type,
        } => (
            "InvalidResponse",
            common
                .set("status", *status)
                .set("problem", "wrong-content-type")
                .set("contentType", content_type.as_str()),
        ),
        StsErrorKind::NotXml { status } => (
            "InvalidResponse",
            common.set("status", *status).set("problem", "not-xml"),
        ),
        StsErrorKind::Malformed { status, .. } => (
            "InvalidResponse",
            common.set("status", *status).set("problem", "malformed"),
        ),
        StsErrorKind::RequestTooLong => {
            ("RequestNotSent", common.set("reason", "request-too-long"))
        }
        StsErrorKind::Sign(_) => ("RequestNotSent", common.set("reason", "sign")),
    };
    error(code, e, fields, false)
}

/// Where an endpoint came from: `{ kind: 'env', name } | { kind: 'services-section', section,
/// key, source } | { kind: 'profile', source } | { kind: 'regional', regionSource } | { kind:
/// 'global' }`.
fn origin_object(origin: Origin<'_>) -> JsValue {
    match origin {
        Origin::EnvVar(name) => Obj::new().set("kind", "env").set("name", name),
        Origin::ServicesSection {
            section,
            key,
            source,
        } => Obj::new()
            .set("kind", "services-section")
            .set("section", section)
            .set("key", key)
            .set("source", source_object(source)),
        Origin::Profile(source) => Obj::new()
            .set("kind", "profile")
            .set("source", source_object(source)),
        Origin::Regional { region_source } => Obj::new()
            .set("kind", "regional")
            .set("regionSource", source_object(region_source)),
        Origin::Global => Obj::new().set("kind", "global"),
    }
    .into()
}

/// An endpoint that cannot be resolved.
fn endpoint_error(e: &EndpointError<'_>) -> JsValue {
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
            Obj::new()
                .set("section", section)
                .set("source", source_object(source)),
        ),
        EndpointError::NoRegion { service } => ("NoRegion", Obj::new().set("service", service)),
        EndpointError::InvalidRegion { value, source } => (
            "InvalidRegion",
            Obj::new()
                .set("value", value)
                .set("source", source_object(source)),
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
                .set("source", source_object(source)),
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
    let (code, fields) = match &failure.kind {
        ServiceFailureKind::Status {
            status,
            code,
            message,
        } => (
            "ServiceError",
            common
                .set("status", *status)
                .set(
                    "serviceCode",
                    code.as_ref().map_or(JsValue::NULL, |c| c.as_str().into()),
                )
                .set(
                    "serviceMessage",
                    message
                        .as_ref()
                        .map_or(JsValue::NULL, |m| m.as_str().into()),
                ),
        ),
        ServiceFailureKind::Http {
            kind,
            timeout_ms,
            max_body_bytes,
        } => match http_failed(common, *kind, *timeout_ms, *max_body_bytes, req) {
            Ok(fields) => ("HttpFailed", fields),
            Err(bad_host) => return bad_host,
        },
        ServiceFailureKind::EmptyBody { status } => (
            "InvalidResponse",
            common.set("status", *status).set("problem", "empty-body"),
        ),
        ServiceFailureKind::WrongContentType {
            status,
            content_type,
        } => (
            "InvalidResponse",
            common
                .set("status", *status)
                .set("problem", "wrong-content-type")
                .set("contentType", content_type.as_str()),
        ),
        ServiceFailureKind::BadBody { status, expected } => (
            "InvalidResponse",
            common
                .set("status", *status)
                .set("problem", "bad-body")
                .set("expected", *expected),
        ),
    };
    error(code, e, fields, false)
}

/// The fields of a call that got no answer (`HttpFailed`): the reason and the limits that
/// applied, and what the host's `fetch` rejected with as `cause`; `Err` when the host's `fetch`
/// answered nonsense instead, which is the error to report.
fn http_failed(
    common: Obj,
    kind: HttpErrorKind,
    timeout_ms: u32,
    max_body_bytes: usize,
    req: &Request,
) -> Result<Obj, JsValue> {
    let fields = common
        .set("reason", http_reason(kind))
        .set("timeoutMs", timeout_ms)
        .set("maxBodyBytes", max_body_bytes as f64);
    match req.http.failure.take() {
        Some(Failure::Rejected(cause)) => Ok(fields.set("cause", cause)),
        Some(Failure::BadResult(what)) => {
            Err(bad_host_result("options.fetch", "fetch(request)", &what))
        }
        Some(Failure::Missing) | None => Ok(fields),
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

fn http_reason(kind: HttpErrorKind) -> &'static str {
    match kind {
        HttpErrorKind::Timeout => "timeout",
        HttpErrorKind::Connect => "connect",
        HttpErrorKind::TooLarge => "too-large",
        HttpErrorKind::InvalidUrl => "invalid-url",
        HttpErrorKind::Other => "other",
    }
}

/// A host function resolved to something it must not (an InvalidArgument naming it).
fn bad_host_result(argument: &str, call: &str, what: &str) -> JsValue {
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

/// The stable name of each [`Problem`], the variant's name in camelCase. (An exhaustive match:
/// a new variant in the core fails this build until it has a name here and in index.d.ts.)
fn problem_name(problem: Problem) -> &'static str {
    match problem {
        Problem::NotUtf8 => "notUtf8",
        Problem::NotText => "notText",
        Problem::ByteOrderMark => "byteOrderMark",
        Problem::TooLarge => "tooLarge",
        Problem::MissingSectionHeader => "missingSectionHeader",
        Problem::DuplicateSection { .. } => "duplicateSection",
        Problem::DuplicateKey { .. } => "duplicateKey",
        Problem::NotAProperty => "notAProperty",
        Problem::EmptyKey => "emptyKey",
        Problem::NestedWithoutEquals => "nestedWithoutEquals",
        Problem::UnterminatedSection => "unterminatedSection",
        Problem::OutsideProfile => "outsideProfile",
        Problem::ContinuationOutsideProperty => "continuationOutsideProperty",
        Problem::ExpectedEquals => "expectedEquals",
        Problem::EmptyPropertyName => "emptyPropertyName",
        Problem::SubPropertyWithoutEquals => "subPropertyWithoutEquals",
        Problem::EmptySubPropertyName => "emptySubPropertyName",
        Problem::CapacityExceeded { .. } => "capacityExceeded",
    }
}

// ---------------------------------------------------------------------------------------------
// Reading the options object

/// `object[key]`, or `undefined`.
fn get(object: &JsValue, key: &str) -> JsValue {
    if !object.is_object() {
        return JsValue::UNDEFINED;
    }
    Reflect::get(object, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

/// `options[key]` as a string; `undefined` and `null` are not given.
fn optional_string(options: &JsValue, key: &str) -> Result<Option<String>, JsValue> {
    let value = get(options, key);
    if value.is_undefined() || value.is_null() {
        return Ok(None);
    }
    value.as_string().map(Some).ok_or_else(|| {
        invalid_argument(
            &format!("options.{key}"),
            &format!("options.{key} must be a string"),
        )
    })
}

/// `options[key]` as a function; `undefined` and `null` are not given.
fn optional_function(
    options: &JsValue,
    key: &str,
    shape: &str,
) -> Result<Option<Function>, JsValue> {
    let value = get(options, key);
    if value.is_undefined() || value.is_null() {
        return Ok(None);
    }
    value.dyn_into::<Function>().map(Some).map_err(|_| {
        invalid_argument(
            &format!("options.{key}"),
            &format!("options.{key} must be a function {shape}"),
        )
    })
}

/// `object[key]` as a string, for the argument named `argument`.
fn string_field(object: &JsValue, key: &str, argument: &str) -> Result<String, JsValue> {
    get(object, key).as_string().ok_or_else(|| {
        invalid_argument(
            &format!("{argument}.{key}"),
            &format!("{argument}.{key} must be a string"),
        )
    })
}

fn string_argument(value: &JsValue, argument: &str) -> Result<String, JsValue> {
    value
        .as_string()
        .ok_or_else(|| invalid_argument(argument, &format!("{argument} must be a string")))
}
