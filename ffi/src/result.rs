//! The result codes every function returns, and their messages.

use core::ffi::c_char;

use crate::error::{code_only, write_str};

/// What a call did. Every function that can fail returns one.
///
/// The numbers are stable across releases and grouped by the layer that reports them:
/// 0 success; 1-99 statuses that are not failures; 1xx bad arguments or callback results;
/// 2xx locating and reading the files; 3xx parsing them (30x the file as a whole, 31x the
/// AWS CLI's grammar, 32x the SDKs' grammar); 4xx evaluating settings; 5xx resolving
/// credentials (500 none found, 51x a configuration that cannot give credentials, 53x
/// `credential_process`, 54x the credentials themselves, 55x credential services such as STS,
/// 56x what this build cannot do); 6xx writing the files; 9xx bugs in credchain.
/// New codes may be added within a group; existing ones never change their number.
///
/// `credchain_result_message` writes the generic message of a code; the detailed message of the
/// last failure (naming the file, line, profile or variable, and what to do next) is kept by the
/// handle (`credchain_config_last_error`) or, for a handle that could not be created, by the
/// calling thread (`credchain_thread_last_error`).
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum credchain_result {
    /// Success. Outputs are written only when a function returns this.
    Ok = 0,
    /// Not a failure: nothing sets the setting (no option, variable, profile key or default).
    NotSet = 1,

    /// A required pointer argument is NULL.
    NullParameter = 100,
    /// A string argument is not valid UTF-8, or (for `credchain_config_new_host`) an
    /// environment variable credchain reads is set to a value that is not UTF-8.
    InvalidUtf8 = 101,
    /// The output buffer is too small; the length output holds the size needed (with the NUL).
    BufferTooSmall = 102,
    /// The setting name is not one credchain knows.
    UnknownSetting = 103,
    /// `credchain_options.dialect` is not a `CREDCHAIN_DIALECT_*` value.
    InvalidDialect = 104,
    /// The index is not below the count.
    IndexOutOfRange = 105,
    /// A callback broke its contract (an unknown status, a value holding a NUL byte, ...).
    InvalidCallbackResult = 106,
    /// `credchain_callbacks.struct_size` is smaller than the fields every version has.
    InvalidStructSize = 107,

    /// Reserved (no longer returned): a missing home directory now means the default files
    /// are absent, as in the AWS CLI.
    NoHomeDirectory = 200,
    /// A located file path is longer than credchain accepts.
    PathTooLong = 201,
    /// A file exists but the process may not read it.
    FilePermissionDenied = 210,
    /// A path names a directory or another non-file where a file is needed. The config and
    /// credentials files never give it: a path there that is not a regular file (`/dev/null`,
    /// a directory) reads as no file, as the AWS CLI reads it.
    FileNotAFile = 211,
    /// A file is larger than `CREDCHAIN_MAX_FILE_BYTES`.
    FileTooLarge = 212,
    /// A file could not be read for another reason.
    FileReadFailed = 213,

    /// A file is not UTF-8 text.
    ParseNotUtf8 = 300,
    /// A file holds NUL bytes: it is not a text file.
    ParseNotText = 301,
    /// A file starts with a UTF-8 byte-order mark, which the AWS CLI cannot read.
    ParseByteOrderMark = 302,
    /// A file is too large to index.
    ParseFileTooLarge = 303,
    /// A fixed capacity of the parser was exceeded.
    ParseCapacityExceeded = 304,
    /// AWS CLI: a line comes before the first section header.
    ParseMissingSectionHeader = 310,
    /// AWS CLI: a section header repeats an earlier one in the same file.
    ParseDuplicateSection = 311,
    /// AWS CLI: a key repeats an earlier key of the same section.
    ParseDuplicateKey = 312,
    /// AWS CLI: a line is no section, property, comment or continuation.
    ParseNotAProperty = 313,
    /// AWS CLI: a property has no name before its `=`.
    ParseEmptyKey = 314,
    /// AWS CLI: a line of a nested value has no `=`.
    ParseNestedWithoutEquals = 315,
    /// SDK: a section header lacks its closing `]`.
    ParseUnterminatedSection = 320,
    /// SDK: a property comes before the first section header.
    ParseOutsideProfile = 321,
    /// SDK: an indented line directly under a section header.
    ParseContinuationOutsideProperty = 322,
    /// SDK: a property line without `=`.
    ParseExpectedEquals = 323,
    /// SDK: a property with nothing before its `=`.
    ParseEmptyPropertyName = 324,
    /// SDK: a sub-property line without `=`.
    ParseSubPropertyWithoutEquals = 325,
    /// SDK: a sub-property with nothing before its `=`.
    ParseEmptySubPropertyName = 326,

    /// The profile named by the options or the environment exists in neither file.
    ProfileNotFound = 400,
    /// The region is not a valid host label.
    InvalidRegion = 401,

    /// No credential provider is configured for the profile: the AWS CLI's "Unable to locate
    /// credentials". The detailed message names every provider tried and why it was passed over.
    CredentialsNotFound = 500,
    /// `source_profile` names a profile that exists in neither file.
    SourceProfileNotFound = 510,
    /// The chain of `source_profile` settings loops back on itself.
    SourceProfileCycle = 511,
    /// `role_arn` with neither `source_profile` nor `credential_source`.
    RoleWithoutSource = 512,
    /// Both `source_profile` and `credential_source` in one profile.
    ConflictingRoleSources = 513,
    /// `credential_source` is not Environment, Ec2InstanceMetadata or EcsContainer.
    UnknownCredentialSource = 514,
    /// An access key id without its secret access key, or the reverse.
    PartialCredentials = 515,
    /// A profile named by `source_profile` yields no credentials.
    SourceProfileWithoutCredentials = 516,
    /// A web identity token file is configured without a role ARN.
    WebIdentityWithoutRole = 517,
    /// An IAM Identity Center (SSO) profile is incomplete, inconsistent with its
    /// `[sso-session]`, or names a session that does not exist.
    InvalidSsoConfig = 518,
    /// A setting the credential chain needs spans several lines.
    MultiLineCredentialValue = 519,
    /// The role chain is longer than credchain follows.
    RoleChainTooLong = 520,
    /// A service endpoint cannot be resolved from the configuration: an invalid or too long
    /// endpoint URL, a `services` key naming a missing section, no region for a regional
    /// service, or FIPS or dual-stack endpoints asked for without a URL.
    InvalidEndpoint = 521,
    /// The web identity token file does not exist or cannot be read.
    TokenFileUnreadable = 522,
    /// Reserved: returned by credchain 0.1 for a `duration_seconds` that is not a whole number;
    /// such a value is now ignored, as the AWS CLI ignores it, so no call returns it.
    InvalidDuration = 523,
    /// `retry_mode` is not `standard` or `adaptive`, or `max_attempts` is not a whole number of
    /// 1 or more.
    InvalidRetryConfig = 524,
    /// `credential_process` could not be started: an empty or unclosed command, the program
    /// not found or not executable, or a host that cannot run processes.
    ProcessNotStarted = 530,
    /// `credential_process` exited with a failure status or was ended by a signal; the
    /// detailed message holds the start of its error output.
    ProcessFailed = 531,
    /// `credential_process` did not finish in time and was stopped.
    ProcessTimeout = 532,
    /// `credential_process` printed something other than Version 1 credentials JSON (or too
    /// much of it).
    ProcessBadOutput = 533,
    /// The credentials had already expired when they arrived.
    CredentialsExpired = 540,
    /// An expiry that is not an ISO 8601 time.
    InvalidExpiration = 541,
    /// A credential is longer than credchain keeps, or holds a NUL byte.
    InvalidCredential = 542,
    /// A credential service (STS, the container endpoint, instance metadata, the IAM Identity
    /// Center portal, SSO-OIDC, AWS Sign-In) answered with an error, such as AccessDenied or
    /// ExpiredToken; the detailed message holds its code and message.
    ServiceError = 550,
    /// No answer from a credential service: a timeout, no connection (refused, DNS, TLS), an
    /// answer over the size limit, or a host without HTTP.
    ServiceUnreachable = 551,
    /// A credential service's answer cannot be read (empty, not XML or JSON, malformed, or not
    /// the operation's answer): often a proxy or a wrong endpoint URL.
    ServiceBadResponse = 552,
    /// A credential service request could not be made (too long, or not signable).
    ServiceRequestNotSent = 553,
    /// Reserved: returned by credchain 0.1 for providers it did not run yet; every provider of
    /// the AWS CLI's chain now runs, so no call returns it.
    UnsupportedProvider = 560,
    /// A role needs an MFA code and none could be read: no prompt is set
    /// (`credchain_config_set_prompt`) or the person gave none.
    MfaCodeUnavailable = 561,
    /// The container endpoint cannot be used: a host plain http may not reach, a URL that
    /// cannot be parsed, or an authorization token file that cannot be read.
    InvalidContainerEndpoint = 562,
    /// An EC2 instance metadata setting (endpoint, endpoint mode, timeout, attempts) is not valid.
    InvalidInstanceMetadataConfig = 563,
    /// The IAM Identity Center token is missing, expired or cannot be refreshed: the person has
    /// to log in again (`aws sso login`).
    SsoLoginRequired = 564,
    /// The console login session is missing, expired or cannot be refreshed: the person has to
    /// log in again (`aws login`).
    LoginRequired = 565,

    /// An edit the writer refuses: a section name, key or value holding a line break.
    InvalidEdit = 600,
    /// The process may not write the file or its directory.
    FileWritePermissionDenied = 610,
    /// The file could not be written for another reason (a full disk, a read-only file
    /// system); the old file is as it was.
    FileWriteFailed = 611,
    /// Another program changed the file each time credchain edited it, or another credchain
    /// process kept it locked; nothing was written.
    FileKeptChanging = 612,
    /// The handle cannot write files: a `credchain_config_new_callbacks` handle whose
    /// `write_file` is NULL.
    WriteUnsupported = 613,

    /// credchain panicked (a bug); the call had no effect on its outputs.
    Panic = 900,
    /// credchain reached a state it believed impossible (a bug).
    Internal = 901,
}

/// Every code, in numeric order.
pub(crate) const ALL_RESULTS: &[credchain_result] = &[
    credchain_result::Ok,
    credchain_result::NotSet,
    credchain_result::NullParameter,
    credchain_result::InvalidUtf8,
    credchain_result::BufferTooSmall,
    credchain_result::UnknownSetting,
    credchain_result::InvalidDialect,
    credchain_result::IndexOutOfRange,
    credchain_result::InvalidCallbackResult,
    credchain_result::InvalidStructSize,
    credchain_result::NoHomeDirectory,
    credchain_result::PathTooLong,
    credchain_result::FilePermissionDenied,
    credchain_result::FileNotAFile,
    credchain_result::FileTooLarge,
    credchain_result::FileReadFailed,
    credchain_result::ParseNotUtf8,
    credchain_result::ParseNotText,
    credchain_result::ParseByteOrderMark,
    credchain_result::ParseFileTooLarge,
    credchain_result::ParseCapacityExceeded,
    credchain_result::ParseMissingSectionHeader,
    credchain_result::ParseDuplicateSection,
    credchain_result::ParseDuplicateKey,
    credchain_result::ParseNotAProperty,
    credchain_result::ParseEmptyKey,
    credchain_result::ParseNestedWithoutEquals,
    credchain_result::ParseUnterminatedSection,
    credchain_result::ParseOutsideProfile,
    credchain_result::ParseContinuationOutsideProperty,
    credchain_result::ParseExpectedEquals,
    credchain_result::ParseEmptyPropertyName,
    credchain_result::ParseSubPropertyWithoutEquals,
    credchain_result::ParseEmptySubPropertyName,
    credchain_result::ProfileNotFound,
    credchain_result::InvalidRegion,
    credchain_result::CredentialsNotFound,
    credchain_result::SourceProfileNotFound,
    credchain_result::SourceProfileCycle,
    credchain_result::RoleWithoutSource,
    credchain_result::ConflictingRoleSources,
    credchain_result::UnknownCredentialSource,
    credchain_result::PartialCredentials,
    credchain_result::SourceProfileWithoutCredentials,
    credchain_result::WebIdentityWithoutRole,
    credchain_result::InvalidSsoConfig,
    credchain_result::MultiLineCredentialValue,
    credchain_result::RoleChainTooLong,
    credchain_result::InvalidEndpoint,
    credchain_result::TokenFileUnreadable,
    credchain_result::InvalidDuration,
    credchain_result::InvalidRetryConfig,
    credchain_result::ProcessNotStarted,
    credchain_result::ProcessFailed,
    credchain_result::ProcessTimeout,
    credchain_result::ProcessBadOutput,
    credchain_result::CredentialsExpired,
    credchain_result::InvalidExpiration,
    credchain_result::InvalidCredential,
    credchain_result::ServiceError,
    credchain_result::ServiceUnreachable,
    credchain_result::ServiceBadResponse,
    credchain_result::ServiceRequestNotSent,
    credchain_result::UnsupportedProvider,
    credchain_result::MfaCodeUnavailable,
    credchain_result::InvalidContainerEndpoint,
    credchain_result::InvalidInstanceMetadataConfig,
    credchain_result::SsoLoginRequired,
    credchain_result::LoginRequired,
    credchain_result::InvalidEdit,
    credchain_result::FileWritePermissionDenied,
    credchain_result::FileWriteFailed,
    credchain_result::FileKeptChanging,
    credchain_result::WriteUnsupported,
    credchain_result::Panic,
    credchain_result::Internal,
];

impl credchain_result {
    /// The code with the number `n`.
    #[must_use]
    pub fn from_u32(n: u32) -> Option<Self> {
        ALL_RESULTS.iter().copied().find(|r| *r as u32 == n)
    }

    /// The generic message of the code: "what: what to do".
    #[must_use]
    pub fn message(self) -> &'static str {
        use credchain_result as R;
        match self {
            R::Ok => "ok",
            R::NotSet => "not set: nothing gives the setting a value (not an error)",
            R::NullParameter => "null parameter: a required pointer argument is NULL",
            R::InvalidUtf8 => {
                "invalid UTF-8: a string argument, or an environment variable credchain reads, is \
                 not valid UTF-8"
            }
            R::BufferTooSmall => {
                "buffer too small: call again with a buffer of the size written to the length output"
            }
            R::UnknownSetting => {
                "unknown setting: use a setting name such as region, output or max_attempts"
            }
            R::InvalidDialect => {
                "invalid dialect: use CREDCHAIN_DIALECT_AWSCLI or CREDCHAIN_DIALECT_SDK"
            }
            R::IndexOutOfRange => "index out of range: pass an index below the count",
            R::InvalidCallbackResult => {
                "invalid callback result: a callback broke the contract documented in credchain.h"
            }
            R::InvalidStructSize => {
                "invalid struct size: set callbacks.struct_size to sizeof(credchain_callbacks)"
            }
            R::NoHomeDirectory => {
                "no home directory: set HOME, or set AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE"
            }
            R::PathTooLong => "path too long: a file path is longer than credchain accepts",
            R::FilePermissionDenied => {
                "permission denied: a file exists but cannot be read; check its owner and mode"
            }
            R::FileNotAFile => "not a file: a path names a directory or another non-file",
            R::FileTooLarge => "file too large: a file is larger than CREDCHAIN_MAX_FILE_BYTES",
            R::FileReadFailed => "read failed: a file could not be read",
            R::ParseNotUtf8 => "not UTF-8: a file is not UTF-8 text; save it as UTF-8",
            R::ParseNotText => "not text: a file holds NUL bytes; save it as UTF-8 text",
            R::ParseByteOrderMark => {
                "byte-order mark: a file starts with a BOM; save it as UTF-8 without a BOM"
            }
            R::ParseFileTooLarge => "file too large to parse: split or shrink the file",
            R::ParseCapacityExceeded => "capacity exceeded: a fixed capacity of the parser was exceeded",
            R::ParseMissingSectionHeader => {
                "missing section header: a line comes before the first [section] header"
            }
            R::ParseDuplicateSection => {
                "duplicate section: a section header repeats one above it; merge the two"
            }
            R::ParseDuplicateKey => "duplicate key: a key repeats one above it; keep one of the two",
            R::ParseNotAProperty => {
                "not a property: a line is no [section], `key = value`, comment or continuation"
            }
            R::ParseEmptyKey => "empty key: a property has no name before its `=`",
            R::ParseNestedWithoutEquals => "nested setting without `=`: write it as `name = value`",
            R::ParseUnterminatedSection => "unterminated section: close the header with `]`",
            R::ParseOutsideProfile => {
                "property outside a profile: put it under a [profile NAME] or [default] header"
            }
            R::ParseContinuationOutsideProperty => {
                "continuation outside a property: remove the indentation"
            }
            R::ParseExpectedEquals => "expected `=`: write the property as `key = value`",
            R::ParseEmptyPropertyName => "empty property name: write a name before the `=`",
            R::ParseSubPropertyWithoutEquals => {
                "sub-property without `=`: write it as `name = value`"
            }
            R::ParseEmptySubPropertyName => "empty sub-property name: write a name before the `=`",
            R::ProfileNotFound => {
                "profile not found: the profile named by the options or the environment does not exist"
            }
            R::InvalidRegion => {
                "invalid region: a region is letters, digits and hyphens, such as us-east-1"
            }
            R::CredentialsNotFound => {
                "unable to locate credentials: no provider is configured; configure credentials \
                 with `aws configure` or the AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY variables"
            }
            R::SourceProfileNotFound => {
                "source profile not found: source_profile names a profile that does not exist"
            }
            R::SourceProfileCycle => {
                "source profile cycle: the source_profile settings form a loop; break it"
            }
            R::RoleWithoutSource => {
                "role without source: role_arn needs source_profile or credential_source"
            }
            R::ConflictingRoleSources => {
                "conflicting role sources: keep only one of source_profile and credential_source"
            }
            R::UnknownCredentialSource => {
                "unknown credential_source: use Environment, Ec2InstanceMetadata or EcsContainer"
            }
            R::PartialCredentials => {
                "partial credentials: set both the access key id and the secret access key"
            }
            R::SourceProfileWithoutCredentials => {
                "source profile without credentials: give the source profile credentials"
            }
            R::WebIdentityWithoutRole => {
                "web identity without role: set role_arn or AWS_ROLE_ARN with the token file"
            }
            R::InvalidSsoConfig => {
                "invalid SSO configuration: complete the sso_* settings or the sso-session"
            }
            R::MultiLineCredentialValue => {
                "multi-line value: a setting of the credential chain spans several lines"
            }
            R::RoleChainTooLong => "role chain too long: shorten the chain of source_profile",
            R::InvalidEndpoint => {
                "invalid endpoint: the service endpoint cannot be resolved; check endpoint_url, \
                 services and region"
            }
            R::TokenFileUnreadable => {
                "token file unreadable: the web identity token file is missing or unreadable"
            }
            R::InvalidDuration => {
                "invalid duration (reserved): no call returns it; a duration_seconds that is not \
                 a whole number is ignored, as the AWS CLI ignores it"
            }
            R::InvalidRetryConfig => {
                "invalid retry setting: retry_mode must be standard or adaptive, max_attempts 1 or \
                 more"
            }
            R::ProcessNotStarted => {
                "credential_process not started: check the command, its path and its permissions"
            }
            R::ProcessFailed => {
                "credential_process failed: it exited with a failure status; see its error output"
            }
            R::ProcessTimeout => "credential_process timed out: it did not finish in time",
            R::ProcessBadOutput => {
                "credential_process bad output: it must print Version 1 credentials JSON"
            }
            R::CredentialsExpired => {
                "credentials expired: they expired before they arrived; renew them at their source"
            }
            R::InvalidExpiration => {
                "invalid expiration: an expiry is not an ISO 8601 time such as 2030-01-02T03:04:05Z"
            }
            R::InvalidCredential => {
                "invalid credential: a credential is too long or holds a NUL byte"
            }
            R::ServiceError => {
                "service error: a credential service answered with an error; see its code"
            }
            R::ServiceUnreachable => {
                "service unreachable: no answer from the credential service; check the network"
            }
            R::ServiceBadResponse => {
                "bad service response: not the credential service's answer; check the endpoint"
            }
            R::ServiceRequestNotSent => {
                "request not sent: the credential service request could not be made"
            }
            R::UnsupportedProvider => {
                "unsupported provider: this credchain cannot use the profile's credential provider"
            }
            R::MfaCodeUnavailable => {
                "MFA code unavailable: a role needs one; set a prompt: credchain_config_set_prompt"
            }
            R::InvalidContainerEndpoint => {
                "invalid container endpoint: check AWS_CONTAINER_CREDENTIALS_FULL_URI and the token"
            }
            R::InvalidInstanceMetadataConfig => {
                "invalid instance metadata setting: check the ec2_metadata_* and metadata_service_* settings"
            }
            R::SsoLoginRequired => "SSO login required: run `aws sso login` for the profile",
            R::LoginRequired => "login required: run `aws login` for the profile",
            R::InvalidEdit => {
                "invalid edit: a section name, key or value holds a line break; remove it"
            }
            R::FileWritePermissionDenied => {
                "permission denied: check the owner and mode of the file and its directory"
            }
            R::FileWriteFailed => "write failed: the file is unchanged; check the disk and the path",
            R::FileKeptChanging => {
                "file kept changing: another program kept writing it; try again when it is done"
            }
            R::WriteUnsupported => {
                "writing unsupported: set credchain_callbacks.write_file to write files"
            }
            R::Panic => "panic: credchain panicked; this is a bug, please report it",
            R::Internal => "internal error: credchain reached an impossible state; this is a bug",
        }
    }
}

/// Writes the generic message of `result` (a `credchain_result` value) into `buf` as a
/// NUL-terminated string: "what: what to do". An unknown number gets a message saying so.
///
/// On success, `*out_len` is the message's length in bytes, without the NUL. When `len` is too
/// small (`buf` may then be NULL with `len` 0), returns `CREDCHAIN_RESULT_BUFFER_TOO_SMALL`,
/// leaves `buf` untouched and sets `*out_len` to the buffer size needed, NUL included.
///
/// Thread-safe: it reads no state.
///
/// # Safety
///
/// `buf` must be NULL with `len` 0, or point to `len` writable bytes; `out_len` must be NULL or
/// point to a writable `size_t`.
#[no_mangle]
pub unsafe extern "C" fn credchain_result_message(
    result: u32,
    buf: *mut c_char,
    len: usize,
    out_len: *mut usize,
) -> credchain_result {
    code_only(|| {
        let unknown;
        let message = match credchain_result::from_u32(result) {
            Some(r) => r.message(),
            None => {
                unknown = format!("unknown result code {result}: not a credchain_result");
                unknown.as_str()
            }
        };
        // SAFETY: the caller's contract above is write_str's.
        unsafe { write_str(message, buf, len, out_len, "out_len") }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_sorted_unique_and_grouped() {
        let all = ALL_RESULTS;
        for w in all.windows(2) {
            assert!((w[0] as u32) < (w[1] as u32), "{:?} {:?}", w[0], w[1]);
        }
        for r in all {
            assert_eq!(credchain_result::from_u32(*r as u32), Some(*r));
            let m = r.message();
            assert!(m.contains(": ") || *r == credchain_result::Ok, "{m}");
        }
        assert_eq!(credchain_result::from_u32(7), None);
    }
}
