//! The host over JavaScript: the core's I/O traits ([`Env`], [`Fs`], [`Command`], [`Http`],
//! [`Prompt`], [`Clock`]) implemented by calling the host functions of the options object, and
//! the reading of why a host function rejected ([`HostReason`]).

use core::cell::{OnceCell, RefCell};

use credchain_core::config::locate::Platform;
use credchain_core::io::{
    Clock, Command, CommandError, CommandErrorKind, CommandOutput, CommandRequest, Env, Fs,
    FsError, FsErrorKind, Http, HttpError, HttpErrorKind, HttpRequest, HttpResponse, Prompt,
    PromptError, Replacement, MAX_CONTENT_TYPE_LEN,
};
use js_sys::{Array, Function, Object, Promise, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use crate::errors::invalid_argument;
use crate::objects::Obj;
use crate::request::get;

/// The environment: a snapshot of a plain JS object's string-valued properties (`undefined`
/// and `null` values are unset variables, as in `process.env`), and, for names the package's
/// JS left unread, the object itself, read when the core asks for one of them.
pub(crate) struct JsEnv {
    vars: Vec<(String, String)>,
    /// Variables that are set but whose values were not copied (see [`JsEnv::from_packed`]):
    /// each is read from `object` the first time the core asks for it, then kept.
    unread: Vec<(String, OnceCell<Option<String>>)>,
    object: JsValue,
    /// Windows variable names are case-insensitive (Python's `os.environ` on Windows, and
    /// Node's `process.env`, look them up so).
    fold_case: bool,
}

impl JsEnv {
    /// The environment the package's JS packed (`packedEnv` in npm/common.js): `packed` holds
    /// `name\0value\0` for each variable copied, `unread` `name\0` for each variable set in
    /// `object` whose value was not (only the live `process.env`'s, each read of which asks the
    /// operating system). One string crosses into the module instead of an array and two
    /// strings per variable. It packs only plain string values without NUL, so this reading
    /// and [`JsEnv::from_js`]'s agree.
    pub(crate) fn from_packed(
        packed: &str,
        unread: &str,
        object: JsValue,
        platform: Platform,
    ) -> Self {
        let mut vars = Vec::new();
        let mut fields = packed.split('\0');
        while let (Some(name), Some(value)) = (fields.next(), fields.next()) {
            vars.push((name.to_owned(), value.to_owned()));
        }
        let unread = unread
            .split('\0')
            .filter(|name| !name.is_empty())
            .map(|name| (name.to_owned(), OnceCell::new()))
            .collect();
        JsEnv {
            vars,
            unread,
            object,
            fold_case: platform == Platform::Windows,
        }
    }

    pub(crate) fn from_js(env: &JsValue, platform: Platform) -> Result<Self, JsValue> {
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
            unread: Vec::new(),
            object: JsValue::UNDEFINED,
            fold_case: platform == Platform::Windows,
        })
    }

    /// Whether the variable `name` is the one asked for as `wanted`.
    fn same_name(&self, name: &str, wanted: &str) -> bool {
        name == wanted || (self.fold_case && name.eq_ignore_ascii_case(wanted))
    }
}

impl Env for JsEnv {
    fn var(&self, name: &str) -> Option<&str> {
        if let Some((_, value)) = self.vars.iter().find(|(k, _)| self.same_name(k, name)) {
            return Some(value);
        }
        let (key, value) = self.unread.iter().find(|(k, _)| self.same_name(k, name))?;
        value
            .get_or_init(|| {
                Reflect::get(&self.object, &JsValue::from_str(key))
                    .ok()
                    .and_then(|v| v.as_string())
            })
            .as_deref()
    }
}

/// Files, read by calling the JS function `readFile(path)` and awaiting its promise.
pub(crate) struct JsFs {
    pub(crate) read_file: Function,
    /// `writeFile(path, bytes)`, when the host can write (caches).
    pub(crate) write_file: Option<Function>,
    /// `writeSharedFile(path, bytes)`, when the host writes the shared files its own way
    /// (keeping an existing file's mode); otherwise they go through `writeFile`.
    pub(crate) write_shared_file: Option<Function>,
    /// Why the last read failed, in JS terms. The core's [`FsError`] is a small `Copy` value
    /// with no room for a JS value, so the binding keeps the rejection here and attaches it to
    /// the error it throws.
    pub(crate) failure: RefCell<Option<Failure>>,
}

/// Why the last call of a host function failed, in JS terms (kept beside the core's error).
pub(crate) enum Failure {
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
        let settled = match returned {
            Ok(value) => settle(value).await,
            Err(thrown) => Err(thrown),
        };
        let value = settled.map_err(|cause| self.rejected(cause))?;
        if value.is_null() || value.is_undefined() {
            return Ok(None);
        }
        if let Some(bytes) = value.dyn_ref::<Uint8Array>() {
            // The bytes move from JS memory into the module's once; the core borrows them.
            // At once, before anything else runs: nodeHost's reader for the module hands a
            // view of one buffer it reuses (`moduleReaders` in npm/internal.js).
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
        self.write_with(self.write_file.as_ref(), path, contents)
            .await
    }

    /// `readFile`, compared with what the edit was made over, then `writeSharedFile` (else
    /// `writeFile`). JavaScript hosts hold no lock: another writer between the two calls is
    /// not seen.
    async fn replace_shared(&self, path: &str, with: Replacement<'_>) -> Result<(), FsError> {
        if self.read(path).await?.as_deref() != with.expected {
            return Err(FsError {
                kind: FsErrorKind::Changed,
                os_code: None,
            });
        }
        let write = self.write_shared_file.as_ref().or(self.write_file.as_ref());
        self.write_with(write, path, with.contents).await
    }
}

impl JsFs {
    /// Calls the host's `write(path, bytes)`; `Unsupported` when it has none.
    async fn write_with(
        &self,
        write: Option<&Function>,
        path: &str,
        contents: &[u8],
    ) -> Result<(), FsError> {
        let Some(write) = write else {
            return Err(FsError {
                kind: FsErrorKind::Unsupported,
                os_code: None,
            });
        };
        let args = Array::of2(&JsValue::from_str(path), &Uint8Array::from(contents));
        call_host(write, &args)
            .await
            .map(|_| ())
            .map_err(|cause| self.rejected(cause))
    }
}

impl JsFs {
    /// Maps a Node-style error (`code`, `errno`) to the core's kinds, keeping the value.
    pub(crate) fn rejected(&self, cause: JsValue) -> FsError {
        let kind = HostReason::of(&cause).kinds().fs;
        let os_code = os_code(&cause);
        self.failure.replace(Some(Failure::Rejected(cause)));
        FsError { kind, os_code }
    }
}

/// Programs, run by calling the JS function `run(argv, { timeoutMs, maxOutputBytes })`.
pub(crate) struct JsCommand {
    pub(crate) run: Option<Function>,
    /// Why the last run failed, in JS terms (as [`JsFs::failure`]).
    pub(crate) failure: RefCell<Option<Failure>>,
}

impl Command for JsCommand {
    type Output = Vec<u8>;

    async fn run(
        &self,
        request: &CommandRequest<'_>,
    ) -> Result<CommandOutput<Vec<u8>>, CommandError> {
        let fail = CommandError::new;
        let Some(run) = &self.run else {
            return Err(fail(CommandErrorKind::Unsupported));
        };
        let words: Array = request.argv.iter().map(|w| JsValue::from_str(w)).collect();
        let limits = Obj::new()
            .set("timeoutMs", request.timeout_ms)
            .set("maxOutputBytes", request.max_output_bytes as f64);
        let out = call_host(run, &Array::of2(&words, &limits.into()))
            .await
            .map_err(|cause| {
                let kind = HostReason::of(&cause).kinds().command;
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
        let stream = |name: &'static str| {
            let value = get(&out, name);
            if value.is_undefined() || value.is_null() {
                return Ok(Vec::new());
            }
            bytes_of(&value)
                .ok_or_else(|| format!("an object whose {name} is {}", describe_value(&value)))
        };
        let stdout = stream("stdout").map_err(bad)?;
        let stderr = stream("stderr").map_err(bad)?;
        if stdout.len() > request.max_output_bytes || stderr.len() > request.max_output_bytes {
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
pub(crate) struct JsHttp {
    pub(crate) fetch: Option<Function>,
    /// Why the last exchange failed, in JS terms (as [`JsFs::failure`]).
    pub(crate) failure: RefCell<Option<Failure>>,
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
                let kind = HostReason::of(&cause).kinds().http;
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
pub(crate) struct JsPrompt {
    pub(crate) prompt: Option<Function>,
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
pub(crate) struct JsClock {
    pub(crate) now: Option<Function>,
    pub(crate) sleep: Option<Function>,
    pub(crate) random: Option<Function>,
    /// What `now()` gave when it was not a time (the call then fails with InvalidArgument).
    pub(crate) failure: RefCell<Option<String>>,
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
pub(crate) enum HostReason {
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

/// What a [`HostReason`] is to each adapter: the core's kind of its error.
struct Kinds {
    fs: FsErrorKind,
    command: CommandErrorKind,
    http: HttpErrorKind,
}

impl HostReason {
    /// The kinds of error this reason is to a read or write, a run and an exchange.
    fn kinds(self) -> Kinds {
        use CommandErrorKind as C;
        use FsErrorKind as F;
        use HttpErrorKind as H;
        let (fs, command, http) = match self {
            HostReason::NotFound => (F::Other, C::NotFound, H::Connect),
            HostReason::PermissionDenied => (F::PermissionDenied, C::PermissionDenied, H::Other),
            HostReason::NotAFile => (F::NotAFile, C::Other, H::Other),
            HostReason::Timeout => (F::Other, C::Timeout, H::Timeout),
            HostReason::TooLarge => (F::TooLarge, C::TooLarge, H::TooLarge),
            HostReason::Connect => (F::Other, C::Other, H::Connect),
            HostReason::InvalidUrl => (F::Other, C::Other, H::InvalidUrl),
            HostReason::Unsupported => (F::Unsupported, C::Unsupported, H::Other),
            HostReason::Other => (F::Other, C::Other, H::Other),
        };
        Kinds { fs, command, http }
    }

    pub(crate) fn of(cause: &JsValue) -> HostReason {
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
pub(crate) fn os_code(cause: &JsValue) -> Option<i32> {
    get(cause, "errno")
        .as_f64()
        .filter(|n| n.fract() == 0.0 && n.abs() <= f64::from(i32::MAX))
        .map(|n| n.abs() as i32)
}

/// Calls a host function and awaits what it returns (a plain value counts as resolved).
async fn call_host(function: &Function, args: &Array) -> Result<JsValue, JsValue> {
    match function.apply(&JsValue::UNDEFINED, args) {
        Ok(value) => settle(value).await,
        Err(thrown) => Err(thrown),
    }
}

/// What a host function returned, settled: a promise (or any thenable) is awaited; any other
/// value is the result at once. A sync host function (Node's `readFile` reads with the sync
/// calls) so costs no turn of the event loop: awaiting it would suspend the whole call and
/// poll it again from the top, which was most of a small resolution's time.
async fn settle(value: JsValue) -> Result<JsValue, JsValue> {
    if get(&value, "then").is_function() {
        JsFuture::from(Promise::resolve(&value)).await
    } else {
        Ok(value)
    }
}

/// A `Uint8Array`'s bytes or a string's UTF-8, copied into the module's memory.
pub(crate) fn bytes_of(value: &JsValue) -> Option<Vec<u8>> {
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
