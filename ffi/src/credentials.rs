//! Credentials: `credchain_config_resolve_credentials` runs the AWS CLI's credential chain
//! (the core's plan, then its execute) over the handle's I/O, and `credchain_credentials` holds
//! the result for C to copy out.
//!
//! ```text
//!   credchain_config ─▶ parse ─▶ evaluate ─▶ plan ─▶ execute ─▶ credchain_credentials
//!                                                    (host I/O, or the caller's callbacks)
//! ```
//!
//! The handle owns copies of the strings and wipes them (writes zeros) when it is freed. The
//! buffers that carried secrets on the way (a process's output, an HTTP body, a token file) are
//! wiped when dropped too; the core's own transient copies on the stack are not.

use core::ffi::c_char;

use credchain_core::chain::execute::{execute, ExecuteError, Io};
use credchain_core::chain::plan::{plan, BaseStep, CredentialSource, Plan};
use credchain_core::config::evaluate::{Evaluator, Options};
use credchain_core::config::parse::ConfigFiles;
use credchain_core::credentials::Credentials;
use credchain_core::credentials::ProviderKind;
use credchain_core::host::{StdCommand, StdFs, UreqHttp};
use credchain_core::io::{
    block_on, Clock, Command, CommandError, CommandOutput, CommandRequest, Env, Fs, FsError, Http,
    HttpError, HttpRequest, HttpResponse, Prompt,
};
use zeroize::{Zeroize, Zeroizing};

use crate::callbacks::{
    credchain_prompt_callback, Broken, CallbackCommand, CallbackFs, CallbackHttp, CallbackPrompt,
    HandleClock, PromptCallback, ResolveEnv,
};
use crate::config::{credchain_config, HandleEnv};
use crate::error::{
    boundary, check_buffer, code_only, free_new, write_new, write_out, write_str, Error,
};
use crate::result::credchain_result;

/// A credential provider of the AWS CLI's chain, numbered in the chain's order. Each is named
/// after the AWS CLI's own name for it (the TYPE column of `aws configure list`), which
/// `credchain_provider_name` gives as a string. The numbers are stable.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum credchain_provider {
    /// "env": `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and `AWS_SESSION_TOKEN`.
    Env = 1,
    /// "assume-role": `role_arn` with `source_profile` or `credential_source`.
    AssumeRole = 2,
    /// "assume-role-with-web-identity": a web identity token file.
    AssumeRoleWithWebIdentity = 3,
    /// "sso": IAM Identity Center.
    Sso = 4,
    /// "shared-credentials-file": static keys in the credentials file.
    SharedCredentialsFile = 5,
    /// "login": a console login session (`aws login`).
    Login = 6,
    /// "custom-process": `credential_process`.
    CustomProcess = 7,
    /// "config-file": static keys in the config file.
    ConfigFile = 8,
    /// "container-role": the ECS/EKS container endpoint.
    ContainerRole = 9,
    /// "iam-role": EC2 instance metadata.
    IamRole = 10,
}

impl credchain_provider {
    /// Every provider, in the chain's order.
    const ALL: [credchain_provider; 10] = [
        credchain_provider::Env,
        credchain_provider::AssumeRole,
        credchain_provider::AssumeRoleWithWebIdentity,
        credchain_provider::Sso,
        credchain_provider::SharedCredentialsFile,
        credchain_provider::Login,
        credchain_provider::CustomProcess,
        credchain_provider::ConfigFile,
        credchain_provider::ContainerRole,
        credchain_provider::IamRole,
    ];

    fn new(kind: ProviderKind) -> Self {
        match kind {
            ProviderKind::Environment => credchain_provider::Env,
            ProviderKind::AssumeRole => credchain_provider::AssumeRole,
            ProviderKind::WebIdentity => credchain_provider::AssumeRoleWithWebIdentity,
            ProviderKind::Sso => credchain_provider::Sso,
            ProviderKind::SharedCredentialsFile => credchain_provider::SharedCredentialsFile,
            ProviderKind::Login => credchain_provider::Login,
            ProviderKind::CredentialProcess => credchain_provider::CustomProcess,
            ProviderKind::ConfigFile => credchain_provider::ConfigFile,
            ProviderKind::Container => credchain_provider::ContainerRole,
            ProviderKind::InstanceMetadata => credchain_provider::IamRole,
        }
    }

    /// The AWS CLI's name, NUL-terminated.
    fn name(self) -> &'static core::ffi::CStr {
        match self {
            credchain_provider::Env => c"env",
            credchain_provider::AssumeRole => c"assume-role",
            credchain_provider::AssumeRoleWithWebIdentity => c"assume-role-with-web-identity",
            credchain_provider::Sso => c"sso",
            credchain_provider::SharedCredentialsFile => c"shared-credentials-file",
            credchain_provider::Login => c"login",
            credchain_provider::CustomProcess => c"custom-process",
            credchain_provider::ConfigFile => c"config-file",
            credchain_provider::ContainerRole => c"container-role",
            credchain_provider::IamRole => c"iam-role",
        }
    }
}

/// A set of AWS credentials and the provider that gave them. Opaque; made by
/// `credchain_config_resolve_credentials`, freed by `credchain_credentials_free`, which wipes
/// (writes zeros over) the secrets it holds.
///
/// Immutable once made: any number of threads may read one at once; it does not depend on the
/// `credchain_config` that made it, which may be freed first.
#[derive(Clone)]
pub struct credchain_credentials {
    access_key_id: String,
    secret_access_key: String,
    session_token: Option<String>,
    account_id: Option<String>,
    expiration: Option<i64>,
    provider: credchain_provider,
}

impl credchain_credentials {
    /// The expiry, in Unix seconds; `None` for long-term keys.
    pub(crate) fn expires_at(&self) -> Option<i64> {
        self.expiration
    }

    fn new(c: &Credentials) -> Result<Self, Error> {
        let text = |value: &str, field: &str| {
            if value.contains('\0') {
                return Err(Error::new(
                    credchain_result::InvalidCredential,
                    format!(
                        "invalid credential: the {field} from {} holds a NUL byte, which a C \
                         string cannot carry; fix its source",
                        c.provider().describe()
                    ),
                ));
            }
            Ok(String::from(value))
        };
        Ok(credchain_credentials {
            access_key_id: text(c.access_key_id(), "access key id")?,
            secret_access_key: text(c.secret_access_key(), "secret access key")?,
            session_token: c
                .session_token()
                .map(|t| text(t, "session token"))
                .transpose()?,
            account_id: c.account_id().map(|a| text(a, "account id")).transpose()?,
            expiration: c.expiration(),
            provider: credchain_provider::new(c.provider()),
        })
    }
}

impl Drop for credchain_credentials {
    fn drop(&mut self) {
        self.access_key_id.zeroize();
        self.secret_access_key.zeroize();
        if let Some(token) = &mut self.session_token {
            token.zeroize();
        }
        if let Some(account) = &mut self.account_id {
            account.zeroize();
        }
    }
}

/// Files whose contents are wiped when the core drops them (token files, caches).
struct Wiping<T>(T);

/// What a [`Wiping`] host hands the core: bytes wiped when dropped.
type Wiped = Zeroizing<Vec<u8>>;

/// A file read, held so that it is wiped when dropped.
fn wiped(read: Result<Option<Vec<u8>>, FsError>) -> Result<Option<Wiped>, FsError> {
    Ok(read?.map(Zeroizing::new))
}

impl<F: Fs<File = Vec<u8>>> Fs for Wiping<F> {
    type File = Wiped;

    async fn read(&self, path: &str) -> Result<Option<Wiped>, FsError> {
        wiped(self.0.read(path).await)
    }

    async fn read_at_most(&self, path: &str, max_bytes: usize) -> Result<Option<Wiped>, FsError> {
        wiped(self.0.read_at_most(path, max_bytes).await)
    }

    async fn read_token(&self, path: &str, max_bytes: usize) -> Result<Option<Wiped>, FsError> {
        wiped(self.0.read_token(path, max_bytes).await)
    }

    async fn write_private(&self, path: &str, contents: &[u8]) -> Result<(), FsError> {
        self.0.write_private(path, contents).await
    }
}

impl<C: Command<Output = Vec<u8>>> Command for Wiping<C> {
    type Output = Wiped;

    async fn run(
        &self,
        request: &CommandRequest<'_>,
    ) -> Result<CommandOutput<Wiped>, CommandError> {
        let out = self.0.run(request).await?;
        Ok(CommandOutput {
            status: out.status,
            stdout: Zeroizing::new(out.stdout),
            stderr: Zeroizing::new(out.stderr),
        })
    }
}

impl<H: Http<Body = Vec<u8>>> Http for Wiping<H> {
    type Body = Wiped;

    async fn send(&self, request: &HttpRequest<'_>) -> Result<HttpResponse<Wiped>, HttpError> {
        let response = self.0.send(request).await?;
        Ok(HttpResponse {
            status: response.status,
            content_type: response.content_type,
            body: Zeroizing::new(response.body),
        })
    }
}

/// Plans and runs the chain over `io`, turning each failure into its code and message.
fn run_chain<E, F, H, C, P, K>(
    files: &ConfigFiles<'_>,
    env: &E,
    options: &Options<'_>,
    io: &Io<'_, F, H, C, P, K>,
) -> Result<credchain_credentials, Error>
where
    E: Env + ?Sized,
    F: Fs + ?Sized,
    H: Http + ?Sized,
    C: Command + ?Sized,
    P: Prompt + ?Sized,
    K: Clock + ?Sized,
{
    let eval = Evaluator::new(files, env, options)?;
    // A configuration the chain cannot use is the AWS CLI's ConfigurationError.
    let plan = plan(&eval).map_err(|e| {
        Error::from(e).with_exit_status(credchain_core::chain::execute::exit_status::CONFIGURATION)
    })?;
    let credentials = block_on(execute(&eval, &plan, io)).map_err(|e| {
        let status = e.awscli_exit_status();
        execute_error(e, &plan).with_exit_status(status)
    })?;
    credchain_credentials::new(&credentials)
}

/// The error of a failed execute, with what the core's message lacks: for no credentials,
/// every provider tried and why it was passed over.
fn execute_error(e: ExecuteError<'_>, plan: &Plan<'_>) -> Error {
    let profile = plan.profile;
    let tried = || -> String {
        plan.skipped
            .iter()
            .map(|s| format!("{}: {}", s.provider.awscli_name(), s.reason.describe()))
            .collect::<Vec<String>>()
            .join("; ")
    };
    if let ExecuteError::NoneFromMetadata(metadata) = &e {
        return Error::new(
            credchain_result::CredentialsNotFound,
            format!(
                "unable to locate credentials for the profile {profile}; the providers tried, in \
                 the AWS CLI's order: {}; iam-role: {metadata}; configure credentials with `aws \
                 configure`, or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (off EC2, \
                 AWS_EC2_METADATA_DISABLED=true skips the metadata service)",
                tried()
            ),
        );
    }
    let ExecuteError::NoCredentials = e else {
        return Error::from(e);
    };
    let message = match &plan.chain {
        None => format!(
            "unable to locate credentials: no credential provider is configured for the \
             profile {profile}; the providers tried, in the AWS CLI's order: {}; configure \
             credentials with `aws configure`, or set AWS_ACCESS_KEY_ID and \
             AWS_SECRET_ACCESS_KEY",
            tried()
        ),
        Some(chain) => match chain.base {
            BaseStep::Named(CredentialSource::Environment) => format!(
                "unable to locate credentials: profile {} has credential_source = Environment, \
                 but AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not both set; set them, or \
                 change credential_source",
                chain.base_profile.unwrap_or(profile)
            ),
            _ => e.to_string(),
        },
    };
    Error::new(credchain_result::CredentialsNotFound, message)
}

impl credchain_config {
    /// Resolves credentials with the handle's environment and files, and its I/O.
    pub(crate) fn resolve_credentials(&self) -> Result<credchain_credentials, Error> {
        let files = self.parse()?;
        let options = self.options.core();
        let clock = HandleClock(self);
        let broken = Broken::default();
        let prompt = CallbackPrompt::new(self.prompt, &broken);
        let result = match (&self.env, &self.callbacks) {
            (HandleEnv::Host(env), _) => {
                let http = Wiping(UreqHttp::new());
                let io = Io {
                    fs: &Wiping(StdFs),
                    http: &http,
                    command: &Wiping(StdCommand),
                    prompt: &prompt,
                    clock: &clock,
                    platform: credchain_core::config::locate::Platform::current(),
                };
                run_chain(&files, env, &options, &io)
            }
            (HandleEnv::Snapshot(snapshot), Some(cb)) => {
                let env = ResolveEnv::new(snapshot, cb, &broken);
                let fs = Wiping(CallbackFs::new(cb, &broken));
                let command = CallbackCommand::new(cb, &broken);
                let http = CallbackHttp::new(cb, &broken);
                let io = Io {
                    fs: &fs,
                    http: &http,
                    command: &command,
                    prompt: &prompt,
                    clock: &clock,
                    platform: credchain_core::config::locate::Platform::current(),
                };
                run_chain(&files, &env, &options, &io).map_err(|mut e| {
                    if e.code == credchain_result::ProcessNotStarted && !command.supported() {
                        e.message.push_str(
                            " (credchain_callbacks.run_process is NULL: set it to run \
                             credential_process)",
                        );
                    }
                    if http.missing.get() {
                        e.message.push_str(
                            " (credchain_callbacks.http is NULL: set it to reach AWS services)",
                        );
                    }
                    e
                })
            }
            (HandleEnv::Snapshot(_), None) => {
                Err(Error::internal("a callback handle without its callbacks"))
            }
        };
        if let Some(e) = broken.take() {
            return Err(e);
        }
        result.map_err(|mut e| {
            if e.code == credchain_result::MfaCodeUnavailable && self.prompt.is_none() {
                e.message.push_str(
                    " (libcredchain never reads the terminal: give the handle a prompt with \
                     credchain_config_set_prompt)",
                );
            }
            e
        })
    }
}

/// Resolves AWS credentials as the AWS CLI v2 does, for the handle's active profile: the
/// providers in the AWS CLI's order (environment, assume role, web identity, SSO, credentials
/// file, login, credential_process, config file, container, instance metadata), the first one
/// configured answering; role chains followed through `source_profile`.
///
/// Uses the environment the handle captured and the files it loaded. The I/O of the rest:
/// for a handle from `credchain_config_new_host`, the machine's: token and cache files (the
/// assume-role cache in ~/.aws/cli/cache is read and written, shared with the AWS CLI);
/// `credential_process` run without a shell, with the process's current environment, stopped
/// after 60 s; HTTPS to STS with no proxy or redirects. For a handle from
/// `credchain_config_new_callbacks`, the callbacks (see `credchain_callbacks`): variables the
/// snapshot lacks are fetched through `get_env`, other files through `read_file`, caches written
/// through `write_file` (NULL: none is written), processes and HTTP through `run_process` and
/// `http`, each NULL meaning "unsupported". Either way the terminal is never touched: a role with `mfa_serial` asks the
/// prompt set by `credchain_config_set_prompt`, and without one fails with
/// `CREDCHAIN_RESULT_MFA_CODE_UNAVAILABLE` (unless the cache serves).
///
/// On success writes a new `credchain_credentials` to `*out`; free it with
/// `credchain_credentials_free`. On failure `*out` is untouched and the code says why (5xx for
/// the chain, 4xx for a profile that does not exist, ...); `credchain_config_last_error` gives
/// the detailed message: for `CREDCHAIN_RESULT_CREDENTIALS_NOT_FOUND`, every provider tried and
/// why it was passed over; for a failed `credential_process`, the start of its error output. No
/// message ever holds a secret.
///
/// # Safety
///
/// `cfg` is NULL or a live handle; `out` is NULL or points to a writable
/// `credchain_credentials *`.
#[no_mangle]
pub unsafe extern "C" fn credchain_config_resolve_credentials(
    cfg: *const credchain_config,
    out: *mut *mut credchain_credentials,
) -> credchain_result {
    // SAFETY: the caller guarantees cfg is NULL or a live handle.
    credchain_config::call(unsafe { cfg.as_ref() }, |cfg| {
        // SAFETY: the caller guarantees out is NULL or points to a writable
        // `credchain_credentials *`.
        unsafe { write_new(out, || cfg.resolve_credentials()) }
    })
}

/// Sets the prompt that asks the person for an MFA code when a role with `mfa_serial` needs one
/// (see `credchain_prompt_callback`), with the `userdata` passed to it; NULL clears it. Without
/// one, such a role fails with `CREDCHAIN_RESULT_MFA_CODE_UNAVAILABLE`: libcredchain never reads
/// the terminal itself. Works on both kinds of handle.
///
/// The callback and `userdata` must stay valid while `credchain_config_resolve_credentials` may
/// run on the handle; it is called on that call's thread.
///
/// # Safety
///
/// `cfg` is NULL or a live handle not in use by another thread; `prompt` is NULL or follows the
/// contract of `credchain_prompt_callback`.
#[no_mangle]
pub unsafe extern "C" fn credchain_config_set_prompt(
    cfg: *mut credchain_config,
    prompt: credchain_prompt_callback,
    userdata: *mut core::ffi::c_void,
) -> credchain_result {
    boundary(|| {
        // SAFETY: the caller guarantees cfg is NULL or a live handle that no other thread uses.
        let Some(cfg) = (unsafe { cfg.as_mut() }) else {
            return credchain_result::NullParameter;
        };
        cfg.prompt = prompt.map(|ask| PromptCallback { ask, userdata });
        credchain_result::Ok
    })
}

/// Frees credentials, first writing zeros over every secret they hold. NULL is accepted and
/// ignored. The handle must not be used afterwards.
///
/// # Safety
///
/// `creds` is NULL or a handle from `credchain_config_resolve_credentials` not yet freed.
#[no_mangle]
pub unsafe extern "C" fn credchain_credentials_free(creds: *mut credchain_credentials) {
    // SAFETY: the caller guarantees creds is NULL or a handle from write_new (in
    // credchain_config_resolve_credentials or credchain_resolver_credentials), freed once.
    unsafe { free_new(creds) }
}

/// Runs an accessor behind the panic boundary. The accessors keep no detailed message: their
/// codes say everything (NULL_PARAMETER, BUFFER_TOO_SMALL, NOT_SET).
fn access(
    creds: *const credchain_credentials,
    f: impl FnOnce(&credchain_credentials) -> Result<(), Error>,
) -> credchain_result {
    code_only(|| {
        // SAFETY: every accessor's caller guarantees creds is NULL or a live handle.
        let creds = unsafe { creds.as_ref() }.ok_or_else(|| Error::null("creds"))?;
        f(creds)
    })
}

/// The body of a string accessor: writes the string `get` picks with the two-call pattern;
/// `None` is NOT_SET.
///
/// # Safety
///
/// As `credchain_credentials_access_key_id`.
unsafe fn string_field(
    creds: *const credchain_credentials,
    buf: *mut c_char,
    len: usize,
    out_len: *mut usize,
    get: impl FnOnce(&credchain_credentials) -> Option<&str>,
) -> credchain_result {
    access(creds, |c| {
        check_buffer(buf, len, out_len, ("buf", "out_len"))?;
        let value = get(c).ok_or_else(|| Error::new(credchain_result::NotSet, String::new()))?;
        // SAFETY: the caller guarantees buf/len/out_len as write_str needs them.
        unsafe { write_str(value, buf, len, out_len, "out_len") }
    })
}

/// Writes the access key id (such as "AKIAIOSFODNN7EXAMPLE") into `buf`, NUL-terminated, and
/// its length without the NUL to `*out_len`. Two-call pattern: when it does not fit (pass `buf`
/// NULL and `len` 0 to ask), returns `CREDCHAIN_RESULT_BUFFER_TOO_SMALL`, leaves `buf` untouched
/// and sets `*out_len` to the size needed, NUL included.
///
/// Thread-safe on a live handle.
///
/// # Safety
///
/// `creds` is NULL or a live handle; `buf` is NULL with `len` 0 or points to `len` writable
/// bytes; `out_len` is NULL or points to a writable `size_t`.
#[no_mangle]
pub unsafe extern "C" fn credchain_credentials_access_key_id(
    creds: *const credchain_credentials,
    buf: *mut c_char,
    len: usize,
    out_len: *mut usize,
) -> credchain_result {
    // SAFETY: the caller guarantees the arguments as documented.
    unsafe { string_field(creds, buf, len, out_len, |c| Some(&c.access_key_id)) }
}

/// Writes the secret access key, as `credchain_credentials_access_key_id` does. A secret:
/// wipe the buffer (write zeros over it) when done with it, and never log it.
///
/// # Safety
///
/// As `credchain_credentials_access_key_id`.
#[no_mangle]
pub unsafe extern "C" fn credchain_credentials_secret_access_key(
    creds: *const credchain_credentials,
    buf: *mut c_char,
    len: usize,
    out_len: *mut usize,
) -> credchain_result {
    // SAFETY: the caller guarantees the arguments as documented.
    unsafe { string_field(creds, buf, len, out_len, |c| Some(&c.secret_access_key)) }
}

/// Writes the session token of temporary credentials, as `credchain_credentials_access_key_id`
/// does; returns `CREDCHAIN_RESULT_NOT_SET` (outputs untouched) for long-term keys, which have
/// none. A secret, often over 1,000 bytes: use the two-call pattern, wipe the buffer when done
/// with it, and never log it.
///
/// # Safety
///
/// As `credchain_credentials_access_key_id`.
#[no_mangle]
pub unsafe extern "C" fn credchain_credentials_session_token(
    creds: *const credchain_credentials,
    buf: *mut c_char,
    len: usize,
    out_len: *mut usize,
) -> credchain_result {
    // SAFETY: the caller guarantees the arguments as documented.
    unsafe { string_field(creds, buf, len, out_len, |c| c.session_token.as_deref()) }
}

/// Writes the AWS account id the credentials belong to (`AWS_ACCOUNT_ID`, `aws_account_id`,
/// or the `AccountId` of a `credential_process`), as `credchain_credentials_access_key_id`
/// does; returns `CREDCHAIN_RESULT_NOT_SET` when it is not known.
///
/// # Safety
///
/// As `credchain_credentials_access_key_id`.
#[no_mangle]
pub unsafe extern "C" fn credchain_credentials_account_id(
    creds: *const credchain_credentials,
    buf: *mut c_char,
    len: usize,
    out_len: *mut usize,
) -> credchain_result {
    // SAFETY: the caller guarantees the arguments as documented.
    unsafe { string_field(creds, buf, len, out_len, |c| c.account_id.as_deref()) }
}

/// Writes when the credentials expire, in seconds since the Unix epoch (UTC), to
/// `*unix_seconds_out`; returns `CREDCHAIN_RESULT_NOT_SET` (output untouched) when they do not
/// expire (long-term keys).
///
/// # Safety
///
/// `creds` is NULL or a live handle; `unix_seconds_out` is NULL or points to a writable
/// `int64_t`.
#[no_mangle]
pub unsafe extern "C" fn credchain_credentials_expiration(
    creds: *const credchain_credentials,
    unix_seconds_out: *mut i64,
) -> credchain_result {
    access(creds, |c| {
        let not_set = || Error::new(credchain_result::NotSet, String::new());
        // SAFETY: the caller guarantees unix_seconds_out is NULL or writable.
        unsafe {
            write_out(unix_seconds_out, "unix_seconds_out", || {
                c.expiration.ok_or_else(not_set)
            })
        }
    })
}

/// Writes the provider that gave the credentials to `*provider_out`: for a role, the role's
/// provider (`CREDCHAIN_PROVIDER_ASSUME_ROLE`), not its source's.
///
/// # Safety
///
/// `creds` is NULL or a live handle; `provider_out` is NULL or points to a writable
/// `credchain_provider`.
#[no_mangle]
pub unsafe extern "C" fn credchain_credentials_provider(
    creds: *const credchain_credentials,
    provider_out: *mut credchain_provider,
) -> credchain_result {
    access(creds, |c| {
        // SAFETY: the caller guarantees provider_out is NULL or writable.
        unsafe { write_out(provider_out, "provider_out", || Ok(c.provider)) }
    })
}

/// The AWS CLI's name for `provider` (a `credchain_provider` value), such as "env",
/// "shared-credentials-file" or "custom-process": a static NUL-terminated string, valid for the
/// life of the process, never freed. NULL for a number that is no `credchain_provider`.
///
/// Thread-safe: it reads no state.
#[no_mangle]
pub extern "C" fn credchain_provider_name(provider: u32) -> *const c_char {
    std::panic::catch_unwind(|| {
        credchain_provider::ALL
            .iter()
            .find(|p| **p as u32 == provider)
            .map_or(core::ptr::null(), |p| p.name().as_ptr())
    })
    .unwrap_or(core::ptr::null())
}

#[cfg(test)]
mod tests {
    use super::*;
    use credchain_core::chain::execute::ProcessFailure;
    use credchain_core::io::CommandErrorKind;

    #[test]
    fn provider_names_are_the_awscli_names_in_chain_order() {
        for (i, kind) in ProviderKind::ALL.into_iter().enumerate() {
            let p = credchain_provider::new(kind);
            assert_eq!(p as usize, i + 1, "{kind:?}");
            assert_eq!(p, credchain_provider::ALL[i]);
            assert_eq!(p.name().to_str().unwrap(), kind.awscli_name());
            let c = credchain_provider_name(p as u32);
            // SAFETY: a non-NULL result is a static NUL-terminated string.
            assert_eq!(unsafe { core::ffi::CStr::from_ptr(c) }, p.name());
        }
        assert!(credchain_provider_name(0).is_null());
        assert!(credchain_provider_name(11).is_null());
    }

    #[test]
    fn accessors_copy_and_report_not_set() {
        let core = Credentials::new(
            ProviderKind::SharedCredentialsFile,
            "AKID",
            "secret",
            None,
            None,
            None,
        )
        .unwrap();
        let creds = credchain_credentials::new(&core).unwrap();
        let mut buf = [0 as c_char; 8];
        let mut n = 0usize;
        // SAFETY: buf holds 8 writable bytes; n is writable.
        let r =
            unsafe { credchain_credentials_secret_access_key(&creds, buf.as_mut_ptr(), 8, &mut n) };
        assert_eq!((r, n), (credchain_result::Ok, 6));
        // SAFETY: as above.
        let r = unsafe { credchain_credentials_session_token(&creds, buf.as_mut_ptr(), 8, &mut n) };
        assert_eq!(r, credchain_result::NotSet);
        let mut t = 7i64;
        // SAFETY: t is writable.
        let r = unsafe { credchain_credentials_expiration(&creds, &mut t) };
        assert_eq!((r, t), (credchain_result::NotSet, 7));
        // SAFETY: a NULL handle is refused.
        let r = unsafe { credchain_credentials_expiration(core::ptr::null(), &mut t) };
        assert_eq!(r, credchain_result::NullParameter);
    }

    #[test]
    fn a_nul_byte_is_refused_without_showing_the_value() {
        let core = Credentials::new(
            ProviderKind::CredentialProcess,
            "AKID",
            "hid\0den",
            None,
            None,
            None,
        )
        .unwrap();
        let e = credchain_credentials::new(&core).err().unwrap();
        assert_eq!(e.code, credchain_result::InvalidCredential);
        assert!(!e.message.contains("hid"), "{}", e.message);
    }

    #[test]
    fn no_credentials_lists_every_provider_tried() {
        let files =
            ConfigFiles::from_texts(("/c", None), ("/k", None), Default::default()).unwrap();
        let env: &[(&str, &str)] = &[("AWS_EC2_METADATA_DISABLED", "true")];
        let options = Options::default();
        let eval = Evaluator::new(&files, env, &options).unwrap();
        let plan = plan(&eval).unwrap();
        assert!(plan.chain.is_none());
        let e = execute_error(ExecuteError::NoCredentials, &plan);
        assert_eq!(e.code, credchain_result::CredentialsNotFound);
        for p in ProviderKind::ALL {
            assert!(e.message.contains(p.awscli_name()), "{p:?}: {}", e.message);
        }
        assert!(
            e.message.contains("AWS_EC2_METADATA_DISABLED is true"),
            "{}",
            e.message
        );
    }

    #[test]
    fn process_failures_keep_their_codes() {
        let e = Error::from(ExecuteError::Process {
            profile: "p",
            command: credchain_core::Sourced {
                value: "x",
                source: credchain_core::Source::Default,
            },
            failure: ProcessFailure::Run(CommandError::new(CommandErrorKind::Timeout)).into(),
        });
        assert_eq!(e.code, credchain_result::ProcessTimeout);
    }
}
