/*
 * credchain.h: libcredchain, the C API of credchain.
 *
 * credchain resolves AWS configuration and credentials exactly as the AWS CLI v2 does: it
 * locates and reads the shared config and credentials files, picks the active profile, resolves
 * any setting by precedence (option > environment variables > profile key > default), saying
 * where every value came from (the option, the variable, the file and line, or the default), and
 * runs the AWS CLI's credential chain.
 *
 * QUICK START
 *   Build it (Rust 1.85 or newer) from a checkout of credchain:
 *
 *       cargo build --release -p credchain-ffi
 *
 *   which writes into target/release the static library libcredchain.a and the shared one,
 *   libcredchain.so on Linux (soname libcredchain.so.0.1), libcredchain.dylib on macOS
 *   (credchain.lib, credchain.dll and credchain.dll.lib on Windows with MSVC). Install both,
 *   this header and a pkg-config file (credchain.pc) under a prefix, DESTDIR honoured:
 *
 *       ffi/install /usr/local
 *
 *   Then compile and link a program against the shared library, or the static one (whose
 *   native libraries, Libs.private, are on Linux -lgcc_s -lutil -lrt -lpthread -lm -ldl -lc):
 *
 *       cc app.c $(pkg-config --cflags --libs credchain) -o app
 *       cc app.c $(pkg-config --cflags credchain) /usr/local/lib/libcredchain.a \
 *           $(pkg-config --static --libs-only-l credchain | sed 's/-lcredchain//') -o app
 *
 *   (CMake: pkg_check_modules(CREDCHAIN REQUIRED IMPORTED_TARGET credchain), then link
 *   PkgConfig::CREDCHAIN; tests/cpp is a whole project.) A program, app.c:
 *
 *       #include <credchain.h>
 *       #include <stdio.h>
 *
 *       int main(void) {
 *           credchain_options opts = {0};               // all NULL: the AWS CLI's defaults
 *           opts.profile = "dev";                       // NULL: AWS_PROFILE, else "default"
 *           credchain_config *cfg = NULL;
 *           char msg[2048], region[64], key_id[128];
 *           size_t n;
 *           credchain_source src;
 *           if (credchain_config_new_host(&opts, &cfg) != CREDCHAIN_RESULT_OK) {
 *               credchain_thread_last_error(msg, sizeof msg, &n);   // the file, line, what to do
 *               fprintf(stderr, "credchain: %s\n", msg);
 *               return 1;
 *           }
 *           credchain_result r = credchain_config_resolve(cfg, "region", region, sizeof region,
 *                                                         &n, &src);
 *           if (r == CREDCHAIN_RESULT_OK && src.path != NULL)
 *               printf("region %s from %s:%u\n", region, src.path, (unsigned)src.line);
 *           credchain_credentials *creds = NULL;
 *           r = credchain_config_resolve_credentials(cfg, &creds);
 *           if (r != CREDCHAIN_RESULT_OK) {             // such as ..._CREDENTIALS_NOT_FOUND
 *               credchain_config_last_error(cfg, msg, sizeof msg, &n);  // each provider, and why
 *               fprintf(stderr, "credchain: error %u: %s\n", (unsigned)r, msg);
 *           } else if (credchain_credentials_access_key_id(creds, key_id, sizeof key_id, &n)
 *                      == CREDCHAIN_RESULT_OK) {
 *               printf("access key %s\n", key_id);
 *           }
 *           credchain_credentials_free(creds);          // wipes its secrets; NULL is fine
 *           credchain_config_free(cfg);
 *           return r == CREDCHAIN_RESULT_OK ? 0 : 1;
 *       }
 *
 *   In two sentences: you own every handle a credchain_*_new* function or a resolve call gives
 *   you and free it with its credchain_*_free (strings come back in your own buffers, see the
 *   two-call pattern below); a credchain_config serves one thread at a time, while a
 *   credchain_resolver and a credchain_credentials may be shared by any number of threads.
 *   The sections below give the rules in full; every declaration has its own comment; the
 *   README of credchain describes the settings, the credential chain and where it differs
 *   from the AWS CLI (docs/quirks.md).
 *
 * ERROR MODEL
 *   Every function that can fail returns a credchain_result: CREDCHAIN_RESULT_OK (0) on success,
 *   otherwise a stable number grouped by layer (1 not set, 1xx arguments, 2xx locating and
 *   reading files, 3xx parsing, 4xx evaluating, 5xx the credential chain, 6xx writing files,
 *   9xx bugs). Outputs
 *   (out-pointers, buffers, structs) are written only on success; the one exception is the length
 *   output of CREDCHAIN_RESULT_BUFFER_TOO_SMALL, which receives the size needed.
 *   credchain_result_message gives a code's generic text; the detailed message of a failure
 *   (which file and line, which profile or variable, which providers were tried, what to do)
 *   comes from credchain_config_last_error, or, for a credchain_config_new_* call that failed,
 *   from credchain_thread_last_error. No message ever holds a secret. Panics never cross the API:
 *   they become CREDCHAIN_RESULT_PANIC.
 *
 * STRING OUTPUTS: THE TWO-CALL PATTERN
 *   A function that writes a string takes (char *buf, size_t len, size_t *out_len) and writes a
 *   NUL-terminated string. On success *out_len is the string's length without the NUL. If it
 *   does not fit, the function returns CREDCHAIN_RESULT_BUFFER_TOO_SMALL, leaves buf untouched
 *   and sets *out_len to the buffer size needed, NUL included. So: call with buf = NULL and
 *   len = 0 (or a guess), malloc(*out_len) bytes, call again.
 *
 * OWNERSHIP
 *   Every handle made by a credchain_*_new* function, and every credchain_credentials, is owned
 *   by the caller and freed by the matching credchain_*_free, which accepts NULL. Strings the
 *   caller passes in are read during the call (and copied if kept); the caller keeps them.
 *   Buffers the caller passes out are the caller's. Nothing credchain returns needs freeing
 *   except handles.
 *
 * SECRETS
 *   The secret access key and the session token are secrets. credchain_credentials_free writes
 *   zeros over the handle's copies before freeing them, as credchain_config_free does with its
 *   copies of the files and credchain does with the buffers that carried secrets during
 *   resolution (a process's output, an HTTP body, a token file); the
 *   caller should do the same with every buffer it copied a secret into (explicit_bzero,
 *   memset_s or SecureZeroMemory, which the compiler may not remove) and never log them.
 *
 * LIFETIMES
 *   credchain_source.name, credchain_version() and credchain_provider_name() are static: valid
 *   for the process's life. credchain_source.path points into the handle that produced it: valid
 *   until that handle is freed. A credchain_credentials does not depend on the credchain_config
 *   that made it. The handle made by credchain_config_new_callbacks keeps a copy of the
 *   credchain_callbacks (the struct itself may go), and calls back during that call and during
 *   credchain_config_resolve_credentials on it (or credchain_resolver_credentials on the resolver
 *   that took it over): its functions and userdata must stay valid as long as that may be
 *   called. So must a prompt given to credchain_config_set_prompt. A credchain_file_buffer or
 *   credchain_buffer is valid only during the callback it is passed to.
 *
 * THREADING
 *   A credchain_config may be used by one thread at a time (it records its last error): to share
 *   one between threads, serialize the calls. Distinct handles are independent and may be used
 *   from different threads at once. Callbacks run on the thread of the call that makes them, one
 *   at a time. A credchain_credentials is immutable: any number of threads may read it at once.
 *   credchain_result_message, credchain_provider_name and credchain_version are thread-safe;
 *   credchain_thread_last_error reads the calling thread's own record. For credentials shared by
 *   many threads over a long time, make a credchain_resolver: it takes over a configuration
 *   handle, is safe to call from any number of threads at once, hands out the credentials it
 *   holds until 5 minutes before they expire and then runs one resolution for all callers.
 *   Resolving credentials runs on the calling thread's stack and needs about 512 KiB of it
 *   (the default threads of glibc and macOS have far more; set the stack size of small threads).
 *
 * ENVIRONMENT
 *   credchain_config_new_host captures the process environment when it runs: a later setenv
 *   does not change the handle (credential_process still inherits the process's environment
 *   when it runs). Make a new handle to see changes (it is cheap).
 *
 * WRITING THE FILES
 *   credchain_config_edit sets or deletes one key of the config or credentials file, as
 *   `aws configure set` edits it (every other line kept byte for byte). It writes the file on
 *   disk (or through write_file), not the handle: the handle keeps the files as they were when
 *   it was made, so make a new handle to read the edit.
 */

#ifndef CREDCHAIN_H
#define CREDCHAIN_H

/*
 * Generated by cbindgen from ffi/src; do not edit by hand.
 * Regenerate with: ffi/gen-header include/credchain.h
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/**
 * The largest file credchain reads, in bytes (1 GiB); the shared files are a few kilobytes in
 * practice. `credchain_file_buffer_alloc` refuses more.
 */
#define CREDCHAIN_MAX_FILE_BYTES (1 << 30)

/**
 * The longest `Content-Type` a `credchain_http_callback` may deliver, in bytes.
 */
#define CREDCHAIN_MAX_CONTENT_TYPE_LEN 128

/**
 * The longest answer a `credchain_prompt_callback` may deliver, in bytes.
 */
#define CREDCHAIN_MAX_ANSWER_LEN 1024

/**
 * What a call did. Every function that can fail returns one.
 *
 * The numbers are stable across releases and grouped by the layer that reports them:
 * 0 success; 1-99 statuses that are not failures; 1xx bad arguments or callback results;
 * 2xx locating and reading the files; 3xx parsing them (30x the file as a whole, 31x the
 * AWS CLI's grammar, 32x the SDKs' grammar); 4xx evaluating settings; 5xx resolving
 * credentials (500 none found, 51x a configuration that cannot give credentials, 53x
 * `credential_process`, 54x the credentials themselves, 55x credential services such as STS,
 * 56x what this build cannot do); 6xx writing the files; 9xx bugs in credchain.
 * New codes may be added within a group; existing ones never change their number.
 *
 * `credchain_result_message` writes the generic message of a code; the detailed message of the
 * last failure (naming the file, line, profile or variable, and what to do next) is kept by the
 * handle (`credchain_config_last_error`) or, for a handle that could not be created, by the
 * calling thread (`credchain_thread_last_error`).
 */
enum credchain_result
#if defined(__cplusplus) || __STDC_VERSION__ >= 202311L
  : uint32_t
#endif // defined(__cplusplus) || __STDC_VERSION__ >= 202311L
 {
  /**
   * Success. Outputs are written only when a function returns this.
   */
  CREDCHAIN_RESULT_OK = 0,
  /**
   * Not a failure: nothing sets the setting (no option, variable, profile key or default).
   */
  CREDCHAIN_RESULT_NOT_SET = 1,
  /**
   * A required pointer argument is NULL.
   */
  CREDCHAIN_RESULT_NULL_PARAMETER = 100,
  /**
   * A string argument is not valid UTF-8, or (for `credchain_config_new_host`) an
   * environment variable credchain reads is set to a value that is not UTF-8.
   */
  CREDCHAIN_RESULT_INVALID_UTF8 = 101,
  /**
   * The output buffer is too small; the length output holds the size needed (with the NUL).
   */
  CREDCHAIN_RESULT_BUFFER_TOO_SMALL = 102,
  /**
   * The setting name is not one credchain knows.
   */
  CREDCHAIN_RESULT_UNKNOWN_SETTING = 103,
  /**
   * `credchain_options.dialect` is not a `CREDCHAIN_DIALECT_*` value.
   */
  CREDCHAIN_RESULT_INVALID_DIALECT = 104,
  /**
   * The index is not below the count.
   */
  CREDCHAIN_RESULT_INDEX_OUT_OF_RANGE = 105,
  /**
   * A callback broke its contract (an unknown status, a value holding a NUL byte, ...).
   */
  CREDCHAIN_RESULT_INVALID_CALLBACK_RESULT = 106,
  /**
   * `credchain_callbacks.struct_size` is smaller than the fields every version has.
   */
  CREDCHAIN_RESULT_INVALID_STRUCT_SIZE = 107,
  /**
   * Reserved (no longer returned): a missing home directory now means the default files
   * are absent, as in the AWS CLI.
   */
  CREDCHAIN_RESULT_NO_HOME_DIRECTORY = 200,
  /**
   * A located file path is longer than credchain accepts.
   */
  CREDCHAIN_RESULT_PATH_TOO_LONG = 201,
  /**
   * A file exists but the process may not read it.
   */
  CREDCHAIN_RESULT_FILE_PERMISSION_DENIED = 210,
  /**
   * A path names a directory or another non-file where a file is needed. The config and
   * credentials files never give it: a path there that is not a regular file (`/dev/null`,
   * a directory) reads as no file, as the AWS CLI reads it.
   */
  CREDCHAIN_RESULT_FILE_NOT_A_FILE = 211,
  /**
   * A file is larger than `CREDCHAIN_MAX_FILE_BYTES`.
   */
  CREDCHAIN_RESULT_FILE_TOO_LARGE = 212,
  /**
   * A file could not be read for another reason.
   */
  CREDCHAIN_RESULT_FILE_READ_FAILED = 213,
  /**
   * A file is not UTF-8 text.
   */
  CREDCHAIN_RESULT_PARSE_NOT_UTF8 = 300,
  /**
   * A file holds NUL bytes: it is not a text file.
   */
  CREDCHAIN_RESULT_PARSE_NOT_TEXT = 301,
  /**
   * A file starts with a UTF-8 byte-order mark, which the AWS CLI cannot read.
   */
  CREDCHAIN_RESULT_PARSE_BYTE_ORDER_MARK = 302,
  /**
   * A file is too large to index.
   */
  CREDCHAIN_RESULT_PARSE_FILE_TOO_LARGE = 303,
  /**
   * A fixed capacity of the parser was exceeded.
   */
  CREDCHAIN_RESULT_PARSE_CAPACITY_EXCEEDED = 304,
  /**
   * AWS CLI: a line comes before the first section header.
   */
  CREDCHAIN_RESULT_PARSE_MISSING_SECTION_HEADER = 310,
  /**
   * AWS CLI: a section header repeats an earlier one in the same file.
   */
  CREDCHAIN_RESULT_PARSE_DUPLICATE_SECTION = 311,
  /**
   * AWS CLI: a key repeats an earlier key of the same section.
   */
  CREDCHAIN_RESULT_PARSE_DUPLICATE_KEY = 312,
  /**
   * AWS CLI: a line is no section, property, comment or continuation.
   */
  CREDCHAIN_RESULT_PARSE_NOT_A_PROPERTY = 313,
  /**
   * AWS CLI: a property has no name before its `=`.
   */
  CREDCHAIN_RESULT_PARSE_EMPTY_KEY = 314,
  /**
   * AWS CLI: a line of a nested value has no `=`.
   */
  CREDCHAIN_RESULT_PARSE_NESTED_WITHOUT_EQUALS = 315,
  /**
   * SDK: a section header lacks its closing `]`.
   */
  CREDCHAIN_RESULT_PARSE_UNTERMINATED_SECTION = 320,
  /**
   * SDK: a property comes before the first section header.
   */
  CREDCHAIN_RESULT_PARSE_OUTSIDE_PROFILE = 321,
  /**
   * SDK: an indented line directly under a section header.
   */
  CREDCHAIN_RESULT_PARSE_CONTINUATION_OUTSIDE_PROPERTY = 322,
  /**
   * SDK: a property line without `=`.
   */
  CREDCHAIN_RESULT_PARSE_EXPECTED_EQUALS = 323,
  /**
   * SDK: a property with nothing before its `=`.
   */
  CREDCHAIN_RESULT_PARSE_EMPTY_PROPERTY_NAME = 324,
  /**
   * SDK: a sub-property line without `=`.
   */
  CREDCHAIN_RESULT_PARSE_SUB_PROPERTY_WITHOUT_EQUALS = 325,
  /**
   * SDK: a sub-property with nothing before its `=`.
   */
  CREDCHAIN_RESULT_PARSE_EMPTY_SUB_PROPERTY_NAME = 326,
  /**
   * The profile named by the options or the environment exists in neither file.
   */
  CREDCHAIN_RESULT_PROFILE_NOT_FOUND = 400,
  /**
   * The region is not a valid host label.
   */
  CREDCHAIN_RESULT_INVALID_REGION = 401,
  /**
   * No credential provider is configured for the profile: the AWS CLI's "Unable to locate
   * credentials". The detailed message names every provider tried and why it was passed over.
   */
  CREDCHAIN_RESULT_CREDENTIALS_NOT_FOUND = 500,
  /**
   * `source_profile` names a profile that exists in neither file.
   */
  CREDCHAIN_RESULT_SOURCE_PROFILE_NOT_FOUND = 510,
  /**
   * The chain of `source_profile` settings loops back on itself.
   */
  CREDCHAIN_RESULT_SOURCE_PROFILE_CYCLE = 511,
  /**
   * `role_arn` with neither `source_profile` nor `credential_source`.
   */
  CREDCHAIN_RESULT_ROLE_WITHOUT_SOURCE = 512,
  /**
   * Both `source_profile` and `credential_source` in one profile.
   */
  CREDCHAIN_RESULT_CONFLICTING_ROLE_SOURCES = 513,
  /**
   * `credential_source` is not Environment, Ec2InstanceMetadata or EcsContainer.
   */
  CREDCHAIN_RESULT_UNKNOWN_CREDENTIAL_SOURCE = 514,
  /**
   * An access key id without its secret access key, or the reverse.
   */
  CREDCHAIN_RESULT_PARTIAL_CREDENTIALS = 515,
  /**
   * A profile named by `source_profile` yields no credentials.
   */
  CREDCHAIN_RESULT_SOURCE_PROFILE_WITHOUT_CREDENTIALS = 516,
  /**
   * A web identity token file is configured without a role ARN.
   */
  CREDCHAIN_RESULT_WEB_IDENTITY_WITHOUT_ROLE = 517,
  /**
   * An IAM Identity Center (SSO) profile is incomplete, inconsistent with its
   * `[sso-session]`, or names a session that does not exist.
   */
  CREDCHAIN_RESULT_INVALID_SSO_CONFIG = 518,
  /**
   * A setting the credential chain needs spans several lines.
   */
  CREDCHAIN_RESULT_MULTI_LINE_CREDENTIAL_VALUE = 519,
  /**
   * The role chain is longer than credchain follows.
   */
  CREDCHAIN_RESULT_ROLE_CHAIN_TOO_LONG = 520,
  /**
   * A service endpoint cannot be resolved from the configuration: an invalid or too long
   * endpoint URL, a `services` key naming a missing section, no region for a regional
   * service, or FIPS or dual-stack endpoints asked for without a URL.
   */
  CREDCHAIN_RESULT_INVALID_ENDPOINT = 521,
  /**
   * The web identity token file does not exist or cannot be read.
   */
  CREDCHAIN_RESULT_TOKEN_FILE_UNREADABLE = 522,
  /**
   * Reserved: returned by credchain 0.1 for a `duration_seconds` that is not a whole number;
   * such a value is now ignored, as the AWS CLI ignores it, so no call returns it.
   */
  CREDCHAIN_RESULT_INVALID_DURATION = 523,
  /**
   * `retry_mode` is not `standard` or `adaptive`, or `max_attempts` is not a whole number of
   * 1 or more.
   */
  CREDCHAIN_RESULT_INVALID_RETRY_CONFIG = 524,
  /**
   * `credential_process` could not be started: an empty or unclosed command, the program
   * not found or not executable, or a host that cannot run processes.
   */
  CREDCHAIN_RESULT_PROCESS_NOT_STARTED = 530,
  /**
   * `credential_process` exited with a failure status or was ended by a signal; the
   * detailed message holds the start of its error output.
   */
  CREDCHAIN_RESULT_PROCESS_FAILED = 531,
  /**
   * `credential_process` did not finish in time and was stopped.
   */
  CREDCHAIN_RESULT_PROCESS_TIMEOUT = 532,
  /**
   * `credential_process` printed something other than Version 1 credentials JSON (or too
   * much of it).
   */
  CREDCHAIN_RESULT_PROCESS_BAD_OUTPUT = 533,
  /**
   * The credentials had already expired when they arrived.
   */
  CREDCHAIN_RESULT_CREDENTIALS_EXPIRED = 540,
  /**
   * An expiry that is not an ISO 8601 time.
   */
  CREDCHAIN_RESULT_INVALID_EXPIRATION = 541,
  /**
   * A credential is longer than credchain keeps, or holds a NUL byte.
   */
  CREDCHAIN_RESULT_INVALID_CREDENTIAL = 542,
  /**
   * A credential service (STS, the container endpoint, instance metadata, the IAM Identity
   * Center portal, SSO-OIDC, AWS Sign-In) answered with an error, such as AccessDenied or
   * ExpiredToken; the detailed message holds its code and message.
   */
  CREDCHAIN_RESULT_SERVICE_ERROR = 550,
  /**
   * No answer from a credential service: a timeout, no connection (refused, DNS, TLS), an
   * answer over the size limit, or a host without HTTP.
   */
  CREDCHAIN_RESULT_SERVICE_UNREACHABLE = 551,
  /**
   * A credential service's answer cannot be read (empty, not XML or JSON, malformed, or not
   * the operation's answer): often a proxy or a wrong endpoint URL.
   */
  CREDCHAIN_RESULT_SERVICE_BAD_RESPONSE = 552,
  /**
   * A credential service request could not be made (too long, or not signable).
   */
  CREDCHAIN_RESULT_SERVICE_REQUEST_NOT_SENT = 553,
  /**
   * Reserved: returned by credchain 0.1 for providers it did not run yet; every provider of
   * the AWS CLI's chain now runs, so no call returns it.
   */
  CREDCHAIN_RESULT_UNSUPPORTED_PROVIDER = 560,
  /**
   * A role needs an MFA code and none could be read: no prompt is set
   * (`credchain_config_set_prompt`) or the person gave none.
   */
  CREDCHAIN_RESULT_MFA_CODE_UNAVAILABLE = 561,
  /**
   * The container endpoint cannot be used: a host plain http may not reach, a URL that
   * cannot be parsed, or an authorization token file that cannot be read.
   */
  CREDCHAIN_RESULT_INVALID_CONTAINER_ENDPOINT = 562,
  /**
   * An EC2 instance metadata setting (endpoint, endpoint mode, timeout, attempts) is not valid.
   */
  CREDCHAIN_RESULT_INVALID_INSTANCE_METADATA_CONFIG = 563,
  /**
   * The IAM Identity Center token is missing, expired or cannot be refreshed: the person has
   * to log in again (`aws sso login`).
   */
  CREDCHAIN_RESULT_SSO_LOGIN_REQUIRED = 564,
  /**
   * The console login session is missing, expired or cannot be refreshed: the person has to
   * log in again (`aws login`).
   */
  CREDCHAIN_RESULT_LOGIN_REQUIRED = 565,
  /**
   * An edit the writer refuses: a section name, key or value holding a line break.
   */
  CREDCHAIN_RESULT_INVALID_EDIT = 600,
  /**
   * The process may not write the file or its directory.
   */
  CREDCHAIN_RESULT_FILE_WRITE_PERMISSION_DENIED = 610,
  /**
   * The file could not be written for another reason (a full disk, a read-only file
   * system); the old file is as it was.
   */
  CREDCHAIN_RESULT_FILE_WRITE_FAILED = 611,
  /**
   * Another program changed the file each time credchain edited it, or another credchain
   * process kept it locked; nothing was written.
   */
  CREDCHAIN_RESULT_FILE_KEPT_CHANGING = 612,
  /**
   * The handle cannot write files: a `credchain_config_new_callbacks` handle whose
   * `write_file` is NULL.
   */
  CREDCHAIN_RESULT_WRITE_UNSUPPORTED = 613,
  /**
   * credchain panicked (a bug); the call had no effect on its outputs.
   */
  CREDCHAIN_RESULT_PANIC = 900,
  /**
   * credchain reached a state it believed impossible (a bug).
   */
  CREDCHAIN_RESULT_INTERNAL = 901,
};
#ifndef __cplusplus
#if __STDC_VERSION__ >= 202311L
typedef enum credchain_result credchain_result;
#else
typedef uint32_t credchain_result;
#endif // __STDC_VERSION__ >= 202311L
#endif // __cplusplus

/**
 * Where a resolved value came from.
 */
enum credchain_source_kind
#if defined(__cplusplus) || __STDC_VERSION__ >= 202311L
  : uint32_t
#endif // defined(__cplusplus) || __STDC_VERSION__ >= 202311L
 {
  /**
   * A command-line option of the options struct; `name` is the option, such as "--region".
   */
  CREDCHAIN_SOURCE_KIND_OPTION = 1,
  /**
   * An environment variable; `name` is the variable, such as "AWS_REGION".
   */
  CREDCHAIN_SOURCE_KIND_ENV_VAR = 2,
  /**
   * A property of the config file; `path` and `line` say where.
   */
  CREDCHAIN_SOURCE_KIND_CONFIG_FILE = 3,
  /**
   * A property of the shared credentials file; `path` and `line` say where.
   */
  CREDCHAIN_SOURCE_KIND_CREDENTIALS_FILE = 4,
  /**
   * The setting's documented default.
   */
  CREDCHAIN_SOURCE_KIND_DEFAULT = 5,
};
#ifndef __cplusplus
#if __STDC_VERSION__ >= 202311L
typedef enum credchain_source_kind credchain_source_kind;
#else
typedef uint32_t credchain_source_kind;
#endif // __STDC_VERSION__ >= 202311L
#endif // __cplusplus

/**
 * A credential provider of the AWS CLI's chain, numbered in the chain's order. Each is named
 * after the AWS CLI's own name for it (the TYPE column of `aws configure list`), which
 * `credchain_provider_name` gives as a string. The numbers are stable.
 */
enum credchain_provider
#if defined(__cplusplus) || __STDC_VERSION__ >= 202311L
  : uint32_t
#endif // defined(__cplusplus) || __STDC_VERSION__ >= 202311L
 {
  /**
   * "env": `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and `AWS_SESSION_TOKEN`.
   */
  CREDCHAIN_PROVIDER_ENV = 1,
  /**
   * "assume-role": `role_arn` with `source_profile` or `credential_source`.
   */
  CREDCHAIN_PROVIDER_ASSUME_ROLE = 2,
  /**
   * "assume-role-with-web-identity": a web identity token file.
   */
  CREDCHAIN_PROVIDER_ASSUME_ROLE_WITH_WEB_IDENTITY = 3,
  /**
   * "sso": IAM Identity Center.
   */
  CREDCHAIN_PROVIDER_SSO = 4,
  /**
   * "shared-credentials-file": static keys in the credentials file.
   */
  CREDCHAIN_PROVIDER_SHARED_CREDENTIALS_FILE = 5,
  /**
   * "login": a console login session (`aws login`).
   */
  CREDCHAIN_PROVIDER_LOGIN = 6,
  /**
   * "custom-process": `credential_process`.
   */
  CREDCHAIN_PROVIDER_CUSTOM_PROCESS = 7,
  /**
   * "config-file": static keys in the config file.
   */
  CREDCHAIN_PROVIDER_CONFIG_FILE = 8,
  /**
   * "container-role": the ECS/EKS container endpoint.
   */
  CREDCHAIN_PROVIDER_CONTAINER_ROLE = 9,
  /**
   * "iam-role": EC2 instance metadata.
   */
  CREDCHAIN_PROVIDER_IAM_ROLE = 10,
};
#ifndef __cplusplus
#if __STDC_VERSION__ >= 202311L
typedef enum credchain_provider credchain_provider;
#else
typedef uint32_t credchain_provider;
#endif // __STDC_VERSION__ >= 202311L
#endif // __cplusplus

/**
 * A buffer credchain owns that a callback fills with bytes it delivers (a process's output, an
 * HTTP response's body or content type, an answer). Opaque; valid only during the callback it
 * is passed to. Each has a limit, documented with its callback.
 */
typedef struct credchain_buffer credchain_buffer;

/**
 * The resolved configuration of one program run: the environment, the options and both
 * shared files, loaded when the handle is made. Opaque; made by `credchain_config_new_host` or
 * `credchain_config_new_callbacks`, freed by `credchain_config_free`.
 *
 * One thread at a time may use a handle (it records its last error); distinct handles are
 * independent and may be used from different threads at once.
 */
typedef struct credchain_config credchain_config;

/**
 * A set of AWS credentials and the provider that gave them. Opaque; made by
 * `credchain_config_resolve_credentials`, freed by `credchain_credentials_free`, which wipes
 * (writes zeros over) the secrets it holds.
 *
 * Immutable once made: any number of threads may read one at once; it does not depend on the
 * `credchain_config` that made it, which may be freed first.
 */
typedef struct credchain_credentials credchain_credentials;

/**
 * The buffer a `credchain_read_file_callback` fills with a file's bytes. Opaque; owned by
 * credchain and valid only during the callback it is passed to.
 */
typedef struct credchain_file_buffer credchain_file_buffer;

/**
 * The findings of one `credchain_lint`. Opaque; freed by `credchain_lint_findings_free`.
 *
 * Immutable once made: any number of threads may read one at once.
 */
typedef struct credchain_lint_findings credchain_lint_findings;

/**
 * A long-lived credentials source: made from a configuration handle (which it takes over) by
 * `credchain_resolver_new`, asked with `credchain_resolver_credentials`, freed with
 * `credchain_resolver_free`. Opaque.
 *
 * Thread-safe: any number of threads may call `credchain_resolver_credentials` on one resolver
 * at once. Credentials it holds are handed out (as copies) while they are fresh; within 5
 * minutes of their expiry the first caller resolves again while the others keep getting the
 * held, still unexpired, credentials; once they have expired the others wait for that one
 * resolution instead of starting their own.
 */
typedef struct credchain_resolver credchain_resolver;

/**
 * How to read the shared files: a `CREDCHAIN_DIALECT_*` value. (A plain integer rather than a
 * C enum, so that any value a caller stores is defined behaviour; others are refused with
 * `CREDCHAIN_RESULT_INVALID_DIALECT`.)
 */
typedef uint32_t credchain_dialect;

/**
 * Options for a new `credchain_config`, as the AWS CLI's global options. A zeroed struct
 * (`credchain_options opts = {0};`) means no options and the AWS CLI dialect; passing NULL for
 * the whole struct means the same.
 *
 * The strings are read and copied while `credchain_config_new_*` runs; they need not outlive it.
 */
typedef struct credchain_options {
  /**
   * The profile, as `--profile`: NULL (or "") for none. NUL-terminated UTF-8.
   */
  const char *profile;
  /**
   * The region, as `--region`: NULL for none. NUL-terminated UTF-8.
   */
  const char *region;
  /**
   * The output format, as `--output`: NULL for none. NUL-terminated UTF-8.
   */
  const char *output;
  /**
   * A `CREDCHAIN_DIALECT_*` value.
   */
  credchain_dialect dialect;
} credchain_options;

/**
 * Where a resolved value came from. Written by `credchain_config_resolve` and
 * `credchain_config_get` on success only.
 *
 * No member ever needs freeing, and no string member is ever NULL.
 */
typedef struct credchain_source {
  /**
   * The kind of source.
   */
  credchain_source_kind kind;
  /**
   * For `OPTION` and `ENV_VAR`, the option or variable name; otherwise "". NUL-terminated;
   * static lifetime: valid for the life of the process, whatever is freed.
   */
  const char *name;
  /**
   * For `CONFIG_FILE` and `CREDENTIALS_FILE`, the file's path as located; otherwise "".
   * NUL-terminated; points into the handle: valid until `credchain_config_free` on it.
   */
  const char *path;
  /**
   * The length of `path` in bytes, without the NUL.
   */
  size_t path_len;
  /**
   * For `CONFIG_FILE` and `CREDENTIALS_FILE`, the 1-based line of the property; otherwise 0.
   */
  uint32_t line;
} credchain_source;

/**
 * What a `credchain_prompt_callback` reports: a `CREDCHAIN_PROMPT_*` value (a plain integer; an
 * unknown one fails the call with `CREDCHAIN_RESULT_INVALID_CALLBACK_RESULT`).
 */
typedef int32_t credchain_prompt_status;

/**
 * Asks the person at the terminal: shows `question` (NUL-terminated UTF-8, such as "Enter MFA
 * code for arn:aws:iam::123456789012:mfa/alice: ") and delivers the line typed through
 * `credchain_buffer_alloc(answer, ...)` as UTF-8 (a trailing "\n" or "\r\n" is removed; at
 * most `CREDCHAIN_MAX_ANSWER_LEN` bytes), then returns `CREDCHAIN_PROMPT_OK`; or returns
 * `CREDCHAIN_PROMPT_UNAVAILABLE` or `CREDCHAIN_PROMPT_CANCELLED`. Called during
 * `credchain_config_resolve_credentials`, on its thread, for the MFA code of a role with
 * `mfa_serial` when no cached credentials serve. The buffer is valid only until the callback
 * returns. Set with `credchain_config_set_prompt`.
 */
typedef credchain_prompt_status (*credchain_prompt_callback)(void *userdata,
                                                             const char *question,
                                                             struct credchain_buffer *answer);

/**
 * Looks up the environment variable `name` (NUL-terminated ASCII, such as "AWS_REGION").
 *
 * When it is set, store a pointer to its value in `*value_out` and the value's length in bytes
 * in `*value_len_out` (no NUL needed; NULL is accepted for an empty value) and return true.
 * When it is unset, return false and leave both untouched. The value must stay valid and
 * unchanged until the callback returns to credchain and credchain calls any callback again
 * (credchain copies it at once): a pointer returned by `getenv` is fine.
 *
 * A value that is not UTF-8 counts as unset (as the host environment skips such variables); a
 * value holding a NUL byte fails with `CREDCHAIN_RESULT_INVALID_CALLBACK_RESULT`.
 */
typedef bool (*credchain_get_env_callback)(void *userdata,
                                           const char *name,
                                           const char **value_out,
                                           size_t *value_len_out);

/**
 * What a `credchain_read_file_callback` reports: a `CREDCHAIN_READ_*` value. (A plain integer,
 * so that any value a callback returns is defined behaviour; an unknown one fails the call with
 * `CREDCHAIN_RESULT_INVALID_CALLBACK_RESULT`.)
 */
typedef int32_t credchain_read_status;

/**
 * Reads the whole file at `path` (NUL-terminated UTF-8, as located from the environment).
 *
 * To deliver the bytes, call `credchain_file_buffer_alloc(file, size)` and fill the `size`
 * bytes it returns (the library owns them), then return `CREDCHAIN_READ_OK`. When nothing is
 * at `path`, return `CREDCHAIN_READ_NOT_FOUND`; on failure, the matching `CREDCHAIN_READ_*`.
 * `file` is valid only until the callback returns; do not keep it.
 */
typedef credchain_read_status (*credchain_read_file_callback)(void *userdata,
                                                              const char *path,
                                                              struct credchain_file_buffer *file);

/**
 * What a `credchain_run_process_callback` reports: a `CREDCHAIN_RUN_*` value (a plain integer;
 * an unknown one fails the call with `CREDCHAIN_RESULT_INVALID_CALLBACK_RESULT`).
 */
typedef int32_t credchain_run_status;

/**
 * Runs a program for `credential_process`, without a shell: `argv[0]` is the program (a path,
 * or a name to look up in `PATH`), `argv[1..argc]` its arguments, each NUL-terminated UTF-8;
 * `argv[argc]` is NULL. Give it the environment and working directory the program should have
 * and no standard input; stop it after `timeout_ms` milliseconds.
 *
 * To deliver its output, call `credchain_buffer_alloc` on `stdout_buf` and `stderr_buf` and
 * fill the bytes (each refuses more than `max_output_bytes`; an empty stream needs no call).
 * When it ran to its end, store its exit code in `*exit_code_out` and return
 * `CREDCHAIN_RUN_EXITED`; otherwise return the matching `CREDCHAIN_RUN_*`. `argv` and the
 * buffers are valid only until the callback returns. Standard output holds credentials: wipe
 * any copy the callback made.
 */
typedef credchain_run_status (*credchain_run_process_callback)(void *userdata,
                                                               const char *const *argv,
                                                               size_t argc,
                                                               uint32_t timeout_ms,
                                                               size_t max_output_bytes,
                                                               int32_t *exit_code_out,
                                                               struct credchain_buffer *stdout_buf,
                                                               struct credchain_buffer *stderr_buf);

/**
 * What a `credchain_http_callback` reports: a `CREDCHAIN_HTTP_*` value (a plain integer; an
 * unknown one fails the call with `CREDCHAIN_RESULT_INVALID_CALLBACK_RESULT`).
 */
typedef int32_t credchain_http_status;

/**
 * One request header: both strings NUL-terminated ASCII.
 */
typedef struct credchain_http_header {
  /**
   * The name, such as "Content-Type".
   */
  const char *name;
  /**
   * The value.
   */
  const char *value;
} credchain_http_header;

/**
 * An HTTP request for a `credchain_http_callback`. Every pointer is valid only until the
 * callback returns. Headers and body may carry signatures and tokens: do not log them.
 */
typedef struct credchain_http_request {
  /**
   * "GET", "PUT" or "POST", NUL-terminated.
   */
  const char *method;
  /**
   * The full URL (such as `https://sts.us-east-1.amazonaws.com/`), NUL-terminated.
   */
  const char *url;
  /**
   * `header_count` headers to send, in order. The callback's HTTP client adds `Host` and
   * `Content-Length`.
   */
  const struct credchain_http_header *headers;
  /**
   * How many headers `headers` holds.
   */
  size_t header_count;
  /**
   * The body: `body_len` bytes (never NULL, even when empty).
   */
  const uint8_t *body;
  /**
   * The body's length in bytes.
   */
  size_t body_len;
  /**
   * The whole exchange must finish within this many milliseconds.
   */
  uint32_t timeout_ms;
  /**
   * A longer response body is `CREDCHAIN_HTTP_TOO_LARGE`.
   */
  size_t max_body_bytes;
} credchain_http_request;

/**
 * Sends one HTTP request (no redirects, no retries: those are credchain's decisions) and
 * delivers its response: the status code (100-999) in `*status_out`, the `Content-Type`
 * header's value through `credchain_buffer_alloc(content_type, ...)` (no call when there is
 * none; one longer than `CREDCHAIN_MAX_CONTENT_TYPE_LEN` counts as none), the body through
 * `credchain_buffer_alloc(body, ...)` (it refuses more than `request->max_body_bytes`), then
 * return `CREDCHAIN_HTTP_OK`; on failure return the matching `CREDCHAIN_HTTP_*`. The buffers
 * are valid only until the callback returns. Response bodies hold credentials: wipe any copy
 * the callback made.
 */
typedef credchain_http_status (*credchain_http_callback)(void *userdata,
                                                         const struct credchain_http_request *request,
                                                         uint16_t *status_out,
                                                         struct credchain_buffer *content_type,
                                                         struct credchain_buffer *body);

/**
 * The current time, in seconds since the Unix epoch (1970-01-01T00:00:00Z). credchain calls it
 * to judge expiries: of cached and fetched credentials, and of what a `credchain_resolver`
 * holds. For tests and programs with their own notion of time; NULL means the system clock.
 */
typedef int64_t (*credchain_now_callback)(void *userdata);

/**
 * What a `credchain_write_file_callback` reports: a `CREDCHAIN_WRITE_*` value (a plain integer;
 * an unknown one counts as `CREDCHAIN_WRITE_ERROR`).
 */
typedef int32_t credchain_write_status;

/**
 * Replaces the file at `path` (UTF-8, NUL-terminated) with the `len` bytes at `data`: a cache
 * the AWS CLI shares (an assume-role or web identity result in ~/.aws/cli/cache, a refreshed IAM
 * Identity Center token in ~/.aws/sso/cache, a refreshed console login session in
 * ~/.aws/login/cache). Write it atomically (a temporary file in the same directory, then a
 * rename), readable and writable by the owner only (mode 0600), creating missing parent
 * directories (mode 0700), so that no reader ever sees half a file. The bytes hold secrets:
 * wipe any copy. A failure is not fatal: the credentials are still given, and the next
 * resolution calls the service again.
 */
typedef credchain_write_status (*credchain_write_file_callback)(void *userdata,
                                                                const char *path,
                                                                const uint8_t *data,
                                                                size_t len);

/**
 * Waits `ms` milliseconds, then returns. credchain calls it between the attempts of a retried
 * service call (STS, the IAM Identity Center portal, SSO-OIDC, AWS Sign-In: the AWS CLI's
 * `retry_mode` and `max_attempts`), on the thread of `credchain_config_resolve_credentials`;
 * never when a call succeeds at once. For tests and programs that schedule their own waiting;
 * NULL means the library sleeps the calling thread itself.
 */
typedef void (*credchain_sleep_callback)(void *userdata, uint32_t ms);

/**
 * A uniformly distributed random 32-bit number, for the jitter of the waits between retried
 * attempts (nothing secret depends on it). Called once per retry. NULL means the library's own
 * source (the standard library's randomly keyed hash).
 */
typedef uint32_t (*credchain_random_callback)(void *userdata);

/**
 * The I/O a caller supplies to `credchain_config_new_callbacks`, in place of the process's
 * environment, file system, processes and network (for tests, sandboxes, or a program with its
 * own view). Asking the person for an MFA code is set apart, for either kind of handle, with
 * `credchain_config_set_prompt`. Start from a zeroed struct and set `struct_size`:
 *
 * ```c
 * credchain_callbacks cb = {0};
 * cb.struct_size = sizeof cb;
 * cb.userdata = &my_state;
 * cb.get_env = my_get_env;
 * cb.read_file = my_read_file;
 * ```
 *
 * Versioning: `struct_size` is `sizeof(credchain_callbacks)` as the caller compiled it. New
 * fields are only ever added at the end; credchain reads the fields that lie wholly within
 * `struct_size` and treats later ones as NULL, so a program built against an older header keeps
 * working. A size too small to hold `read_file` fails with `CREDCHAIN_RESULT_INVALID_STRUCT_SIZE`.
 *
 * Contract: credchain calls back only while `credchain_config_new_callbacks` or
 * `credchain_config_resolve_credentials` runs on the handle it made, on the calling thread, one
 * call at a time. The handle keeps a copy of this struct (the struct itself may be discarded
 * after `credchain_config_new_callbacks`), so `userdata` and the functions must stay valid
 * until the handle is freed, or at least until the last `credchain_config_resolve_credentials`
 * on it. Callbacks must return normally (no `longjmp` or C++ exception across credchain).
 */
typedef struct credchain_callbacks {
  /**
   * `sizeof(credchain_callbacks)`, as the caller compiled it (see above).
   */
  size_t struct_size;
  /**
   * Passed unchanged as the first argument of each callback; credchain never reads it.
   */
  void *userdata;
  /**
   * The environment lookup. Required.
   */
  credchain_get_env_callback get_env;
  /**
   * The file reader: the shared files when the handle is made; token and cache files when
   * credentials are resolved. Required.
   */
  credchain_read_file_callback read_file;
  /**
   * Runs `credential_process`. NULL: a profile with `credential_process` fails with
   * `CREDCHAIN_RESULT_PROCESS_NOT_STARTED` ("this host cannot start processes").
   */
  credchain_run_process_callback run_process;
  /**
   * Sends HTTP requests (STS). NULL: a provider that needs the network fails with
   * `CREDCHAIN_RESULT_SERVICE_UNREACHABLE`.
   */
  credchain_http_callback http;
  /**
   * The time. NULL: the system clock. (Added in 0.2; a caller built against an earlier
   * header gets the system clock.)
   */
  credchain_now_callback now;
  /**
   * Writes the caches shared with the AWS CLI. NULL: nothing is written (every resolution
   * calls the services; refreshed tokens are used but not kept). (Added in 0.2.)
   */
  credchain_write_file_callback write_file;
  /**
   * Waits between retried attempts of a service call (`retry_mode`, `max_attempts`). NULL:
   * the library sleeps the calling thread. (Added after `write_file`; a caller built against
   * an earlier header gets the library's sleep.)
   */
  credchain_sleep_callback sleep;
  /**
   * The random numbers of the waits' jitter. NULL: the library's own. (Added after
   * `write_file`.)
   */
  credchain_random_callback random;
} credchain_callbacks;

/**
 * Which shared file to edit: a `CREDCHAIN_FILE_*` value. (A plain integer rather than a C
 * enum, so that any value a caller stores is defined behaviour; others are refused with
 * `CREDCHAIN_RESULT_INVALID_EDIT`.)
 */
typedef uint32_t credchain_file;

/**
 * One finding, as `credchain_lint_findings_get` gives it. Every string is NUL-terminated and
 * owned by the `credchain_lint_findings` it came from: valid until that object is freed.
 */
typedef struct credchain_lint_finding {
  /**
   * The stable code, such as "unknown-key" (the CLI's JSON `code`).
   */
  const char *code;
  /**
   * "error" (the AWS CLI fails on it), "warning" (likely a mistake, or read differently by
   * the SDKs) or "info" (worth knowing).
   */
  const char *severity;
  /**
   * "config" or "credentials".
   */
  const char *file;
  /**
   * The 1-based line; 0 for the file as a whole (its permissions).
   */
  uint32_t line;
  /**
   * What is wrong.
   */
  const char *message;
  /**
   * What to do about it.
   */
  const char *fix;
} credchain_lint_finding;

/**
 * Read the files as the AWS CLI v2 does (the default).
 */
#define CREDCHAIN_DIALECT_AWSCLI 0

/**
 * Read the files as the AWS SDKs' shared profile-file spec does.
 */
#define CREDCHAIN_DIALECT_SDK 1

/**
 * The file was read: its bytes are in the buffer (empty if it never called
 * `credchain_file_buffer_alloc`).
 */
#define CREDCHAIN_READ_OK 0

/**
 * Nothing exists at the path. Not an error: the file reads as empty, as in the AWS CLI.
 */
#define CREDCHAIN_READ_NOT_FOUND 1

/**
 * The file exists but may not be read (`CREDCHAIN_RESULT_FILE_PERMISSION_DENIED`).
 */
#define CREDCHAIN_READ_PERMISSION_DENIED 2

/**
 * The path names a directory or another non-file (`CREDCHAIN_RESULT_FILE_NOT_A_FILE`).
 */
#define CREDCHAIN_READ_NOT_A_FILE 3

/**
 * The file is larger than the caller accepts (`CREDCHAIN_RESULT_FILE_TOO_LARGE`).
 */
#define CREDCHAIN_READ_TOO_LARGE 4

/**
 * Any other failure (`CREDCHAIN_RESULT_FILE_READ_FAILED`).
 */
#define CREDCHAIN_READ_ERROR 5

/**
 * The file was written.
 */
#define CREDCHAIN_WRITE_OK 0

/**
 * The file may not be written.
 */
#define CREDCHAIN_WRITE_PERMISSION_DENIED 1

/**
 * Any other failure.
 */
#define CREDCHAIN_WRITE_ERROR 2

/**
 * The process ran to its end: its exit code is in `*exit_code_out`, its output in the buffers.
 */
#define CREDCHAIN_RUN_EXITED 0

/**
 * The process was ended by a signal; its output so far is in the buffers.
 */
#define CREDCHAIN_RUN_SIGNALLED 1

/**
 * The program was not found.
 */
#define CREDCHAIN_RUN_NOT_FOUND 2

/**
 * The program may not be run.
 */
#define CREDCHAIN_RUN_PERMISSION_DENIED 3

/**
 * It did not finish within `timeout_ms` and was stopped.
 */
#define CREDCHAIN_RUN_TIMEOUT 4

/**
 * It wrote more than `max_output_bytes` to a stream and was stopped.
 */
#define CREDCHAIN_RUN_TOO_LARGE 5

/**
 * Any other failure to run it.
 */
#define CREDCHAIN_RUN_ERROR 6

/**
 * A response arrived, whatever its status (4xx and 5xx are responses, not failures).
 */
#define CREDCHAIN_HTTP_OK 0

/**
 * The timeout passed.
 */
#define CREDCHAIN_HTTP_TIMEOUT 1

/**
 * No connection could be made (refused, unreachable, DNS, TLS).
 */
#define CREDCHAIN_HTTP_CONNECT 2

/**
 * The response body was longer than `max_body_bytes`.
 */
#define CREDCHAIN_HTTP_TOO_LARGE 3

/**
 * The URL could not be used.
 */
#define CREDCHAIN_HTTP_INVALID_URL 4

/**
 * Anything else (a broken connection, a malformed response).
 */
#define CREDCHAIN_HTTP_ERROR 5

/**
 * The person answered: the answer is in the buffer.
 */
#define CREDCHAIN_PROMPT_OK 0

/**
 * There is nobody to ask.
 */
#define CREDCHAIN_PROMPT_UNAVAILABLE 1

/**
 * The person gave up.
 */
#define CREDCHAIN_PROMPT_CANCELLED 2

/**
 * The config file (`~/.aws/config`, or `AWS_CONFIG_FILE`).
 */
#define CREDCHAIN_FILE_CONFIG 0

/**
 * The credentials file (`~/.aws/credentials`, or `AWS_SHARED_CREDENTIALS_FILE`).
 */
#define CREDCHAIN_FILE_CREDENTIALS 1

#ifdef __cplusplus
extern "C" {
#endif // __cplusplus

/**
 * Writes the generic message of `result` (a `credchain_result` value) into `buf` as a
 * NUL-terminated string: "what: what to do". An unknown number gets a message saying so.
 *
 * On success, `*out_len` is the message's length in bytes, without the NUL. When `len` is too
 * small (`buf` may then be NULL with `len` 0), returns `CREDCHAIN_RESULT_BUFFER_TOO_SMALL`,
 * leaves `buf` untouched and sets `*out_len` to the buffer size needed, NUL included.
 *
 * Thread-safe: it reads no state.
 *
 * # Safety
 *
 * `buf` must be NULL with `len` 0, or point to `len` writable bytes; `out_len` must be NULL or
 * point to a writable `size_t`.
 */
credchain_result credchain_result_message(uint32_t result, char *buf, size_t len, size_t *out_len);

/**
 * Makes a handle over the process's environment and files: the environment is captured now
 * (later `setenv` calls do not change the handle), the config and credentials files are
 * located from it (`AWS_CONFIG_FILE`, `AWS_SHARED_CREDENTIALS_FILE`, `HOME`...), read and
 * parsed. A missing file is not an error: it reads as empty. A variable credchain reads
 * (`AWS_*`, `HOME`...) set to a value that is not UTF-8 is `CREDCHAIN_RESULT_INVALID_UTF8`
 * naming it, never read as unset; on Unix the variables that name files or directories
 * (`AWS_CONFIG_FILE`, `AWS_SHARED_CREDENTIALS_FILE`, `HOME`, the token files, the login
 * cache) may hold any bytes, as paths may, and name the files they name.
 *
 * On success writes the new handle to `*out`; free it with `credchain_config_free`. On
 * failure `*out` is untouched and `credchain_thread_last_error` gives the detailed message
 * (for a parse error: the file, the line and how to fix it).
 *
 * # Safety
 *
 * `opts` is NULL or points to a valid `credchain_options` (see there); `out` is NULL or
 * points to a writable `credchain_config *`.
 */
credchain_result credchain_config_new_host(const struct credchain_options *opts,
                                           struct credchain_config **out);

/**
 * Frees a handle and everything it owns (every `path` a `credchain_source` points to),
 * writing zeros over its copies of the files first (the credentials file holds secrets).
 * NULL is accepted and ignored. The handle must not be used afterwards.
 *
 * # Safety
 *
 * `cfg` is NULL or a handle from `credchain_config_new_*` not yet freed.
 */
void credchain_config_free(struct credchain_config *cfg);

/**
 * Resolves the setting named `setting_name` (a name of shared/spec/settings.tsv, such as
 * "region", "output", "max_attempts", "profile") as the AWS CLI v2 does: the option of the
 * options struct, then the environment variables in order, then the key in the active
 * profile (credentials file over config file), then the default.
 *
 * On success writes the value (NUL-terminated; a multi-line file value has its lines joined
 * with '\n') to `value_buf`, its length without the NUL to `*value_out_len`, and where it came
 * from to `*source_out`.
 *
 * Returns `CREDCHAIN_RESULT_NOT_SET` when nothing sets it and it has no default;
 * `CREDCHAIN_RESULT_UNKNOWN_SETTING` for a name that is not a setting;
 * `CREDCHAIN_RESULT_PROFILE_NOT_FOUND` when the profile named by the options,
 * `AWS_PROFILE` or `AWS_DEFAULT_PROFILE` exists in neither file;
 * `CREDCHAIN_RESULT_INVALID_REGION` for a region that is not a valid host label.
 *
 * Two-call pattern: when the value does not fit (pass `value_buf` NULL and `value_len` 0 to
 * ask), returns `CREDCHAIN_RESULT_BUFFER_TOO_SMALL`, leaves `value_buf` and `*source_out`
 * untouched and sets `*value_out_len` to the size needed, NUL included: allocate that many
 * bytes and call again.
 *
 * # Safety
 *
 * `cfg` is NULL or a live handle; `setting_name` is NULL or NUL-terminated; `value_buf` is NULL
 * with `value_len` 0 or points to `value_len` writable bytes; `value_out_len` and `source_out`
 * are NULL or point to writable objects of their types.
 */
credchain_result credchain_config_resolve(const struct credchain_config *cfg,
                                          const char *setting_name,
                                          char *value_buf,
                                          size_t value_len,
                                          size_t *value_out_len,
                                          struct credchain_source *source_out);

/**
 * Reads a profile value as `aws configure get NAME` does: only the files, never the
 * environment or a default. `name` is `key` (in the active profile), `section.key` (a
 * sub-property, such as "s3.max_concurrent_requests"), `profile.NAME.key[.sub]`, or
 * `NAME.key[.sub]` where NAME is a profile. Outputs, two-call pattern and results as
 * `credchain_config_resolve` (the source is always a file).
 *
 * # Safety
 *
 * As `credchain_config_resolve`, with `name` for `setting_name`.
 */
credchain_result credchain_config_get(const struct credchain_config *cfg,
                                      const char *name,
                                      char *value_buf,
                                      size_t value_len,
                                      size_t *value_out_len,
                                      struct credchain_source *source_out);

/**
 * Writes the number of profiles (config-file profiles, then those only in the credentials
 * file, each once) to `*count_out`.
 *
 * # Safety
 *
 * `cfg` is NULL or a live handle; `count_out` is NULL or points to a writable `size_t`.
 */
credchain_result credchain_config_profile_count(const struct credchain_config *cfg,
                                                size_t *count_out);

/**
 * Writes the name of profile `index` (0-based, below `credchain_config_profile_count`, in the
 * order of `aws configure list-profiles`) into `buf` as a NUL-terminated string; its length
 * without the NUL goes to `*out_len`. `CREDCHAIN_RESULT_INDEX_OUT_OF_RANGE` past the end.
 * Two-call pattern as `credchain_config_resolve`.
 *
 * # Safety
 *
 * `cfg` is NULL or a live handle; `buf` is NULL with `len` 0 or points to `len` writable
 * bytes; `out_len` is NULL or points to a writable `size_t`.
 */
credchain_result credchain_config_profile_name(const struct credchain_config *cfg,
                                               size_t index,
                                               char *buf,
                                               size_t len,
                                               size_t *out_len);

/**
 * Writes the detailed message of the last call on `cfg` that did not return
 * `CREDCHAIN_RESULT_OK` (such as "the config profile (dev) could not be found (named by
 * AWS_PROFILE); profiles that exist: default, prod", or a file:line and its fix), or "" when
 * there was none. This call itself records nothing. Two-call pattern as
 * `credchain_config_resolve`.
 *
 * # Safety
 *
 * `cfg` is NULL or a live handle; `buf` is NULL with `len` 0 or points to `len` writable
 * bytes; `out_len` is NULL or points to a writable `size_t`.
 */
credchain_result credchain_config_last_error(const struct credchain_config *cfg,
                                             char *buf,
                                             size_t len,
                                             size_t *out_len);

/**
 * The exit status the AWS CLI v2's `aws configure export-credentials` ends with for the
 * failure of the last call on `cfg` that did not return `CREDCHAIN_RESULT_OK`, when that call
 * was a credential lookup (`credchain_config_resolve_credentials`), as `credchain
 * export-credentials` exits: 253 a configuration that cannot give credentials or a provider
 * that failed while the chain was built (credential_process, the container endpoint, instance
 * metadata, a console login's file), 254 a service's error answer (STS AccessDenied), 255
 * another failure of a deferred call (no connection, an unreadable answer, an IAM Identity
 * Center or console session that is over, an expiry found on use). 0 when that call was not a credential lookup, when there was none, or for NULL.
 *
 * # Safety
 *
 * `cfg` is NULL or a live handle.
 */
uint8_t credchain_config_last_exit_status(const struct credchain_config *cfg);

/**
 * As `credchain_config_last_exit_status`, for the last failed call on the calling thread that
 * records its message for the thread (`credchain_config_new_*`, `credchain_resolver_*`).
 */
uint8_t credchain_thread_last_exit_status(void);

/**
 * Writes the detailed message of the last `credchain_config_new_*` call on the calling thread
 * that failed (they have no handle to keep it in), or "" when there was none. Each thread has
 * its own. Two-call pattern as `credchain_config_resolve`.
 *
 * # Safety
 *
 * `buf` is NULL with `len` 0 or points to `len` writable bytes; `out_len` is NULL or points
 * to a writable `size_t`.
 */
credchain_result credchain_thread_last_error(char *buf, size_t len, size_t *out_len);

/**
 * The version of libcredchain, such as "0.1.0": a static NUL-terminated string, never freed.
 */
const char *credchain_version(void);

/**
 * Resolves AWS credentials as the AWS CLI v2 does, for the handle's active profile: the
 * providers in the AWS CLI's order (environment, assume role, web identity, SSO, credentials
 * file, login, credential_process, config file, container, instance metadata), the first one
 * configured answering; role chains followed through `source_profile`.
 *
 * Uses the environment the handle captured and the files it loaded. The I/O of the rest:
 * for a handle from `credchain_config_new_host`, the machine's: token and cache files (the
 * assume-role cache in ~/.aws/cli/cache is read and written, shared with the AWS CLI);
 * `credential_process` run without a shell, with the process's current environment, stopped
 * after 60 s; HTTPS to STS with no proxy or redirects. For a handle from
 * `credchain_config_new_callbacks`, the callbacks (see `credchain_callbacks`): variables the
 * snapshot lacks are fetched through `get_env`, other files through `read_file`, caches written
 * through `write_file` (NULL: none is written), processes and HTTP through `run_process` and
 * `http`, each NULL meaning "unsupported". Either way the terminal is never touched: a role with `mfa_serial` asks the
 * prompt set by `credchain_config_set_prompt`, and without one fails with
 * `CREDCHAIN_RESULT_MFA_CODE_UNAVAILABLE` (unless the cache serves).
 *
 * On success writes a new `credchain_credentials` to `*out`; free it with
 * `credchain_credentials_free`. On failure `*out` is untouched and the code says why (5xx for
 * the chain, 4xx for a profile that does not exist, ...); `credchain_config_last_error` gives
 * the detailed message: for `CREDCHAIN_RESULT_CREDENTIALS_NOT_FOUND`, every provider tried and
 * why it was passed over; for a failed `credential_process`, the start of its error output. No
 * message ever holds a secret.
 *
 * # Safety
 *
 * `cfg` is NULL or a live handle; `out` is NULL or points to a writable
 * `credchain_credentials *`.
 */
credchain_result credchain_config_resolve_credentials(const struct credchain_config *cfg,
                                                      struct credchain_credentials **out);

/**
 * Sets the prompt that asks the person for an MFA code when a role with `mfa_serial` needs one
 * (see `credchain_prompt_callback`), with the `userdata` passed to it; NULL clears it. Without
 * one, such a role fails with `CREDCHAIN_RESULT_MFA_CODE_UNAVAILABLE`: libcredchain never reads
 * the terminal itself. Works on both kinds of handle.
 *
 * The callback and `userdata` must stay valid while `credchain_config_resolve_credentials` may
 * run on the handle; it is called on that call's thread.
 *
 * # Safety
 *
 * `cfg` is NULL or a live handle not in use by another thread; `prompt` is NULL or follows the
 * contract of `credchain_prompt_callback`.
 */
credchain_result credchain_config_set_prompt(struct credchain_config *cfg,
                                             credchain_prompt_callback prompt,
                                             void *userdata);

/**
 * Frees credentials, first writing zeros over every secret they hold. NULL is accepted and
 * ignored. The handle must not be used afterwards.
 *
 * # Safety
 *
 * `creds` is NULL or a handle from `credchain_config_resolve_credentials` not yet freed.
 */
void credchain_credentials_free(struct credchain_credentials *creds);

/**
 * Writes the access key id (such as "AKIAIOSFODNN7EXAMPLE") into `buf`, NUL-terminated, and
 * its length without the NUL to `*out_len`. Two-call pattern: when it does not fit (pass `buf`
 * NULL and `len` 0 to ask), returns `CREDCHAIN_RESULT_BUFFER_TOO_SMALL`, leaves `buf` untouched
 * and sets `*out_len` to the size needed, NUL included.
 *
 * Thread-safe on a live handle.
 *
 * # Safety
 *
 * `creds` is NULL or a live handle; `buf` is NULL with `len` 0 or points to `len` writable
 * bytes; `out_len` is NULL or points to a writable `size_t`.
 */
credchain_result credchain_credentials_access_key_id(const struct credchain_credentials *creds,
                                                     char *buf,
                                                     size_t len,
                                                     size_t *out_len);

/**
 * Writes the secret access key, as `credchain_credentials_access_key_id` does. A secret:
 * wipe the buffer (write zeros over it) when done with it, and never log it.
 *
 * # Safety
 *
 * As `credchain_credentials_access_key_id`.
 */
credchain_result credchain_credentials_secret_access_key(const struct credchain_credentials *creds,
                                                         char *buf,
                                                         size_t len,
                                                         size_t *out_len);

/**
 * Writes the session token of temporary credentials, as `credchain_credentials_access_key_id`
 * does; returns `CREDCHAIN_RESULT_NOT_SET` (outputs untouched) for long-term keys, which have
 * none. A secret, often over 1,000 bytes: use the two-call pattern, wipe the buffer when done
 * with it, and never log it.
 *
 * # Safety
 *
 * As `credchain_credentials_access_key_id`.
 */
credchain_result credchain_credentials_session_token(const struct credchain_credentials *creds,
                                                     char *buf,
                                                     size_t len,
                                                     size_t *out_len);

/**
 * Writes the AWS account id the credentials belong to (`AWS_ACCOUNT_ID`, `aws_account_id`,
 * or the `AccountId` of a `credential_process`), as `credchain_credentials_access_key_id`
 * does; returns `CREDCHAIN_RESULT_NOT_SET` when it is not known.
 *
 * # Safety
 *
 * As `credchain_credentials_access_key_id`.
 */
credchain_result credchain_credentials_account_id(const struct credchain_credentials *creds,
                                                  char *buf,
                                                  size_t len,
                                                  size_t *out_len);

/**
 * Writes when the credentials expire, in seconds since the Unix epoch (UTC), to
 * `*unix_seconds_out`; returns `CREDCHAIN_RESULT_NOT_SET` (output untouched) when they do not
 * expire (long-term keys).
 *
 * # Safety
 *
 * `creds` is NULL or a live handle; `unix_seconds_out` is NULL or points to a writable
 * `int64_t`.
 */
credchain_result credchain_credentials_expiration(const struct credchain_credentials *creds,
                                                  int64_t *unix_seconds_out);

/**
 * Writes the provider that gave the credentials to `*provider_out`: for a role, the role's
 * provider (`CREDCHAIN_PROVIDER_ASSUME_ROLE`), not its source's.
 *
 * # Safety
 *
 * `creds` is NULL or a live handle; `provider_out` is NULL or points to a writable
 * `credchain_provider`.
 */
credchain_result credchain_credentials_provider(const struct credchain_credentials *creds,
                                                credchain_provider *provider_out);

/**
 * The AWS CLI's name for `provider` (a `credchain_provider` value), such as "env",
 * "shared-credentials-file" or "custom-process": a static NUL-terminated string, valid for the
 * life of the process, never freed. NULL for a number that is no `credchain_provider`.
 *
 * Thread-safe: it reads no state.
 */
const char *credchain_provider_name(uint32_t provider);

/**
 * Allocates `len` bytes (zeroed) in `buf` and returns a pointer to them, for the running
 * callback to fill. The library owns the bytes; the pointer is valid until the callback returns
 * or calls this function again on `buf` (a second call replaces the bytes, wiping the earlier
 * ones). When the callback returns success, what it delivered is the `len` bytes of the last
 * call (nothing when it made none).
 *
 * Returns NULL when `buf` is NULL, when `len` exceeds the buffer's limit (the callback's
 * result then counts as "too large", or for a content type as absent), or when memory runs out
 * (the callback's result then counts as a failure).
 *
 * # Safety
 *
 * `buf` is NULL or a buffer passed to the running callback.
 */
uint8_t *credchain_buffer_alloc(struct credchain_buffer *buf, size_t len);

/**
 * Allocates `len` bytes (zeroed) for the file being read and returns a pointer to them, for a
 * `credchain_read_file_callback` to fill. The library owns the bytes; the pointer is valid
 * until the callback returns or calls this function again (a second call replaces the buffer;
 * the earlier bytes are dropped). When the callback returns `CREDCHAIN_READ_OK`, the file's
 * contents are the `len` bytes of the last call.
 *
 * Returns NULL when `file` is NULL, when `len` exceeds `CREDCHAIN_MAX_FILE_BYTES` (the read
 * then fails with `CREDCHAIN_RESULT_FILE_TOO_LARGE` whatever the callback returns), or when
 * memory runs out (`CREDCHAIN_RESULT_FILE_READ_FAILED`).
 *
 * # Safety
 *
 * `file` is NULL or the buffer passed to the running `credchain_read_file_callback`.
 */
uint8_t *credchain_file_buffer_alloc(struct credchain_file_buffer *file, size_t len);

/**
 * Makes a handle over I/O the caller supplies (see `credchain_callbacks` for the contract):
 * the variables that locating the files, every setting and the credential plan consult are
 * fetched through `get_env` and kept, the config and credentials files are located from them
 * (as `credchain_config_new_host` does from the process), read through `read_file` and parsed.
 * A missing file is not an error.
 *
 * On success writes the new handle to `*out`; free it with `credchain_config_free`. Later,
 * only `credchain_config_resolve_credentials` calls back. On failure `*out` is untouched and
 * `credchain_thread_last_error` gives the detailed message.
 *
 * # Safety
 *
 * `callbacks` is NULL or points to a valid `credchain_callbacks` of its `struct_size`, whose
 * functions follow their contracts; `opts` is NULL or points to a valid `credchain_options`;
 * `out` is NULL or points to a writable `credchain_config *`.
 */
credchain_result credchain_config_new_callbacks(const struct credchain_callbacks *callbacks,
                                                const struct credchain_options *opts,
                                                struct credchain_config **out);

/**
 * Makes a resolver over `cfg`, which it takes over: on success `cfg` belongs to the resolver
 * (do not use or free it; `credchain_resolver_free` frees it), and the new resolver is written
 * to `*out`. On failure (a NULL parameter) nothing changes.
 *
 * The handle's callbacks, if it has any, will then be called from whichever thread calls
 * `credchain_resolver_credentials`, one resolution at a time (never two at once); the `now`
 * callback may be called from several threads at once and must allow that.
 *
 * # Safety
 *
 * `cfg` is NULL or a live handle not in use by another thread; `out` is NULL or points to a
 * writable `credchain_resolver *`.
 */
credchain_result credchain_resolver_new(struct credchain_config *cfg,
                                        struct credchain_resolver **out);

/**
 * Gives credentials for the resolver's profile: the ones it holds while they are more than 5
 * minutes from their expiry (or have none), else newly resolved ones (see
 * `credchain_config_resolve_credentials` for how). Safe to call from many threads at once: one
 * resolution runs at a time; callers that arrive during it get the held credentials if they
 * have not expired, else wait for its result. When a refresh fails but the held credentials
 * have not yet expired, those are given (as botocore does).
 *
 * On success writes a new `credchain_credentials` (a copy, the caller's to free with
 * `credchain_credentials_free`) to `*out`. On failure `*out` is untouched; the detailed
 * message is the calling thread's `credchain_thread_last_error`.
 *
 * # Safety
 *
 * `resolver` is NULL or a live resolver; `out` is NULL or points to a writable
 * `credchain_credentials *`.
 */
credchain_result credchain_resolver_credentials(const struct credchain_resolver *resolver,
                                                struct credchain_credentials **out);

/**
 * How many resolutions the resolver has started (for tests and diagnostics: a caller can see
 * that concurrent requests shared one refresh). NULL gives 0.
 *
 * # Safety
 *
 * `resolver` is NULL or a live resolver.
 */
uint64_t credchain_resolver_resolutions(const struct credchain_resolver *resolver);

/**
 * Frees a resolver, the configuration handle it took over and the credentials it holds (wiped).
 * NULL is accepted and ignored. No other thread may be using it.
 *
 * # Safety
 *
 * `resolver` is NULL or a resolver from `credchain_resolver_new` not yet freed and not in use.
 */
void credchain_resolver_free(struct credchain_resolver *resolver);

/**
 * Sets `key` to `value` in the section `section` of one of the shared files the handle was
 * made from (`file`: `CREDCHAIN_FILE_CONFIG` or `CREDCHAIN_FILE_CREDENTIALS`, at the paths
 * located when the handle was made), as the AWS CLI's writer does for `aws configure set`; with
 * `value` NULL, deletes the key's line instead. All strings are NUL-terminated UTF-8.
 *
 * `section` is the name as written between the brackets: `default`, `profile dev` or
 * `sso-session corp` in the config file, the bare profile name in the credentials file. Quote
 * a name holding whitespace as the AWS CLI does (`profile 'my profile'`). A section that is not
 * there is added at the end of the file, and a missing file is created.
 *
 * What is written: the key's line is replaced by `key = value` where the section has it, and
 * otherwise the line goes after the section's last key; every other line is kept byte for
 * byte (comments, blank lines, line ends). The file is read when this is called, not taken
 * from the handle; the handle's own copy is not updated: make a new handle to read the edit.
 *
 * How: with a `credchain_config_new_host` handle, the file is replaced atomically (a
 * temporary file in the same directory, then a rename), keeping an existing file's mode and
 * owner; a new file gets mode 0600 and missing directories 0700; other credchain processes
 * writing the same file wait their turn, and an edit made by another program between the read
 * and the replacement is kept (the file is read and edited again). With a
 * `credchain_config_new_callbacks` handle, the file is read through `read_file` and written
 * through `write_file`, which should then be as atomic and private as it is for caches; the
 * file is read once more just before the write, and edited again if it changed, but nothing
 * serialises writers beyond that.
 *
 * Returns `CREDCHAIN_RESULT_INVALID_EDIT` for a line break in `section`, `key` or `value`
 * (the AWS CLI's rule) or an unknown `file`; 21x when the file cannot be read; 300 when it is
 * not UTF-8; 61x when it cannot be written (the file is then as it was). The detailed message
 * (`credchain_config_last_error`) names the file; it never holds the value, which may be a
 * secret.
 *
 * Uses the handle as `credchain_config_resolve` does: one thread at a time.
 *
 * # Safety
 *
 * `cfg` is NULL or a live handle; `section` and `key` are NULL or NUL-terminated; `value` is
 * NULL or NUL-terminated.
 */
credchain_result credchain_config_edit(const struct credchain_config *cfg,
                                       credchain_file file,
                                       const char *section,
                                       const char *key,
                                       const char *value);

/**
 * Sets `name` to `value` as `aws configure set NAME VALUE` does, for the handle's profile
 * (its `credchain_options.profile`, else `AWS_PROFILE`, else `default`): `region` goes to the
 * profile's section of the config file, `default.KEY` and `profile.NAME.KEY` to that profile,
 * `plugins.KEY` to `[plugins]`, a nested `A.B` (`s3.max_concurrent_requests`) under `A =`,
 * and `aws_access_key_id`, `aws_secret_access_key`, `aws_session_token` and
 * `aws_security_token` to the credentials file under the bare profile name. A profile name
 * with whitespace is quoted as the AWS CLI quotes it (`[profile 'my profile']`). Both strings
 * are NUL-terminated UTF-8. For `[sso-session]` and `[services]` sections, and to delete a key,
 * use `credchain_config_edit`.
 *
 * How the file is written, what the handle sees afterwards, threading and the results are as
 * for `credchain_config_edit`; a name `aws configure set` refuses (`a.b.c`: "Deep nesting of
 * properties is not supported") is `CREDCHAIN_RESULT_INVALID_EDIT`. Unlike the AWS CLI, no
 * warning is printed for a credentials file others may read: the library prints nothing.
 *
 * # Safety
 *
 * `cfg` is NULL or a live handle; `name` and `value` are NULL or NUL-terminated.
 */
credchain_result credchain_config_set(const struct credchain_config *cfg,
                                      const char *name,
                                      const char *value);

/**
 * Checks the shared files' texts for problems the AWS CLI is silent about or reports late
 * (`credchain lint`): lines the AWS CLI and the SDKs read differently, duplicate sections and
 * keys, unknown keys, `[profile x]` in the credentials file, references that name nothing,
 * role chains that loop, values over several lines, long-term keys in plain text, files
 * readable by group or others. Pure: it reads no file and no variable.
 *
 * `config` and `credentials` are the files' bytes (`config_len`, `credentials_len` of them);
 * NULL with length 0 means the file does not exist. `config_mode` and `credentials_mode` are
 * their Unix permission bits (`st_mode`), or -1 when unknown (no permission finding then).
 * On success writes a new `credchain_lint_findings` to `*out`, the caller's to free with
 * `credchain_lint_findings_free`; the texts may be freed as soon as this returns. Thread-safe.
 *
 * Returns `CREDCHAIN_RESULT_NULL_PARAMETER` for a NULL `out` or a NULL text with a length
 * (the message is kept for `credchain_thread_last_error`, as for the other calls without a handle).
 *
 * # Safety
 *
 * Each text pointer is NULL with length 0 or points to that many readable bytes; `out` is NULL
 * or points to a writable `credchain_lint_findings *`.
 */
credchain_result credchain_lint(const uint8_t *config,
                                size_t config_len,
                                int64_t config_mode,
                                const uint8_t *credentials,
                                size_t credentials_len,
                                int64_t credentials_mode,
                                struct credchain_lint_findings **out);

/**
 * The number of findings; 0 for NULL.
 *
 * # Safety
 *
 * `findings` is NULL or a live `credchain_lint_findings`.
 */
size_t credchain_lint_findings_count(const struct credchain_lint_findings *findings);

/**
 * Writes finding `index` (from 0, in file then line order: config file first) to `*out`. Its
 * strings belong to `findings` and stay valid until it is freed. Returns
 * `CREDCHAIN_RESULT_INDEX_OUT_OF_RANGE` (output untouched) when `index` is not below the count.
 *
 * # Safety
 *
 * `findings` is NULL or a live `credchain_lint_findings`; `out` is NULL or points to a
 * writable `credchain_lint_finding`.
 */
credchain_result credchain_lint_findings_get(const struct credchain_lint_findings *findings,
                                             size_t index,
                                             struct credchain_lint_finding *out);

/**
 * Frees the findings and every string they hold. NULL is accepted and ignored.
 *
 * # Safety
 *
 * `findings` is NULL or a `credchain_lint_findings` from `credchain_lint` not yet freed.
 */
void credchain_lint_findings_free(struct credchain_lint_findings *findings);

#ifdef __cplusplus
}  // extern "C"
#endif  // __cplusplus

#endif  /* CREDCHAIN_H */
