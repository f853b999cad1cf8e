//! credchain for JavaScript: the wasm-bindgen bindings behind the npm package `credchain`.
//!
//! Every binding is in this file. Three async functions, each a promise on the JS side, take a
//! plain options object and return plain objects (or `null`, or a string array):
//!
//! ```text
//!   resolveSetting(name, options) -> { value, source: { kind, name?, path?, line? } } | null
//!   listProfiles(options)         -> string[]
//!   configureGet(name, options)   -> string | null
//!
//!   options = { env, readFile, profile?, region?, output?, dialect?, platform? }
//! ```
//!
//! The host is JavaScript: `options.env` is a plain object, copied once into a [`JsEnv`] (the
//! core's [`Env`] is sync: reading the environment never waits), and `options.readFile(path)`
//! returns a promise of a `Uint8Array` (or a string, or `null` when nothing is there), awaited by
//! [`JsFs`] through `wasm_bindgen_futures::JsFuture`: the core's async [`Fs`] path, end to end.
//! Each call runs the whole pipeline, locate -> load -> parse -> evaluate, and keeps nothing.
//!
//! Errors are JS `Error` objects (a `TypeError` for a bad argument) with `name` set to
//! `"CredchainError"`, a stable `code` and the fields of the core's error, so callers never
//! match on the message:
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
//!
//! The TypeScript types and the documentation JS callers read are hand-written in
//! `npm/index.d.ts`; a change here changes them.

use core::cell::RefCell;
use core::fmt::Display;

use credchain_core::evaluate::{self, EvaluateError, Evaluator, Options};
use credchain_core::io::{Env, Fs, FsError, FsErrorKind};
use credchain_core::load::{load, LoadError, LoadedFiles};
use credchain_core::locate::{locate, FilePaths, LocateError, Platform};
use credchain_core::parse::{ConfigFiles, ParseError, Problem};
use credchain_core::settings::{Setting, SETTINGS};
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

// ---------------------------------------------------------------------------------------------
// The request: options object in, host and core options out

/// One call's options, copied out of the JS object before anything runs.
struct Request {
    env: JsEnv,
    fs: JsFs,
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
            None => load_error(&e, None),
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
    /// Why the last read failed, in JS terms. The core's [`FsError`] is a small `Copy` value
    /// with no room for a JS value, so the binding keeps the rejection here and attaches it to
    /// the error it throws.
    failure: RefCell<Option<Failure>>,
}

enum Failure {
    /// `readFile` threw or its promise rejected, with this value.
    Rejected(JsValue),
    /// `readFile` resolved to something that is not a file's contents (described).
    BadResult(String),
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
        let what = value.js_typeof().as_string().unwrap_or_default();
        self.failure.replace(Some(Failure::BadResult(what)));
        Err(FsError {
            kind: FsErrorKind::Other,
            os_code: None,
        })
    }
}

impl JsFs {
    /// Maps a Node-style error (`code`, `errno`) to the core's kinds, keeping the value.
    fn rejected(&self, cause: JsValue) -> FsError {
        let code = get(&cause, "code").as_string();
        let kind = match code.as_deref() {
            Some("EACCES" | "EPERM") => FsErrorKind::PermissionDenied,
            Some("EISDIR") => FsErrorKind::NotAFile,
            Some("EFBIG" | "ERR_FS_FILE_TOO_LARGE") => FsErrorKind::TooLarge,
            _ => FsErrorKind::Other,
        };
        // Node's errno is negative (-13 for EACCES); the system's number is its magnitude.
        let os_code = get(&cause, "errno")
            .as_f64()
            .filter(|n| n.fract() == 0.0 && n.abs() <= f64::from(i32::MAX))
            .map(|n| n.abs() as i32);
        self.failure.replace(Some(Failure::Rejected(cause)));
        FsError { kind, os_code }
    }
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

fn load_error(e: &LoadError<'_>, cause: Option<JsValue>) -> JsValue {
    let reason = match e.error.kind {
        FsErrorKind::PermissionDenied => "permission-denied",
        FsErrorKind::NotAFile => "not-a-file",
        FsErrorKind::TooLarge => "too-large",
        FsErrorKind::Unsupported => "unsupported",
        FsErrorKind::Other => "other",
    };
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

fn string_argument(value: &JsValue, argument: &str) -> Result<String, JsValue> {
    value
        .as_string()
        .ok_or_else(|| invalid_argument(argument, &format!("{argument} must be a string")))
}
