//! The `credchain_config` handle: both files loaded once, settings resolved on demand.
//!
//! The handle owns the files' bytes and paths and re-parses the bytes on each query (parsing is
//! zero-copy and takes microseconds for ordinary files), so no self-referential borrow is kept.
//! The profile names are collected once, when the handle is made.

use core::ffi::c_char;
use std::cell::RefCell;
use std::ffi::CString;

use credchain_core::config::evaluate::{configure_get, Evaluator, Options};
use credchain_core::config::load::{load, LoadedFile, LoadedFiles};
use credchain_core::config::locate::{locate, Platform};
use credchain_core::config::parse::ConfigFiles;
use credchain_core::config::settings::{Setting, SETTINGS};
use credchain_core::host::{StdEnv, StdFs};
use credchain_core::io::{block_on, Env};
use credchain_core::{Dialect, Source};

use crate::callbacks::{Callbacks, PromptCallback, SnapshotEnv};
use crate::error::{
    boundary, check_buffer, code_only, free_new, opt_str, req_str, run, thread_call,
    with_thread_error, write_new, write_out, write_str, Error,
};
use crate::result::credchain_result;
use crate::source::{credchain_source, Paths};

/// How to read the shared files: a `CREDCHAIN_DIALECT_*` value. (A plain integer rather than a
/// C enum, so that any value a caller stores is defined behaviour; others are refused with
/// `CREDCHAIN_RESULT_INVALID_DIALECT`.)
pub type credchain_dialect = u32;

/// Read the files as the AWS CLI v2 does (the default).
pub const CREDCHAIN_DIALECT_AWSCLI: credchain_dialect = 0;

/// Read the files as the AWS SDKs' shared profile-file spec does.
pub const CREDCHAIN_DIALECT_SDK: credchain_dialect = 1;

/// Options for a new `credchain_config`, as the AWS CLI's global options. A zeroed struct
/// (`credchain_options opts = {0};`) means no options and the AWS CLI dialect; passing NULL for
/// the whole struct means the same.
///
/// The strings are read and copied while `credchain_config_new_*` runs; they need not outlive it.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct credchain_options {
    /// The profile, as `--profile`: NULL (or "") for none. NUL-terminated UTF-8.
    pub profile: *const c_char,
    /// The region, as `--region`: NULL for none. NUL-terminated UTF-8.
    pub region: *const c_char,
    /// The output format, as `--output`: NULL for none. NUL-terminated UTF-8.
    pub output: *const c_char,
    /// A `CREDCHAIN_DIALECT_*` value.
    pub dialect: credchain_dialect,
}

/// The options, copied out of the caller's struct.
#[derive(Debug, Clone, Default)]
pub(crate) struct OwnedOptions {
    profile: Option<String>,
    region: Option<String>,
    output: Option<String>,
    pub(crate) dialect: Dialect,
}

impl OwnedOptions {
    /// Copies `*opts` (NULL: the defaults).
    ///
    /// # Safety
    ///
    /// `opts` is NULL or points to a readable `credchain_options` whose strings are NULL or
    /// NUL-terminated.
    pub(crate) unsafe fn read(opts: *const credchain_options) -> Result<Self, Error> {
        // SAFETY: the caller guarantees opts is NULL or valid for reads.
        let Some(opts) = (unsafe { opts.as_ref() }) else {
            return Ok(OwnedOptions::default());
        };
        let dialect = match opts.dialect {
            CREDCHAIN_DIALECT_AWSCLI => Dialect::AwsCli,
            CREDCHAIN_DIALECT_SDK => Dialect::Sdk,
            other => {
                return Err(Error::new(
                    credchain_result::InvalidDialect,
                    format!(
                        "invalid dialect: options->dialect is {other}; use \
                         CREDCHAIN_DIALECT_AWSCLI (0) or CREDCHAIN_DIALECT_SDK (1)"
                    ),
                ))
            }
        };
        // SAFETY: the caller guarantees each string is NULL or NUL-terminated; the copies are
        // made before this function returns.
        let profile = unsafe { opt_str(opts.profile, "options->profile") }?;
        // SAFETY: as above.
        let region = unsafe { opt_str(opts.region, "options->region") }?;
        // SAFETY: as above.
        let output = unsafe { opt_str(opts.output, "options->output") }?;
        Ok(OwnedOptions {
            profile: profile.map(ToOwned::to_owned),
            region: region.map(ToOwned::to_owned),
            output: output.map(ToOwned::to_owned),
            dialect,
        })
    }

    /// The core's view of the options, borrowing the copies.
    pub(crate) fn core(&self) -> Options<'_> {
        let mut o = Options::default();
        for (setting, value) in [
            (Setting::Profile, &self.profile),
            (Setting::Region, &self.region),
            (Setting::Output, &self.output),
        ] {
            if let Some(v) = value {
                o.set(setting, v);
            }
        }
        o
    }
}

/// The environment a handle reads: the process's, captured when the handle was made, or the
/// snapshot taken through the caller's callback.
pub(crate) enum HandleEnv {
    Host(StdEnv),
    Snapshot(SnapshotEnv),
}

impl Env for HandleEnv {
    fn var(&self, name: &str) -> Option<&str> {
        match self {
            HandleEnv::Host(e) => e.var(name),
            HandleEnv::Snapshot(e) => e.var(name),
        }
    }
}

/// One file: its path as located and, when it exists, its bytes.
struct OwnedFile {
    path: String,
    c_path: CString,
    bytes: Option<Vec<u8>>,
}

impl OwnedFile {
    fn new(file: LoadedFile<'_, Vec<u8>>) -> Result<Self, Error> {
        let c_path = CString::new(file.path)
            .map_err(|_| Error::internal(format!("the path {:?} holds a NUL byte", file.path)))?;
        Ok(OwnedFile {
            path: file.path.to_owned(),
            c_path,
            bytes: file.contents,
        })
    }

    fn text(&self) -> (&str, Option<&[u8]>) {
        (&self.path, self.bytes.as_deref())
    }
}

impl Drop for OwnedFile {
    // The credentials file holds secrets: wipe the handle's copy when it is freed.
    fn drop(&mut self) {
        if let Some(bytes) = &mut self.bytes {
            zeroize::Zeroize::zeroize(bytes);
        }
    }
}

/// The resolved configuration of one program run: the environment, the options and both
/// shared files, loaded when the handle is made. Opaque; made by `credchain_config_new_host` or
/// `credchain_config_new_callbacks`, freed by `credchain_config_free`.
///
/// One thread at a time may use a handle (it records its last error); distinct handles are
/// independent and may be used from different threads at once.
pub struct credchain_config {
    pub(crate) env: HandleEnv,
    pub(crate) options: OwnedOptions,
    config: OwnedFile,
    credentials: OwnedFile,
    profiles: Vec<CString>,
    last_error: RefCell<String>,
    /// The AWS CLI exit status of the last failed call (0: not a failed credential lookup).
    last_exit_status: core::cell::Cell<u8>,
    /// The caller's I/O, for a handle made by `credchain_config_new_callbacks`.
    pub(crate) callbacks: Option<Callbacks>,
    /// The prompt for MFA codes, set by `credchain_config_set_prompt`.
    pub(crate) prompt: Option<PromptCallback>,
}

impl credchain_config {
    /// A handle over loaded files, checked by parsing them once.
    pub(crate) fn new(
        env: HandleEnv,
        options: OwnedOptions,
        loaded: LoadedFiles<'_, Vec<u8>>,
    ) -> Result<Self, Error> {
        let mut handle = credchain_config {
            env,
            options,
            config: OwnedFile::new(loaded.config)?,
            credentials: OwnedFile::new(loaded.credentials)?,
            profiles: Vec::new(),
            last_error: RefCell::new(String::new()),
            last_exit_status: core::cell::Cell::new(0),
            callbacks: None,
            prompt: None,
        };
        let profiles = {
            let files = handle.parse()?;
            files
                .profile_names()
                .map(|n| CString::new(n.to_string()))
                .collect::<Result<Vec<_>, _>>()
                .map_err(|_| Error::internal("a profile name holds a NUL byte"))?
        };
        handle.profiles = profiles;
        Ok(handle)
    }

    /// Both files, parsed.
    pub(crate) fn parse(&self) -> Result<ConfigFiles<'_>, Error> {
        Ok(ConfigFiles::from_texts(
            self.config.text(),
            self.credentials.text(),
            self.options.dialect,
        )?)
    }

    /// Resolves every setting and plans the credential chain once, for the effect on the
    /// environment: a snapshot environment learns which variables the core reads.
    pub(crate) fn resolve_all(&self) {
        let _ = self.evaluate(|eval| {
            for spec in SETTINGS {
                let _ = eval.resolve(spec.setting);
            }
            let _ = credchain_core::chain::plan::plan(eval);
            Ok(())
        });
    }

    /// Runs `f` on an evaluator over the handle's files (parsed), environment and options.
    fn evaluate<T>(
        &self,
        f: impl FnOnce(&Evaluator<'_, '_, HandleEnv>) -> Result<T, Error>,
    ) -> Result<T, Error> {
        let files = self.parse()?;
        let options = self.options.core();
        let eval = Evaluator::new(&files, &self.env, &options)?;
        f(&eval)
    }

    /// The located path of the config file (`FileKind::Config`) or the credentials file.
    pub(crate) fn path_of(&self, kind: credchain_core::FileKind) -> &str {
        match kind {
            credchain_core::FileKind::Config => &self.config.path,
            credchain_core::FileKind::Credentials => &self.credentials.path,
        }
    }

    fn paths(&self) -> Paths<'_> {
        Paths {
            config: &self.config.c_path,
            credentials: &self.credentials.c_path,
        }
    }

    /// Runs `f` on the handle behind the panic boundary, recording the message of a failure.
    pub(crate) fn call(
        cfg: Option<&Self>,
        f: impl FnOnce(&Self) -> Result<(), Error>,
    ) -> credchain_result {
        boundary(|| match cfg {
            None => credchain_result::NullParameter,
            Some(cfg) => run(
                |message, status| {
                    *cfg.last_error.borrow_mut() = message;
                    cfg.last_exit_status.set(status);
                },
                || f(cfg),
            ),
        })
    }
}

/// Runs a `credchain_config_new_*` body: on success writes the new handle to `*out`; on failure
/// records the message for the thread.
pub(crate) fn new_handle(
    out: *mut *mut credchain_config,
    f: impl FnOnce() -> Result<credchain_config, Error>,
) -> credchain_result {
    // SAFETY: every caller (a `credchain_config_new_*` export) guarantees out is NULL or points
    // to a writable `credchain_config *`.
    thread_call(|| unsafe { write_new(out, f) })
}

/// Makes a handle over the process's environment and files: the environment is captured now
/// (later `setenv` calls do not change the handle), the config and credentials files are
/// located from it (`AWS_CONFIG_FILE`, `AWS_SHARED_CREDENTIALS_FILE`, `HOME`...), read and
/// parsed. A missing file is not an error: it reads as empty. A variable credchain reads
/// (`AWS_*`, `HOME`...) set to a value that is not UTF-8 is `CREDCHAIN_RESULT_INVALID_UTF8`
/// naming it, never read as unset; on Unix the variables that name files or directories
/// (`AWS_CONFIG_FILE`, `AWS_SHARED_CREDENTIALS_FILE`, `HOME`, the token files, the login
/// cache) may hold any bytes, as paths may, and name the files they name.
///
/// On success writes the new handle to `*out`; free it with `credchain_config_free`. On
/// failure `*out` is untouched and `credchain_thread_last_error` gives the detailed message
/// (for a parse error: the file, the line and how to fix it).
///
/// # Safety
///
/// `opts` is NULL or points to a valid `credchain_options` (see there); `out` is NULL or
/// points to a writable `credchain_config *`.
#[no_mangle]
pub unsafe extern "C" fn credchain_config_new_host(
    opts: *const credchain_options,
    out: *mut *mut credchain_config,
) -> credchain_result {
    new_handle(out, || {
        // SAFETY: the caller guarantees opts is NULL or valid.
        let options = unsafe { OwnedOptions::read(opts) }?;
        let env = StdEnv::new();
        env.check()
            .map_err(|e| Error::new(credchain_result::InvalidUtf8, e.to_string()))?;
        let paths = locate(&env, Platform::current(), options.dialect)?;
        let loaded = block_on(load(&StdFs, &paths))?;
        credchain_config::new(HandleEnv::Host(env), options, loaded)
    })
}

/// Frees a handle and everything it owns (every `path` a `credchain_source` points to),
/// writing zeros over its copies of the files first (the credentials file holds secrets).
/// NULL is accepted and ignored. The handle must not be used afterwards.
///
/// # Safety
///
/// `cfg` is NULL or a handle from `credchain_config_new_*` not yet freed.
#[no_mangle]
pub unsafe extern "C" fn credchain_config_free(cfg: *mut credchain_config) {
    // SAFETY: the caller guarantees cfg is NULL or a handle from new_handle's write_new, freed
    // once.
    unsafe { free_new(cfg) }
}

/// Resolves the setting named `setting_name` (a name of shared/spec/settings.tsv, such as
/// "region", "output", "max_attempts", "profile") as the AWS CLI v2 does: the option of the
/// options struct, then the environment variables in order, then the key in the active
/// profile (credentials file over config file), then the default.
///
/// On success writes the value (NUL-terminated; a multi-line file value has its lines joined
/// with '\n') to `value_buf`, its length without the NUL to `*value_out_len`, and where it came
/// from to `*source_out`.
///
/// Returns `CREDCHAIN_RESULT_NOT_SET` when nothing sets it and it has no default;
/// `CREDCHAIN_RESULT_UNKNOWN_SETTING` for a name that is not a setting;
/// `CREDCHAIN_RESULT_PROFILE_NOT_FOUND` when the profile named by the options,
/// `AWS_PROFILE` or `AWS_DEFAULT_PROFILE` exists in neither file;
/// `CREDCHAIN_RESULT_INVALID_REGION` for a region that is not a valid host label.
///
/// Two-call pattern: when the value does not fit (pass `value_buf` NULL and `value_len` 0 to
/// ask), returns `CREDCHAIN_RESULT_BUFFER_TOO_SMALL`, leaves `value_buf` and `*source_out`
/// untouched and sets `*value_out_len` to the size needed, NUL included: allocate that many
/// bytes and call again.
///
/// # Safety
///
/// `cfg` is NULL or a live handle; `setting_name` is NULL or NUL-terminated; `value_buf` is NULL
/// with `value_len` 0 or points to `value_len` writable bytes; `value_out_len` and `source_out`
/// are NULL or point to writable objects of their types.
#[no_mangle]
pub unsafe extern "C" fn credchain_config_resolve(
    cfg: *const credchain_config,
    setting_name: *const c_char,
    value_buf: *mut c_char,
    value_len: usize,
    value_out_len: *mut usize,
    source_out: *mut credchain_source,
) -> credchain_result {
    let out = (value_buf, value_len, value_out_len, source_out);
    // SAFETY: the caller guarantees the pointers as documented, which is what `look_up` needs.
    unsafe {
        look_up(cfg, (setting_name, "setting_name"), out, |eval, name| {
            let setting = Setting::from_name(name).ok_or_else(|| unknown_setting(name))?;
            let Some(resolved) = eval.resolve(setting)? else {
                return Err(not_set(setting, eval.active_profile().name));
            };
            Ok((resolved.value.to_string(), resolved.source))
        })
    }
}

/// Reads a profile value as `aws configure get NAME` does: only the files, never the
/// environment or a default. `name` is `key` (in the active profile), `section.key` (a
/// sub-property, such as "s3.max_concurrent_requests"), `profile.NAME.key[.sub]`, or
/// `NAME.key[.sub]` where NAME is a profile. Outputs, two-call pattern and results as
/// `credchain_config_resolve` (the source is always a file).
///
/// # Safety
///
/// As `credchain_config_resolve`, with `name` for `setting_name`.
#[no_mangle]
pub unsafe extern "C" fn credchain_config_get(
    cfg: *const credchain_config,
    name: *const c_char,
    value_buf: *mut c_char,
    value_len: usize,
    value_out_len: *mut usize,
    source_out: *mut credchain_source,
) -> credchain_result {
    let out = (value_buf, value_len, value_out_len, source_out);
    // SAFETY: the caller guarantees the pointers as documented, which is what `look_up` needs.
    unsafe {
        look_up(cfg, (name, "name"), out, |eval, name| {
            let Some(found) = configure_get(eval, name)? else {
                return Err(Error::new(
                    credchain_result::NotSet,
                    format!(
                        "not set: {name} is not set in the files for profile {}",
                        eval.active_profile().name
                    ),
                ));
            };
            Ok((found.value.to_string(), found.source))
        })
    }
}

/// The value outputs of `credchain_config_resolve` and `credchain_config_get`: buffer, length,
/// written length, source.
type ValueOutputs = (*mut c_char, usize, *mut usize, *mut credchain_source);

/// The body of `credchain_config_resolve` and `credchain_config_get`: checks the handle, the
/// name and the outputs, then writes what `find` finds for the name (a value and its source).
///
/// # Safety
///
/// As `credchain_config_resolve`: `cfg` is NULL or a live handle, the name is NULL or
/// NUL-terminated, and the outputs are as documented there.
unsafe fn look_up(
    cfg: *const credchain_config,
    (name, label): (*const c_char, &'static str),
    (buf, len, out_len, source_out): ValueOutputs,
    find: impl for<'e> FnOnce(
        &'e Evaluator<'_, '_, HandleEnv>,
        &str,
    ) -> Result<(String, Source<'e>), Error>,
) -> credchain_result {
    // SAFETY: the caller guarantees cfg is NULL or a live handle.
    credchain_config::call(unsafe { cfg.as_ref() }, |cfg| {
        // SAFETY: the caller guarantees the name is NULL or NUL-terminated.
        let name = unsafe { req_str(name, label) }?;
        let out = ValueOut::check(buf, len, out_len, source_out)?;
        cfg.evaluate(|eval| {
            let (value, source) = find(eval, name)?;
            // SAFETY: the caller guarantees the outputs as documented.
            unsafe { out.write(&value, source, &cfg.paths()) }
        })
    })
}

/// The outputs of `credchain_config_resolve` and `credchain_config_get`: the value, in the
/// two-call pattern, and its source.
struct ValueOut {
    buf: *mut c_char,
    len: usize,
    out_len: *mut usize,
    source_out: *mut credchain_source,
}

impl ValueOut {
    /// Checks the outputs before any work is done.
    fn check(
        buf: *mut c_char,
        len: usize,
        out_len: *mut usize,
        source_out: *mut credchain_source,
    ) -> Result<Self, Error> {
        check_buffer(buf, len, out_len, ("value_buf", "value_out_len"))?;
        if source_out.is_null() {
            return Err(Error::null("source_out"));
        }
        Ok(ValueOut {
            buf,
            len,
            out_len,
            source_out,
        })
    }

    /// Writes `value` and where it came from (file paths point into `paths`); the source only
    /// when the value fits.
    ///
    /// # Safety
    ///
    /// `buf` holds `len` writable bytes (or is NULL with 0), and `out_len` and `source_out`
    /// point to writable objects of their types.
    unsafe fn write(
        &self,
        value: &str,
        source: Source<'_>,
        paths: &Paths<'_>,
    ) -> Result<(), Error> {
        let source = credchain_source::new(source, paths);
        // SAFETY: the caller guarantees the buffer and out_len; value is our own string.
        unsafe { write_str(value, self.buf, self.len, self.out_len, "value_out_len") }?;
        // SAFETY: source_out is not NULL (checked) and the caller guarantees it is writable.
        unsafe { self.source_out.write(source) };
        Ok(())
    }
}

/// Writes the number of profiles (config-file profiles, then those only in the credentials
/// file, each once) to `*count_out`.
///
/// # Safety
///
/// `cfg` is NULL or a live handle; `count_out` is NULL or points to a writable `size_t`.
#[no_mangle]
pub unsafe extern "C" fn credchain_config_profile_count(
    cfg: *const credchain_config,
    count_out: *mut usize,
) -> credchain_result {
    // SAFETY: the caller guarantees cfg is NULL or a live handle.
    credchain_config::call(unsafe { cfg.as_ref() }, |cfg| {
        // SAFETY: the caller guarantees count_out is NULL or writable.
        unsafe { write_out(count_out, "count_out", || Ok(cfg.profiles.len())) }
    })
}

/// Writes the name of profile `index` (0-based, below `credchain_config_profile_count`, in the
/// order of `aws configure list-profiles`) into `buf` as a NUL-terminated string; its length
/// without the NUL goes to `*out_len`. `CREDCHAIN_RESULT_INDEX_OUT_OF_RANGE` past the end.
/// Two-call pattern as `credchain_config_resolve`.
///
/// # Safety
///
/// `cfg` is NULL or a live handle; `buf` is NULL with `len` 0 or points to `len` writable
/// bytes; `out_len` is NULL or points to a writable `size_t`.
#[no_mangle]
pub unsafe extern "C" fn credchain_config_profile_name(
    cfg: *const credchain_config,
    index: usize,
    buf: *mut c_char,
    len: usize,
    out_len: *mut usize,
) -> credchain_result {
    // SAFETY: the caller guarantees cfg is NULL or a live handle.
    credchain_config::call(unsafe { cfg.as_ref() }, |cfg| {
        check_buffer(buf, len, out_len, ("buf", "out_len"))?;
        let count = cfg.profiles.len();
        let name = cfg.profiles.get(index).ok_or_else(|| {
            Error::new(
                credchain_result::IndexOutOfRange,
                format!("index out of range: profile {index} asked for, and there are {count}"),
            )
        })?;
        let name = name
            .to_str()
            .map_err(|_| Error::internal("a profile name is not UTF-8"))?;
        // SAFETY: the caller guarantees buf/len/out_len as documented.
        unsafe { write_str(name, buf, len, out_len, "out_len") }
    })
}

/// Writes the detailed message of the last call on `cfg` that did not return
/// `CREDCHAIN_RESULT_OK` (such as "the config profile (dev) could not be found (named by
/// AWS_PROFILE); profiles that exist: default, prod", or a file:line and its fix), or "" when
/// there was none. This call itself records nothing. Two-call pattern as
/// `credchain_config_resolve`.
///
/// # Safety
///
/// `cfg` is NULL or a live handle; `buf` is NULL with `len` 0 or points to `len` writable
/// bytes; `out_len` is NULL or points to a writable `size_t`.
#[no_mangle]
pub unsafe extern "C" fn credchain_config_last_error(
    cfg: *const credchain_config,
    buf: *mut c_char,
    len: usize,
    out_len: *mut usize,
) -> credchain_result {
    // SAFETY: the caller guarantees cfg is NULL or a live handle.
    let cfg = unsafe { cfg.as_ref() };
    code_only(|| {
        let cfg = cfg.ok_or_else(|| Error::null("cfg"))?;
        let message = cfg.last_error.borrow();
        // SAFETY: the caller guarantees buf/len/out_len as documented.
        unsafe { write_str(&message, buf, len, out_len, "out_len") }
    })
}

/// The exit status the AWS CLI v2's `aws configure export-credentials` ends with for the
/// failure of the last call on `cfg` that did not return `CREDCHAIN_RESULT_OK`, when that call
/// was a credential lookup (`credchain_config_resolve_credentials`), as `credchain
/// export-credentials` exits: 253 a configuration that cannot give credentials or a provider
/// that failed while the chain was built (credential_process, the container endpoint, instance
/// metadata, a console login's file), 254 a service's error answer (STS AccessDenied), 255
/// another failure of a deferred call (no connection, an unreadable answer, an IAM Identity
/// Center or console session that is over, an expiry found on use). 0 when that call was not a credential lookup, when there was none, or for NULL.
///
/// # Safety
///
/// `cfg` is NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn credchain_config_last_exit_status(cfg: *const credchain_config) -> u8 {
    // SAFETY: the caller guarantees cfg is NULL or a live handle.
    let cfg = unsafe { cfg.as_ref() };
    cfg.map_or(0, |cfg| cfg.last_exit_status.get())
}

/// As `credchain_config_last_exit_status`, for the last failed call on the calling thread that
/// records its message for the thread (`credchain_config_new_*`, `credchain_resolver_*`).
#[no_mangle]
pub extern "C" fn credchain_thread_last_exit_status() -> u8 {
    crate::error::thread_exit_status()
}

/// Writes the detailed message of the last `credchain_config_new_*` call on the calling thread
/// that failed (they have no handle to keep it in), or "" when there was none. Each thread has
/// its own. Two-call pattern as `credchain_config_resolve`.
///
/// # Safety
///
/// `buf` is NULL with `len` 0 or points to `len` writable bytes; `out_len` is NULL or points
/// to a writable `size_t`.
#[no_mangle]
pub unsafe extern "C" fn credchain_thread_last_error(
    buf: *mut c_char,
    len: usize,
    out_len: *mut usize,
) -> credchain_result {
    code_only(|| {
        with_thread_error(|message| {
            // SAFETY: the caller guarantees buf/len/out_len as documented.
            unsafe { write_str(message, buf, len, out_len, "out_len") }
        })
    })
}

/// The version of libcredchain, such as "0.1.0": a static NUL-terminated string, never freed.
#[no_mangle]
pub extern "C" fn credchain_version() -> *const c_char {
    const VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), "\0");
    // Nothing here can panic; the boundary is kept so that every export has one.
    std::panic::catch_unwind(|| VERSION.as_ptr().cast::<c_char>()).unwrap_or(c"".as_ptr())
}

fn unknown_setting(name: &str) -> Error {
    let known: Vec<&str> = SETTINGS.iter().map(|s| s.name).collect();
    Error::new(
        credchain_result::UnknownSetting,
        format!(
            "unknown setting: {name:?} is not a setting; the settings are: {}",
            known.join(", ")
        ),
    )
}

fn not_set(setting: Setting, profile: &str) -> Error {
    let spec = setting.spec();
    let mut places: Vec<String> = Vec::new();
    for var in spec.env_vars {
        places.push((*var).to_string());
    }
    if let Some(key) = spec.config_key {
        places.push(format!("the {key} key of profile {profile}"));
    }
    for var in spec.env_after_profile {
        places.push((*var).to_string());
    }
    let name = spec.name;
    let message = if places.is_empty() {
        format!("not set: {name} has no value")
    } else {
        format!(
            "not set: {name} has no value: none of {} is set, and it has no default",
            places.join(", ")
        )
    };
    Error::new(credchain_result::NotSet, message)
}
