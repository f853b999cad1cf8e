//! One call's options: the JS options object read into the host adapters and the core's
//! options ([`Request`]), and the readers of JS values that check each option's type.

use core::cell::RefCell;

use credchain_core::config::evaluate::Options;
use credchain_core::config::load::{load, LoadedFiles};
use credchain_core::config::locate::{FilePaths, Platform};
use credchain_core::config::set::SubsectionKind;
use credchain_core::config::settings::Setting;
use credchain_core::Dialect;
use js_sys::{Function, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::errors::{invalid_argument, load_error};
use crate::host::{Failure, JsClock, JsCommand, JsEnv, JsFs, JsHttp, JsPrompt};

/// One call's options, copied out of the JS object before anything runs.
pub(crate) struct Request {
    pub(crate) env: JsEnv,
    pub(crate) fs: JsFs,
    pub(crate) command: JsCommand,
    pub(crate) http: JsHttp,
    pub(crate) prompt: JsPrompt,
    pub(crate) clock: JsClock,
    /// The settings given as options (`profile`, `region`, `output`), in that order.
    pub(crate) given: Vec<(Setting, String)>,
    pub(crate) dialect: Dialect,
    pub(crate) platform: Platform,
}

impl Request {
    pub(crate) fn from_js(options: &JsValue) -> Result<Self, JsValue> {
        if !options.is_object() {
            return Err(invalid_argument(
                "options",
                "options must be an object with `env` and `readFile`",
            ));
        }
        let platform = choice(options, "platform", PLATFORMS)?;
        let dialect = choice(options, "dialect", DIALECTS)?;
        let read_file = get(options, "readFile")
            .dyn_into::<Function>()
            .map_err(|_| {
                invalid_argument(
                    "options.readFile",
                    "options.readFile must be a function (path) => Promise<Uint8Array | null>",
                )
            })?;
        Ok(Request {
            env: match get(options, "packedEnv").as_string() {
                Some(packed) => JsEnv::from_packed(
                    &packed,
                    &get(options, "unreadEnv").as_string().unwrap_or_default(),
                    get(options, "env"),
                    platform,
                ),
                None => JsEnv::from_js(&get(options, "env"), platform)?,
            },
            fs: JsFs {
                read_file,
                write_file: optional_function(
                    options,
                    "writeFile",
                    "(path, bytes) => Promise<void>",
                )?,
                write_shared_file: optional_function(
                    options,
                    "writeSharedFile",
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
            given: given_settings(options)?,
            dialect,
            platform,
        })
    }

    /// The core's options: `profile`, `region` and `output` stand for `--profile`, `--region`
    /// and `--output`.
    pub(crate) fn options(&self) -> Options<'_> {
        self.given
            .iter()
            .fold(Options::default(), |opts, (setting, value)| {
                opts.with(*setting, value)
            })
    }

    /// Load: both files through the JS host. A failed read becomes a `ReadError` carrying what
    /// the host rejected with as `cause`, or an `InvalidArgument` when it resolved to something
    /// that is not a file's contents.
    pub(crate) async fn load<'p>(
        &self,
        paths: &'p FilePaths,
    ) -> Result<LoadedFiles<'p, Vec<u8>>, JsValue> {
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

/// The values `options.platform` may have, the first the default.
const PLATFORMS: &[(&str, Platform)] = &[("unix", Platform::Unix), ("windows", Platform::Windows)];

/// The values `options.dialect` may have, the first the default.
const DIALECTS: &[(&str, Dialect)] = &[("awscli", Dialect::AwsCli), ("sdk", Dialect::Sdk)];

/// `options[key]`, one of the names of `choices` (the first when not given), as its value.
fn choice<T: Copy>(
    options: &JsValue,
    key: &'static str,
    choices: &[(&str, T)],
) -> Result<T, JsValue> {
    let Some(given) = optional_string(options, key)? else {
        return Ok(choices[0].1);
    };
    if let Some((_, value)) = choices.iter().find(|(name, _)| *name == given) {
        return Ok(*value);
    }
    let names: Vec<String> = choices
        .iter()
        .map(|(name, _)| format!("\"{name}\""))
        .collect();
    Err(invalid_argument(
        &format!("options.{key}"),
        &format!("options.{key} is \"{given}\"; use {}", names.join(" or ")),
    ))
}

/// The options that stand for the AWS CLI's `--profile`, `--region` and `--output`: each
/// setting whose option is given, with its value.
fn given_settings(options: &JsValue) -> Result<Vec<(Setting, String)>, JsValue> {
    let mut given = Vec::new();
    let options_of = [
        (Setting::Profile, "profile"),
        (Setting::Region, "region"),
        (Setting::Output, "output"),
    ];
    for (setting, key) in options_of {
        if let Some(value) = optional_string(options, key)? {
            given.push((setting, value));
        }
    }
    Ok(given)
}

/// `options.ssoSession` or `options.services` (not both): the `[sso-session]` or `[services]`
/// section `configureSet` writes in.
pub(crate) fn subsection(options: &JsValue) -> Result<Option<(SubsectionKind, String)>, JsValue> {
    match (
        optional_string(options, "ssoSession")?,
        optional_string(options, "services")?,
    ) {
        (Some(_), Some(_)) => Err(invalid_argument(
            "options.services",
            "options.ssoSession and options.services are both given; give one",
        )),
        (Some(name), None) => Ok(Some((SubsectionKind::SsoSession, name))),
        (None, Some(name)) => Ok(Some((SubsectionKind::Services, name))),
        (None, None) => Ok(None),
    }
}

/// `object[key]`, or `undefined`.
pub(crate) fn get(object: &JsValue, key: &'static str) -> JsValue {
    if !object.is_object() {
        return JsValue::UNDEFINED;
    }
    Reflect::get(object, &property(key)).unwrap_or(JsValue::UNDEFINED)
}

/// A property name as a JS string, made once per name: each call reads and sets a few dozen
/// properties, and decoding each name from the module's memory again was a tenth of a small
/// resolution's time. Only the bindings' own names (`'static`) are kept.
pub(crate) fn property(key: &'static str) -> JsValue {
    JsValue::from_str(wasm_bindgen::intern(key))
}

/// `options[key]` as a string; `undefined` and `null` are not given.
fn optional_string(options: &JsValue, key: &'static str) -> Result<Option<String>, JsValue> {
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
    key: &'static str,
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
pub(crate) fn string_field(
    object: &JsValue,
    key: &'static str,
    argument: &str,
) -> Result<String, JsValue> {
    get(object, key).as_string().ok_or_else(|| {
        invalid_argument(
            &format!("{argument}.{key}"),
            &format!("{argument}.{key} must be a string"),
        )
    })
}

pub(crate) fn string_argument(value: &JsValue, argument: &str) -> Result<String, JsValue> {
    value
        .as_string()
        .ok_or_else(|| invalid_argument(argument, &format!("{argument} must be a string")))
}
