// Type definitions for credchain, written by hand (the module's bindings are in
// wasm/src/lib.rs; a change there changes these).
//
// credchain resolves AWS configuration and credentials exactly as the AWS CLI v2 does: it
// finds the config and credentials files from the environment, reads them through a host you
// choose, parses them and resolves a setting by precedence (option > environment variable >
// profile > default), saying where the value came from; and it resolves credentials through the
// AWS CLI's provider chain, in its order, saying why each provider was passed over. Every
// function returns a promise; nothing is kept between calls, so each call sees the files and
// the environment as they are then (caches on disk, written through the host, are the AWS CLI's).
//
//     import { resolveSetting, resolveCredentials, nodeHost } from 'credchain';
//     const region = await resolveSetting('region', { host: nodeHost() });
//     // { value: 'eu-west-1', source: { kind: 'config-file', path: '/home/me/.aws/config', line: 4 } }
//     const credentials = await resolveCredentials({ host: nodeHost(), profile: 'dev' });
//     // { accessKeyId: 'AKIA...', secretAccessKey: '...', provider: 'shared-credentials-file' }

/** How to read the shared files: as the AWS CLI v2 does (the default), or as the AWS SDKs'
 * shared profile-file spec does (for programs that sit beside an SDK). They differ on edge
 * cases: in the AWS CLI's reading `output = json # note` is the value `json # note`; in the
 * SDKs' it is `json`. */
export type Dialect = 'awscli' | 'sdk';

/** The operating-system family, which decides the home directory (`HOME` on Unix;
 * `USERPROFILE`, else `HOMEDRIVE` + `HOMEPATH` on Windows), the path separator, and whether
 * variable names are case-insensitive (on Windows they are). */
export type Platform = 'unix' | 'windows';

/** The contents of a file as a host returns them: bytes (UTF-8 text), a string, or `null`
 * when nothing exists at the path (a missing file reads as empty, as in the AWS CLI). */
export type FileContents = Uint8Array | string | null;

/**
 * Where credchain gets the environment and the files, and, for credentials, how it writes
 * caches, runs programs, calls services, asks the person at the terminal and reads the clock.
 * Use {@link nodeHost} in Node.js, {@link memoryHost} anywhere, or any object of this shape.
 * Only `env` and `readFile` are required: a host without one of the others cannot do what it
 * does, and a provider that needs it fails (or, for `writeFile`, goes on without caching).
 *
 * A function that fails rejects (or throws) with an error whose `code` (or whose `cause`'s
 * `code`) says why: one of {@link HostErrorCode}, or Node's own (`ENOENT`, `EACCES`, `EPERM`,
 * `EISDIR`, `ETIMEDOUT`, `ECONNREFUSED`, `ENOTFOUND`, ...), or a `TimeoutError`
 * (what `AbortSignal.timeout` gives). Anything else counts as `'other'`.
 */
export interface Host {
  /** The environment variables. Read once at the start of each call (copied); entries whose
   * value is `undefined` are unset. Only the AWS_* variables and HOME, USERPROFILE,
   * HOMEDRIVE and HOMEPATH (and any `$VAR` in AWS_CONFIG_FILE or AWS_SHARED_CREDENTIALS_FILE)
   * are ever looked at. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Reads the whole file at `path`. Called with the config file's path, then the
   * credentials file's (each call, never for a path set to the empty string). Resolve to
   * `null` when nothing is there; reject (or throw) when the file exists but cannot be read:
   * the call then fails with a {@link ReadError} whose `cause` is what you rejected with (a
   * Node error's `code` EACCES/EPERM gives the reason `'permission-denied'`, EISDIR
   * `'not-a-file'`). A shared config or credentials file that is `'not-a-file'` reads as no
   * file, as the AWS CLI reads it. */
  readFile(path: string): Promise<FileContents> | FileContents;
  /** The platform to locate files for, unless a call's options say otherwise. Default
   * `'unix'`. */
  readonly platform?: Platform;
  /** Replaces the file at `path` with `bytes` atomically (a temporary file in the same
   * directory, then a rename), readable and writable by the owner only (mode 0600), creating
   * missing directories (mode 0700). Called when a cache is written (assume-role credentials
   * in ~/.aws/cli/cache, SSO tokens). Absent: nothing is cached. */
  writeFile?(path: string, bytes: Uint8Array): Promise<void> | void;
  /** Replaces the shared config or credentials file at `path` with `bytes`, for
   * {@link configureSet}: atomically, as `writeFile` does, but keeping an existing file's mode
   * and owner (a new file is private, 0600). Absent: `writeFile` is used. Without either,
   * `configureSet` fails with a {@link WriteError} of reason `'unsupported'`. */
  writeSharedFile?(path: string, bytes: Uint8Array): Promise<void> | void;
  /** Runs `argv[0]` with the arguments `argv.slice(1)`, without a shell and with no standard
   * input; stops it (and rejects with code `'timeout'`) after `timeoutMs`, and (with code
   * `'too-large'`) when a stream passes `maxOutputBytes`; rejects with code `'not-found'` or
   * `ENOENT` when there is no such program. Called once per `credential_process` run. Absent:
   * credential_process fails with {@link ProcessFailedError} reason `'unsupported'`. */
  run?(argv: string[], limits: RunLimits): Promise<RunResult> | RunResult;
  /** Sends one HTTP request and resolves to its response, whatever its status (4xx and 5xx
   * are responses); follows no redirects; the whole exchange within `timeoutMs` (else rejects
   * with `'timeout'`), a body longer than `maxBodyBytes` rejects with `'too-large'`, no
   * connection with `'connect'`. Called for STS and the other services. {@link webFetch} is
   * this over the global `fetch`. Absent: no service can be called. */
  fetch?(request: HttpRequest): Promise<HttpResponse> | HttpResponse;
  /** Shows `question` to the person and resolves to the line they typed (an MFA code).
   * Rejecting, or resolving to anything but a string, means they gave no answer. Absent:
   * nobody can be asked. */
  prompt?(question: string): Promise<string> | string;
  /** The current time in Unix seconds (sync). Absent: `Date.now() / 1000`. Decides whether
   * credentials and caches have expired. */
  now?(): number;
  /** Waits `ms` milliseconds. Called between the attempts of a retried service call (STS, the
   * IAM Identity Center portal, SSO-OIDC, AWS Sign-In, as the AWS CLI's `retry_mode` and
   * `max_attempts` say), never when a call succeeds at once. Absent: a `setTimeout` promise. */
  sleep?(ms: number): Promise<void> | void;
  /** A random number in [0, 1) for the jitter of those waits (sync). Absent: `Math.random()`. */
  random?(): number;
}

/** Why a host function failed, as the `code` of what it rejects with. */
export type HostErrorCode =
  | 'not-found'
  | 'permission-denied'
  | 'not-a-file'
  | 'timeout'
  | 'too-large'
  | 'connect'
  | 'invalid-url'
  | 'unsupported';

/** The limits of one {@link Host.run}. */
export interface RunLimits {
  /** Stop the program after this many milliseconds. */
  timeoutMs: number;
  /** Stop it when stdout or stderr passes this many bytes. */
  maxOutputBytes: number;
}

/** What a finished program left. */
export interface RunResult {
  /** The exit status; `null` when a signal ended it. */
  status: number | null;
  /** Its standard output (a string is taken as UTF-8). */
  stdout: Uint8Array | string;
  /** Its standard error. */
  stderr: Uint8Array | string;
}

/** An HTTP request credchain asks a host to send. */
export interface HttpRequest {
  /** `'GET'`, `'PUT'`, `'POST'`. */
  method: string;
  /** The full URL. */
  url: string;
  /** The headers, in order, as `[name, value]` pairs (what `fetch` accepts as `headers`). The
   * host adds `Host` and `Content-Length`. Values may hold signatures and tokens: never log
   * them. */
  headers: [string, string][];
  /** The body (empty for none). */
  body: Uint8Array;
  /** The whole exchange must finish within this many milliseconds. */
  timeoutMs: number;
  /** A longer response body is a failure (`'too-large'`). */
  maxBodyBytes: number;
}

/** An HTTP response. */
export interface HttpResponse {
  /** The status code. */
  status: number;
  /** The `Content-Type` header, when there is one. */
  contentType?: string | null;
  /** The body (a string is taken as UTF-8). */
  body: Uint8Array | string;
}

/** The options of every function. */
export interface Options {
  /** The environment and the files. */
  host: Host;
  /** The profile, as `--profile` does: over AWS_PROFILE and AWS_DEFAULT_PROFILE. A profile
   * named here (or by those variables) must exist, else the call fails with
   * {@link ProfileNotFoundError}; the empty string counts as not given. */
  profile?: string;
  /** The region, as `--region` does: over AWS_REGION, AWS_DEFAULT_REGION and the profile. */
  region?: string;
  /** The output format, as `--output` does: over AWS_DEFAULT_OUTPUT and the profile. */
  output?: string;
  /** How to read the files. Default `'awscli'`. */
  dialect?: Dialect;
  /** The platform to locate the files for. Default: the host's, else `'unix'`. */
  platform?: Platform;
}

/** Where a resolved value came from. */
export type Source =
  /** An option of the call, by the AWS CLI option it stands for (`'--region'`). */
  | { kind: 'option'; name: string }
  /** An environment variable, by name (`'AWS_REGION'`). */
  | { kind: 'env'; name: string }
  /** A line of the config file (`path` as located, `line` 1-based). */
  | { kind: 'config-file'; path: string; line: number }
  /** A line of the shared credentials file. */
  | { kind: 'credentials-file'; path: string; line: number }
  /** The setting's documented default. */
  | { kind: 'default' };

/** A resolved setting. */
export interface Resolved {
  /** The value. A value continued over several lines in a file has them joined with `\n`. */
  value: string;
  /** Where it came from. */
  source: Source;
}

/** The names of the settings credchain resolves (the AWS CLI v2's), for
 * {@link resolveSetting}. */
export type SettingName =
  | 'profile'
  | 'region'
  | 'output'
  | 'config_file'
  | 'credentials_file'
  | 'ca_bundle'
  | 'endpoint_url'
  | 'ignore_configured_endpoint_urls'
  | 'cli_pager'
  | 'cli_binary_format'
  | 'cli_auto_prompt'
  | 'cli_timestamp_format'
  | 'metadata_service_timeout'
  | 'metadata_service_num_attempts'
  | 'ec2_metadata_service_endpoint'
  | 'ec2_metadata_service_endpoint_mode'
  | 'ec2_metadata_v1_disabled'
  | 'use_dualstack_endpoint'
  | 'use_fips_endpoint'
  | 'retry_mode'
  | 'max_attempts'
  | 'sts_regional_endpoints'
  | 'duration_seconds'
  | 'sdk_ua_app_id'
  | 'account_id_endpoint_mode'
  | 'request_checksum_calculation'
  | 'response_checksum_validation'
  | 'disable_request_compression'
  | 'request_min_compression_size_bytes'
  | 'sigv4a_signing_region_set'
  | 'auth_scheme_preference';

/**
 * Resolves the setting `name` for the active profile by precedence: the call's option, then
 * the environment variables in the AWS CLI's order, then the profile's key (credentials file
 * over config file), then the default. The active profile is `options.profile`, else
 * AWS_PROFILE, else AWS_DEFAULT_PROFILE, else `default`.
 *
 * Resolves to `null` when nothing sets the setting and it has no default. Rejects with a
 * {@link CredchainError}: UnknownSetting for a name not in {@link SettingName},
 * ProfileNotFound, InvalidRegion (a region that is not a valid host label), ParseError,
 * ReadError, PathTooLong, InvalidArgument.
 */
export function resolveSetting(
  name: SettingName | (string & {}),
  options: Options,
): Promise<Resolved | null>;

/**
 * Every profile name: the config file's first, then those only in the credentials file, each
 * once, in the order they first appear, as `aws configure list-profiles` prints them. The
 * active profile need not exist. Rejects with ParseError, ReadError,
 * PathTooLong or InvalidArgument.
 */
export function listProfiles(options: Options): Promise<string[]>;

/**
 * What `aws configure get NAME` prints: the value in the files only (never the environment
 * or options, except to choose the profile). `name` is a key of the active profile
 * (`region`), a sub-property (`s3.max_concurrent_requests`), `profile.NAME.key`, or
 * `NAME.key` where NAME is a profile. Resolves to `null` when the key is not set. Rejects as
 * {@link resolveSetting} does (there is no UnknownSetting: any key may be asked for).
 */
export function configureGet(name: string, options: Options): Promise<string | null>;

/** The options of {@link configureSet}: those of every call, and the section to write in when
 * it is not a profile's. */
export interface ConfigureSetOptions extends Options {
  /** Write in `[sso-session NAME]` (as `--sso-session`): `name` is `KEY` or `KEY.SUBKEY`. */
  ssoSession?: string;
  /** Write in `[services NAME]` (as `--services`). Not with `ssoSession`. */
  services?: string;
}

/** What {@link configureSet} wrote. */
export interface ConfigureSetResult {
  /** The file written. */
  file: 'config' | 'credentials';
  /** Its path, as located. */
  path: string;
  /** The section, as between the brackets (`profile dev`, `default`, `sso-session corp`). */
  section: string;
  /** There was no file: it was created. */
  created: boolean;
}

/**
 * What `aws configure set NAME VALUE` writes, written: for the profile of `options.profile`
 * (else AWS_PROFILE, else `default`; unlike the other calls, it need not exist yet), `name` is
 * a key (`region`), a nested key (`s3.max_concurrent_requests`), `default.KEY`,
 * `profile.NAME.KEY` or `plugins.KEY`; `aws_access_key_id`, `aws_secret_access_key`,
 * `aws_session_token` and `aws_security_token` go to the credentials file under the bare
 * profile name, everything else to the config file (`[profile NAME]`, a name with whitespace
 * quoted as the AWS CLI quotes it). The file is edited as the AWS CLI's writer edits it: the
 * key's line replaced, or a new line after the section's last key, and every other line kept
 * byte for byte. It is read through the host, read again just before the write (and edited
 * again if another writer changed it), and written with `writeSharedFile` (else `writeFile`).
 * Rejects with InvalidEdit (a name `aws configure set` refuses, such as `a.b.c`, or a line
 * break in the value; the message never holds the value), ReadError, ParseError (a file that
 * is not UTF-8), WriteError, PathTooLong or InvalidArgument.
 */
export function configureSet(
  name: string,
  value: string,
  options: ConfigureSetOptions,
): Promise<ConfigureSetResult>;

/** The AWS CLI's names of the credential providers (the TYPE column of `aws configure
 * list`), in the order the AWS CLI tries them. */
export type ProviderName =
  | 'env'
  | 'assume-role'
  | 'assume-role-with-web-identity'
  | 'sso'
  | 'shared-credentials-file'
  | 'login'
  | 'custom-process'
  | 'config-file'
  | 'container-role'
  | 'iam-role';

/** AWS credentials: the only object credchain returns that holds secrets. */
export interface Credentials {
  /** The access key id. */
  accessKeyId: string;
  /** The secret access key. */
  secretAccessKey: string;
  /** The session token of temporary credentials. */
  sessionToken?: string;
  /** When temporary credentials expire. */
  expiration?: Date;
  /** The account they belong to, when known (`AWS_ACCOUNT_ID`, `aws_account_id`,
   * credential_process's `AccountId`, the assumed role's ARN). */
  accountId?: string;
  /** The provider of the active profile that gave them (for a role chain, `'assume-role'`). */
  provider: ProviderName;
}

/**
 * Resolves the active profile's credentials as the AWS CLI does: the providers in its order
 * (environment, assume role, web identity, SSO, credentials file, login, credential_process,
 * config file, container, instance metadata), the first configured one answering; role
 * chains followed through `source_profile`. Credentials already expired when they arrive are
 * refused ({@link ExpiredError}). The host runs credential_process (`run`) and calls services
 * (`fetch`).
 *
 * Rejects with a {@link CredchainError}: NoCredentials (with the providers passed over), a
 * {@link PlanErrorCode} for a configuration that cannot give credentials, ProcessFailed,
 * Expired, InvalidExpiration, CredentialTooLong, the STS call's {@link ServiceCallError}s
 * (ServiceError, HttpFailed, InvalidResponse, RequestNotSent) and {@link EndpointError}s,
 * TokenFileUnreadable, MfaFailed, InvalidRetrySetting, the network providers'
 * {@link ProviderServiceError}s and {@link ProviderConfigError}s, and those of
 * {@link resolveSetting} (ProfileNotFound, ParseError, ReadError, ...).
 * No message or field of an error holds a secret.
 */
export function resolveCredentials(options: Options): Promise<Credentials>;

/** How close to their expiry a {@link CredentialsResolver} refreshes what it holds: 300 s, what
 * {@link refreshWindowSeconds}`('credentials')` answers (the resolvers ask the module, not this
 * constant). */
export const REFRESH_WINDOW_SECONDS: number;

/** A long-lived credentials source made by {@link createCredentialsResolver}. */
export interface CredentialsResolver {
  /**
   * The credentials: the ones held while they are more than {@link REFRESH_WINDOW_SECONDS}
   * from expiry (or have none); else newly resolved ones. Calls made while a resolution is in
   * flight share it (one refresh, not many); while the held credentials have not yet expired
   * they get those at once. A failed refresh leaves unexpired credentials in use; once they
   * have expired the failure rejects, as {@link resolveCredentials} would.
   */
  credentials(): Promise<Credentials>;
  /** How many resolutions have started (diagnostics, tests). */
  readonly resolutions: number;
}

/**
 * Makes a long-lived resolver over `options` (checked now: an invalid `options` throws
 * InvalidArgument here). The time is the host's `now()` when it has one, else `Date.now()`.
 * When to refresh is the core's decision ({@link freshness} of kind `'credentials'`).
 */
export function createCredentialsResolver(options: Options): CredentialsResolver;

/** An IAM Identity Center bearer token: a secret, as {@link Credentials} are. */
export interface BearerToken {
  /** The access token, for services that take a bearer token (CodeCatalyst, Amazon Q). */
  token: string;
  /** When it expires. */
  expiration: Date;
}

/**
 * The active profile's IAM Identity Center bearer token, as `credchain export-token` prints it
 * (the AWS CLI's token provider chain, botocore's `SSOTokenProvider`): the profile's
 * `sso_session` names an `[sso-session NAME]` section with `sso_start_url` and `sso_region`;
 * the token is the one `aws sso login` cached in `~/.aws/sso/cache/<SHA-1 of NAME>.json` (read
 * through the host's `readFile`), refreshed through SSO-OIDC CreateToken (the host's `fetch`)
 * when fewer than 15 minutes remain and the file allows it, the refreshed file written back
 * through `writeFile`. The profile needs no account or role.
 *
 * Rejects with a {@link CredchainError}: NoSsoSession (the profile has no `sso_session`),
 * SsoSessionNotFound, SsoIncomplete, MultiLineValue (the session is misconfigured),
 * SsoLoginRequired (no cached token, an expired one that could not be refreshed: run
 * `aws sso login`), the SSO-OIDC call's {@link ProviderServiceError}s (HttpFailed, ...),
 * InvalidRetrySetting, {@link EndpointError}s, and those of {@link resolveSetting}
 * (ProfileNotFound, ParseError, ReadError, ...). No message or field holds the token.
 */
export function exportToken(options: Options): Promise<BearerToken>;

/** A long-lived bearer-token source made by {@link createTokenResolver}. */
export interface TokenResolver {
  /**
   * The token: the one held while more than {@link refreshWindowSeconds}`('token')` (15
   * minutes, when the AWS CLI refreshes it) remain; else newly resolved through
   * {@link exportToken} (which refreshes it through SSO-OIDC). Calls made while a resolution
   * is in flight share it; while the held token has not yet expired they get it at once. A
   * failed refresh leaves an unexpired token in use; once it has expired the failure rejects.
   */
  token(): Promise<BearerToken>;
  /** How many resolutions have started (diagnostics, tests). */
  readonly resolutions: number;
}

/**
 * Makes a long-lived token resolver over `options`, as {@link createCredentialsResolver} does
 * for credentials (the same helper, the core's {@link freshness} of kind `'token'`).
 */
export function createTokenResolver(options: Options): TokenResolver;

/** What a long-lived resolver does with what it holds: serve it (`'fresh'`), fetch anew while
 * it may still be served (`'refresh'`), or fetch anew and not serve it (`'expired'`). */
export type Freshness = 'fresh' | 'refresh' | 'expired';

/** What is held: AWS credentials (refreshed 5 minutes or less before expiry, as the C
 * library's and `credchain serve`'s resolvers do) or an IAM Identity Center bearer token
 * (refreshed when fewer than 15 minutes remain, as the AWS CLI does). */
export type RefreshKind = 'credentials' | 'token';

/**
 * The core's refresh policy, the one the resolvers follow: how a value expiring at
 * `expiration` (a `Date` or Unix seconds; `null` or `undefined`: never) stands at `now` (a
 * `Date` or Unix seconds, default the current time), for `kind` (default `'credentials'`).
 * `'expired'` from the expiry itself on. Synchronous: the module must be loaded (after
 * {@link initialize} or any other call), else it throws NotInitialized; a bad argument throws
 * InvalidArgument.
 */
export function freshness(
  expiration: Date | number | null | undefined,
  now?: Date | number,
  kind?: RefreshKind,
): Freshness;

/** How many seconds before its expiry a value of `kind` (default `'credentials'`) is
 * refreshed: 300 for credentials, 900 for a token. Synchronous, as {@link freshness}. */
export function refreshWindowSeconds(kind?: RefreshKind): number;

/** Why a provider was passed over. */
export type SkipReason =
  /** `profile` was given (as `--profile`), which turns the environment provider off. */
  | 'profile-from-option'
  | 'no-environment-keys'
  | 'no-role-arn'
  /** The profile has `role_arn` with `web_identity_token_file`: web identity handles it. */
  | 'role-is-web-identity'
  | 'no-web-identity-token'
  /**
   * `profile` was given (as `--profile`) and the profile has no `web_identity_token_file`:
   * `AWS_WEB_IDENTITY_TOKEN_FILE`, `AWS_ROLE_ARN` and `AWS_ROLE_SESSION_NAME` are ignored.
   */
  | 'web-identity-env-ignored-for-option'
  | 'no-sso-role'
  | 'not-in-credentials-file'
  | 'no-access-key-in-credentials-file'
  | 'no-login-session'
  | 'no-credential-process'
  | 'not-in-config-file'
  | 'no-access-key-in-config-file'
  | 'no-container-endpoint'
  | 'instance-metadata-disabled';

/** A provider passed over. */
export interface SkippedProvider {
  /** The provider. */
  provider: ProviderName;
  /** Why, by a stable name. */
  reason: SkipReason;
  /** Why, in words. */
  description: string;
}

/** A configured value and where it is. */
export interface SourcedValue {
  value: string;
  source: Source;
}

/** Where a secret is configured (never its value). */
export interface SecretSource {
  source: Source;
}

/** One step of the chosen provider: the first credentials, then each AssumeRole in order. */
export type Step =
  /** Keys from the environment, the credentials file or the config file (`profile` is
   * absent for the environment). */
  | {
      kind: 'static-keys';
      profile?: string;
      accessKeyId: SecretSource;
      secretAccessKey: SecretSource;
      sessionToken?: SecretSource;
      /** `AWS_CREDENTIAL_EXPIRATION`. */
      expiration?: SourcedValue;
      accountId?: SourcedValue;
    }
  /** Run `credential_process` (where it is configured; its arguments may hold a token). */
  | { kind: 'process'; profile: string; command: SecretSource }
  /** AssumeRoleWithWebIdentity with a token file. */
  | {
      kind: 'web-identity';
      profile?: string;
      roleArn: SourcedValue;
      tokenFile: SourcedValue;
      sessionName?: SourcedValue;
    }
  /** IAM Identity Center. */
  | {
      kind: 'sso';
      profile: string;
      session?: SourcedValue;
      startUrl: SourcedValue;
      region: SourcedValue;
      accountId: SourcedValue;
      roleName: SourcedValue;
    }
  /** A console login session. */
  | { kind: 'login'; profile: string; session: SourcedValue }
  /** A role profile's `credential_source`. */
  | {
      kind: 'credential-source';
      profile?: string;
      name: 'Environment' | 'Ec2InstanceMetadata' | 'EcsContainer';
    }
  /** The container endpoint. */
  | { kind: 'container' }
  /** EC2 instance metadata. */
  | { kind: 'instance-metadata' }
  /** One AssumeRole call, signed with the previous step's credentials. */
  | {
      kind: 'assume-role';
      profile: string;
      roleArn: SourcedValue;
      sourceProfile?: SourcedValue;
      sessionName?: SourcedValue;
      externalId?: SourcedValue;
      mfaSerial?: SourcedValue;
      durationSeconds?: SourcedValue;
    };

/** The plan of {@link explainCredentials}. */
export interface CredentialsExplanation {
  /** The active profile. */
  profile: string;
  /** What chose it: `{ kind: 'option', name: '--profile' }`, `{ kind: 'env', name:
   * 'AWS_PROFILE' }` or `{ kind: 'default' }`. */
  profileSource: Source;
  /** The providers passed over, in order. */
  skipped: SkippedProvider[];
  /** The provider that answers and its steps; `null` when none is configured. */
  chosen: { provider: ProviderName; steps: Step[] } | null;
  /** How the service calls (STS, IAM Identity Center, SSO-OIDC, Sign-In) are retried, with
   * where each setting came from; `null` when a setting is invalid (see `retriesError`). */
  retries: {
    mode: 'standard' | 'adaptive';
    modeSource: Source;
    maxAttempts: number;
    maxAttemptsSource: Source;
  } | null;
  /** Why a retry setting is invalid (as {@link resolveCredentials} would report it when it
   * calls a service), else `null`. */
  retriesError: string | null;
}

/**
 * Which credentials {@link resolveCredentials} would use and why, without getting them: no
 * program is run and no service called; only the two files are read. Never holds a secret.
 * Rejects with the plan's errors ({@link PlanErrorCode}) and those of {@link resolveSetting}.
 */
export function explainCredentials(options: Options): Promise<CredentialsExplanation>;

/** The stable codes of {@link lint}'s findings: the same strings as `credchain lint --format
 * json` and the C library's `credchain_lint`. */
export type LintCode =
  | 'awscli-unreadable'
  | 'sdk-unreadable'
  | 'duplicate-section'
  | 'duplicate-key'
  | 'inline-comment'
  | 'quoting'
  | 'default-section'
  | 'continuation'
  | 'dialect-difference'
  | 'unknown-key'
  | 'profile-prefix-in-credentials'
  | 'source-profile-not-found'
  | 'sso-session-not-found'
  | 'invalid-credential-source'
  | 'role-chain-cycle'
  | 'multi-line-value'
  | 'long-term-key'
  | 'file-permissions';

/** The files {@link lint} reads: their texts (absent or `null`: no such file) and, when known,
 * their Unix permission bits (`(await stat(path)).mode`). */
export interface LintFiles {
  config?: string | Uint8Array | null;
  credentials?: string | Uint8Array | null;
  configMode?: number | null;
  credentialsMode?: number | null;
}

/** One problem {@link lint} found. */
export interface LintFinding {
  /** What it is about (stable). */
  code: LintCode;
  /** `error`: the AWS CLI fails on it; `warning`: likely a mistake, or read differently by
   * the SDKs; `info`: worth knowing. */
  severity: 'error' | 'warning' | 'info';
  /** Which file. */
  file: 'config' | 'credentials';
  /** The 1-based line; `null` for the file as a whole (its permissions). */
  line: number | null;
  /** What is wrong (never a secret's value). */
  message: string;
  /** What to do about it. */
  fix: string;
}

/**
 * `credchain lint` on the given texts, pure (no host: nothing is read): lines the AWS CLI and
 * the SDKs read differently, duplicate sections and keys, unknown keys (with a "did you mean"),
 * `[profile x]` in the credentials file, a `source_profile`, `sso_session` or
 * `credential_source` that names nothing, role chains that loop, values over several lines,
 * long-term keys in plain text and files readable by group or others. Resolves to the findings,
 * config file first, each in line order (`[]` for clean files). Rejects with InvalidArgument
 * for a text that is not a string or Uint8Array, or a mode that is not a whole number.
 */
export function lint(files: LintFiles): Promise<LintFinding[]>;

/**
 * The host of a Node.js process:
 * - `env`: `env` (default `process.env`, read anew at each call), also the environment of the
 *   programs it runs;
 * - `readFile`: regular files, read with the sync calls of `node:fs` (small local files, read
 *   once a call: no promise round trips), opened without waiting (ENOENT and ENOTDIR: no file;
 *   a directory, FIFO, device or socket: throws with code `'not-a-file'` unread, and the
 *   shared files then read as absent, as the AWS CLI reads them); each call returns bytes of
 *   its own (the package's own reads through this host go into one buffer it keeps);
 * - `writeFile`: atomic, mode 0600, directories made with mode 0700;
 * - `run`: `child_process.spawn` without a shell, stdin ignored, SIGKILL at the timeout or the
 *   output limit;
 * - `fetch`: {@link webFetch} over Node's `fetch`;
 * - `sleep`: a `setTimeout` promise;
 * - `prompt`: the terminal (question on stderr, answer from stdin) when stdin is a TTY, else
 *   none; `prompt` replaces it (`null`: none);
 * - the platform is `platform`, else Windows when `process.platform` is `win32`, else Unix.
 * Throws an error with code `'Unsupported'` in the browser build.
 */
export function nodeHost(options?: {
  env?: Readonly<Record<string, string | undefined>>;
  platform?: Platform;
  prompt?: ((question: string) => Promise<string> | string) | null;
}): Host;

/**
 * A host with no file system, for browsers and tests: `env` is the environment (default
 * empty) and `files` maps paths to contents (a path not in it has no file). Paths are looked
 * up exactly as located: with HOME `/home/me`, the config file is `/home/me/.aws/config`.
 * Files written (caches) go to the host's `written` map, which its reads consult first; the
 * given `files` are never changed. `fetch` (such as {@link webFetch}), `run`, `prompt`, `now`,
 * `sleep` (default: a `setTimeout` promise) and `random` are the host's when given; without
 * `fetch` no service can be called, without `run` no program run.
 *
 *     memoryHost({
 *       env: { HOME: '/home/me' },
 *       files: { '/home/me/.aws/config': '[default]\nregion = eu-west-1\n' },
 *       fetch: webFetch,
 *     })
 */
export function memoryHost(options?: {
  env?: Readonly<Record<string, string | undefined>>;
  files?:
    | Readonly<Record<string, string | Uint8Array>>
    | ReadonlyMap<string, string | Uint8Array>;
  platform?: Platform;
  fetch?: Host['fetch'];
  run?: Host['run'];
  prompt?: Host['prompt'];
  now?: Host['now'];
  sleep?: Host['sleep'];
  random?: Host['random'];
}): Host & { readonly written: Map<string, Uint8Array> };

/**
 * {@link Host.fetch} over the WHATWG `fetch` (browsers, Node.js): no redirects followed, the
 * exchange bounded by `request.timeoutMs` with `AbortSignal.timeout`, the body read from its
 * stream and refused past `request.maxBodyBytes`. Rejects with an error whose `code` is
 * `'timeout'`, `'connect'`, `'too-large'`, `'invalid-url'`, `'unsupported'` (no `fetch`) or
 * `'other'`, with what `fetch` rejected with as `cause`. `fetchImpl` defaults to
 * `globalThis.fetch`. In a browser page, an answer withheld by the browser's CORS check (the
 * server sent no `Access-Control-Allow-Origin` for the page, or refused the preflight) is
 * `'connect'` as no connection is: fetch rejects with the same bare `TypeError` for both, and
 * the resolution fails with {@link CredchainError} code `'HttpFailed'`, reason `'connect'`.
 */
export function webFetch(
  request: HttpRequest,
  fetchImpl?: (input: URL, init: object) => Promise<unknown>,
): Promise<HttpResponse & { contentType: string | null; body: Uint8Array }>;

/**
 * Loads the WebAssembly module. Optional: every function loads it on first use (Node.js reads
 * `dist/credchain_wasm_bg.wasm` beside the package's JS; browsers fetch it from the URL beside
 * the package's JS, which bundlers rewrite). Call it first to load the module from elsewhere:
 * its bytes, a compiled module, a URL, or a fetch response. Later calls return the first
 * call's promise.
 */
export function initialize(source?: WasmSource | Promise<WasmSource>): Promise<void>;

/** What {@link initialize} loads the module from: its bytes, its URL (fetched), a fetch
 * `Response`, or a compiled `WebAssembly.Module`. (The last two are typed where the
 * environment's types declare them: the DOM library, or @types/node for `Response`.) */
export type WasmSource =
  | ArrayBuffer
  | ArrayBufferView
  | URL
  | string
  | GlobalInstance<'Response'>
  | (typeof globalThis extends { WebAssembly: { Module: { prototype: infer M } } } ? M : never);

type GlobalInstance<Name extends string> = typeof globalThis extends {
  [K in Name]: { prototype: infer T };
}
  ? T
  : never;

/** Whether `error` is one this package threw; then `error.code` tells which. */
export function isCredchainError(error: unknown): error is CredchainError;

// ---------------------------------------------------------------------------------------------
// Errors

/**
 * Every error credchain throws: an `Error` (a `TypeError` for InvalidArgument) named
 * `'CredchainError'` whose `code` is stable and whose other fields depend on the code. Match on
 * `code`, never on `message` (the message says, in words, what is wrong and what to do).
 *
 *     try {
 *       await resolveSetting('region', { host, profile: 'prod' });
 *     } catch (e) {
 *       if (isCredchainError(e) && e.code === 'ProfileNotFound') console.log(e.profiles);
 *       else throw e;
 *     }
 */
export type CredchainError =
  | InvalidArgumentError
  | UnknownSettingError
  | PathTooLongError
  | ReadError
  | ParseError
  | ProfileNotFoundError
  | InvalidRegionError
  | PlanError
  | NoCredentialsError
  | ProcessFailedError
  | ExpiredError
  | InvalidExpirationError
  | CredentialTooLongError
  | ServiceCallError
  | ProviderServiceError
  | ProviderConfigError
  | EndpointError
  | TokenFileUnreadableError
  | InvalidRetrySettingError
  | MfaFailedError
  | InvalidEditError
  | WriteError
  | NoSsoSessionError
  | NotInitializedError
  | UnsupportedError;

/** The `code` of every {@link CredchainError}. */
export type ErrorCode = CredchainError['code'];

interface ErrorBase<Code extends string> extends Error {
  name: 'CredchainError';
  code: Code;
  /**
   * Set on the errors of a credential lookup (`resolveCredentials`, the resolver): the exit
   * status the AWS CLI v2's `aws configure export-credentials` ends with for this failure, as
   * `credchain export-credentials` does: 253 a configuration that cannot give credentials, or a
   * provider that failed while the chain was built (credential_process, the container endpoint,
   * instance metadata, a console login's file); 254 a service's error answer (STS AccessDenied);
   * 255 another failure of a deferred call (no connection, an unreadable answer, an IAM
   * Identity Center or console session that is over, an expiry found on use).
   */
  awsCliExitStatus?: 253 | 254 | 255;
}

/** An argument, an option or what the host returned is not what it must be (a TypeError). */
export interface InvalidArgumentError extends ErrorBase<'InvalidArgument'>, TypeError {
  name: 'CredchainError';
  /** Which: `'name'`, `'options'`, `'options.host'`, `'options.env'`, `'options.readFile'`
   * (also when it resolved to something that is not file contents), `'options.writeFile'`,
   * `'options.run'`, `'options.fetch'`, `'options.prompt'`, `'options.now'`,
   * `'options.sleep'`, `'options.random'` (the host's functions: not functions, or what they returned is not what they must return),
   * `'options.profile'`, `'options.region'`, `'options.output'`, `'options.dialect'`,
   * `'options.platform'`. */
  argument: string;
}

/** `resolveSetting` was asked for a name that is not a setting; the message lists them. */
export interface UnknownSettingError extends ErrorBase<'UnknownSetting'> {
  /** The name asked for. */
  setting: string;
}

/** A file's path needs the home directory and no variable gives it. */
/** A located path is longer than credchain accepts (1024 bytes). */
export interface PathTooLongError extends ErrorBase<'PathTooLong'> {
  /** The variable the path came from; `null` for the default path under the home directory. */
  variable: 'AWS_CONFIG_FILE' | 'AWS_SHARED_CREDENTIALS_FILE' | null;
}

/** A file exists but the host could not read it. */
export interface ReadError extends ErrorBase<'ReadError'> {
  /** Which file. */
  file: 'config' | 'credentials';
  /** Its path. */
  path: string;
  /** Why, as far as the host's error tells. */
  reason: 'permission-denied' | 'not-a-file' | 'too-large' | 'unsupported' | 'other';
  /** The system's error number (the magnitude of a Node error's `errno`), when known. */
  osCode: number | null;
  /** What the host's `readFile` threw or rejected with. */
  cause?: unknown;
}

/** Why a dialect refuses a file, by name. The AWS CLI dialect refuses what Python's
 * configparser refuses (`missingSectionHeader`, `duplicateSection`, `duplicateKey`,
 * `notAProperty`, `emptyKey`, `nestedWithoutEquals`, `byteOrderMark`); the SDK dialect
 * refuses the SDK spec's errors (`unterminatedSection` ... `emptySubPropertyName`); both refuse
 * what is not text (`notUtf8`, `notText`, `tooLarge`, `capacityExceeded`). */
export type ParseProblem =
  | 'notUtf8'
  | 'notText'
  | 'byteOrderMark'
  | 'tooLarge'
  | 'missingSectionHeader'
  | 'duplicateSection'
  | 'duplicateKey'
  | 'notAProperty'
  | 'emptyKey'
  | 'nestedWithoutEquals'
  | 'unterminatedSection'
  | 'outsideProfile'
  | 'continuationOutsideProperty'
  | 'expectedEquals'
  | 'emptyPropertyName'
  | 'subPropertyWithoutEquals'
  | 'emptySubPropertyName'
  | 'capacityExceeded';

/** A file the dialect cannot read as a whole (the AWS CLI fails every command on it). */
export interface ParseError extends ErrorBase<'ParseError'> {
  /** Which file. */
  file: 'config' | 'credentials';
  /** Its path. */
  path: string;
  /** The 1-based line of the problem. */
  line: number;
  /** The dialect that refused it. */
  dialect: Dialect;
  /** What is wrong. */
  problem: ParseProblem;
  /** For `duplicateSection` and `duplicateKey`: the line of the first one. */
  firstLine?: number;
}

/** The profile named by `options.profile`, AWS_PROFILE or AWS_DEFAULT_PROFILE exists in
 * neither file (the AWS CLI's ProfileNotFound); the message lists the profiles that do. */
export interface ProfileNotFoundError extends ErrorBase<'ProfileNotFound'> {
  /** The name asked for. */
  profile: string;
  /** What named it: `{ kind: 'option', name: '--profile' }` or `{ kind: 'env', name }`. */
  source: Source;
  /** The profiles that exist, in {@link listProfiles} order. */
  profiles: string[];
}

/** The region is not a valid host label (letters, digits and hyphens). */
export interface InvalidRegionError extends ErrorBase<'InvalidRegion'> {
  /** The value (its first line, for a multi-line value). */
  value: string;
  /** Where it came from. */
  source: Source;
}

/** The `code` of each configuration that cannot give credentials: the plan's errors, found
 * before anything is run or called. */
export type PlanErrorCode = PlanError['code'];

/** A configuration that cannot give credentials. Each names the profile(s) involved; a value
 * that may be a secret (the half of a key pair that is there) is given only by where it is. */
export type PlanError =
  /** `source_profile` names a profile that exists in neither file. */
  | (ErrorBase<'SourceProfileNotFound'> & { profile: string; sourceProfile: string; source: Source })
  /** The `source_profile`s come back to a profile already in the chain. */
  | (ErrorBase<'Cycle'> & { profile: string; sourceProfile: string; source: Source })
  /** `role_arn` with neither `source_profile` nor `credential_source`. */
  | (ErrorBase<'RoleWithoutSource'> & { profile: string; roleArn: string; source: Source })
  /** Both `source_profile` and `credential_source`. */
  | (ErrorBase<'BothSources'> & { profile: string })
  /** A `credential_source` other than Environment, Ec2InstanceMetadata, EcsContainer. */
  | (ErrorBase<'UnknownCredentialSource'> & { profile: string; value: string; source: Source })
  /** One key of a pair without the other. `profile` is `null` for the environment; `source`
   * is where the key that is there is; `missing` names the other. */
  | (ErrorBase<'PartialCredentials'> & { profile: string | null; missing: string; source: Source })
  /** A source profile that gives no credentials. */
  | (ErrorBase<'SourceProfileWithoutCredentials'> & { profile: string; sourceProfile: string })
  /** A web identity token file without a role ARN. */
  | (ErrorBase<'WebIdentityWithoutRole'> & { profile: string; tokenFile: string; source: Source })
  /** An SSO profile without one of its settings (from {@link exportToken}: the
   * `[sso-session]` section `session` without `sso_start_url` or `sso_region`). */
  | (ErrorBase<'SsoIncomplete'> & { profile: string; missing: string; session?: string })
  /** `sso_session` names a section that does not exist. */
  | (ErrorBase<'SsoSessionNotFound'> & { profile: string; session: string; source: Source })
  /** A key set differently in the profile and its `[sso-session]`. */
  | (ErrorBase<'SsoInconsistent'> & { profile: string; key: string })
  /** A value the chain needs spans several lines. */
  | (ErrorBase<'MultiLineValue'> & { profile: string; key: string; source: Source })
  /** More roles in a chain than `limit`. */
  | (ErrorBase<'ChainTooLong'> & { profile: string; limit: number });

/** No provider is configured, or only EC2 instance metadata and it had none to give (the AWS
 * CLI's "Unable to locate credentials"). */
export interface NoCredentialsError extends ErrorBase<'NoCredentials'> {
  /** The active profile. */
  profile: string;
  /** Every provider passed over, with why. */
  skipped: SkippedProvider[];
  /** Why the instance metadata service gave none (not reachable, no role, ...), when it was
   * tried. */
  instanceMetadata?: string;
}

/** Why credential_process gave no credentials. */
export type ProcessFailure =
  /** The command is empty or a quote does not close. */
  | 'bad-command'
  /** The command is too long or has too many arguments. */
  | 'command-too-long'
  /** The program was not found. */
  | 'not-found'
  | 'permission-denied'
  /** It ran past the timeout and was stopped. */
  | 'timeout'
  /** It wrote more than the output limit and was stopped. */
  | 'too-large'
  /** The host cannot run programs (no `run`). */
  | 'unsupported'
  /** The host's `run` failed for another reason (see `cause`). */
  | 'other'
  /** It exited with a failure status (`status`; `null` for a signal), `stderr` says why. */
  | 'exit'
  /** Its output is not the Version 1 JSON. */
  | 'bad-json'
  /** The JSON's Version is not 1 (`version`). */
  | 'unsupported-version'
  /** The JSON's Expiration is not an ISO 8601 time. */
  | 'bad-expiration';

/** credential_process failed. */
export interface ProcessFailedError extends ErrorBase<'ProcessFailed'> {
  /** The profile with `credential_process`. */
  profile: string;
  /** Where the command is configured. */
  source: Source;
  /** What went wrong. */
  reason: ProcessFailure;
  /** For `'exit'`: the exit status (`null`: a signal); else `null`. */
  status: number | null;
  /** For `'exit'`: the start of its standard error (up to 1024 bytes); else `''`. */
  stderr: string;
  /** For `'unsupported-version'`: the Version it printed. */
  version?: number;
  /** When the host's `run` rejected: what it rejected with. */
  cause?: unknown;
}

/** The credentials had expired when they arrived (the AWS CLI refuses them). */
export interface ExpiredError extends ErrorBase<'Expired'> {
  /** The provider that gave them. */
  provider: ProviderName;
  /** When they expired. */
  expiration: Date;
}

/** A configured expiry (`AWS_CREDENTIAL_EXPIRATION`) that is not an ISO 8601 time. */
export interface InvalidExpirationError extends ErrorBase<'InvalidExpiration'> {
  /** Where it is. */
  source: Source;
}

/** A credential longer than credchain keeps. */
export interface CredentialTooLongError extends ErrorBase<'CredentialTooLong'> {
  /** Which, in words (`'the session token'`). */
  field: string;
  /** The name of the limit (`'MAX_SESSION_TOKEN_LEN'`). */
  limit: string;
}

/** Where a service's endpoint came from: its variable (`AWS_ENDPOINT_URL_STS`,
 * `AWS_ENDPOINT_URL`), `endpoint_url` in a `[services NAME]` section or in the profile, or the
 * default for the region (or the global endpoint when there is no region). */
export type EndpointSource =
  | { kind: 'env'; name: string }
  | { kind: 'services-section'; section: string; key: string; source: Source }
  | { kind: 'profile'; source: Source }
  | { kind: 'regional'; regionSource: Source }
  | { kind: 'global' };

/** What every failed STS call says: which call, for which role, at which endpoint. */
interface ServiceCallFields {
  /** `'AssumeRole'` or `'AssumeRoleWithWebIdentity'`. */
  operation: 'AssumeRole' | 'AssumeRoleWithWebIdentity';
  /** The role asked for. */
  roleArn: string;
  /** The endpoint's URL. */
  endpoint: string;
  /** Where the endpoint came from. */
  endpointSource: EndpointSource;
}

/** An STS call that gave no credentials. */
export type ServiceCallError =
  /** STS answered with an error (the AWS CLI's exit status 254): `serviceCode` is STS's
   * (`AccessDenied`, `ExpiredToken`, `InvalidIdentityToken`, ...), `serviceMessage` its message
   * (`null` when it sent none or one too long to keep). */
  | (ErrorBase<'ServiceError'> &
      ServiceCallFields & { status: number; serviceCode: string; serviceMessage: string | null })
  /** No answer: the host's `fetch` failed (`reason`), within `timeoutMs` and `maxBodyBytes`;
   * `cause` is what it rejected with. */
  | (ErrorBase<'HttpFailed'> &
      ServiceCallFields & {
        reason: 'timeout' | 'connect' | 'too-large' | 'invalid-url' | 'other';
        timeoutMs: number;
        maxBodyBytes: number;
        cause?: unknown;
      })
  /** An answer that is not STS's (a proxy, a captive portal, a wrong URL). */
  | (ErrorBase<'InvalidResponse'> &
      ServiceCallFields & {
        status: number;
        problem: 'empty-body' | 'wrong-content-type' | 'not-xml' | 'malformed';
        contentType?: string;
      })
  /** The request could not be made (too long, or it could not be signed). */
  | (ErrorBase<'RequestNotSent'> & ServiceCallFields & { reason: 'request-too-long' | 'sign' });

/** What every {@link ProviderServiceError} carries. */
export interface ProviderServiceFields {
  /** The provider that called. */
  provider: 'container-role' | 'iam-role' | 'sso' | 'login';
  /** The operation, in words (`'GetRoleCredentials'`, `'the IMDSv2 token request'`). */
  operation: string;
  /** The URL called, without its query. */
  endpoint: string;
}

/** A call of a network provider (the container endpoint, instance metadata, IAM Identity
 * Center, AWS Sign-In) that gave no credentials. Nothing is written to any cache. */
export type ProviderServiceError =
  /** The service answered with an error status: its code and message when the body had them. */
  | (ErrorBase<'ServiceError'> &
      ProviderServiceFields & { status: number; serviceCode: string | null; serviceMessage: string | null })
  /** No answer: the host's `fetch` failed (`reason`), within `timeoutMs` and `maxBodyBytes`. */
  | (ErrorBase<'HttpFailed'> &
      ProviderServiceFields & {
        reason: 'timeout' | 'connect' | 'too-large' | 'invalid-url' | 'other';
        timeoutMs: number;
        maxBodyBytes: number;
        cause?: unknown;
      })
  /** An answer that is not the service's: empty, not JSON, or not the operation's answer
   * (`expected` says what was). */
  | (ErrorBase<'InvalidResponse'> &
      ProviderServiceFields & {
        status: number;
        problem: 'empty-body' | 'wrong-content-type' | 'bad-body';
        contentType?: string;
        expected?: string;
      });

/** A network provider that cannot run for a reason of its configuration or cached login; the
 * message says which and what to do. */
export type ProviderConfigError =
  /** The container endpoint cannot be used: a host plain http may not reach, an unusable URL,
   * an unreadable authorization token file. */
  | (ErrorBase<'InvalidContainerEndpoint'> & { provider: 'container-role' })
  /** An instance metadata setting (endpoint, endpoint mode, timeout, attempts) is not valid. */
  | (ErrorBase<'InvalidInstanceMetadataConfig'> & { provider: 'iam-role' })
  /** The IAM Identity Center token is missing, expired or cannot be refreshed: run
   * `aws sso login`. */
  | (ErrorBase<'SsoLoginRequired'> & { provider: 'sso' })
  /** The console login session is missing, expired or cannot be refreshed: run `aws login`. */
  | (ErrorBase<'LoginRequired'> & { provider: 'login' });

/** A service's endpoint cannot be resolved. (An invalid region is an
 * {@link InvalidRegionError}.) */
export type EndpointError =
  /** A configured URL credchain cannot call (`problem` says why). */
  | (ErrorBase<'InvalidEndpoint'> & { url?: string; endpointSource: EndpointSource; problem: string })
  /** The profile's `services` names a section the config file does not have. */
  | (ErrorBase<'ServicesSectionNotFound'> & { section: string; source: Source })
  /** The service needs a region and none is configured. */
  | (ErrorBase<'NoRegion'> & { service: string })
  /** `use_fips_endpoint` or `use_dualstack_endpoint` is set and no URL is configured: set
   * `variable` to the endpoint's URL. */
  | (ErrorBase<'EndpointVariantUnsupported'> & {
      service: string;
      variable: string;
      setting: string;
      source: Source;
    });

/** The web identity token file cannot be read. */
export interface TokenFileUnreadableError extends ErrorBase<'TokenFileUnreadable'> {
  /** Its path. */
  path: string;
  /** Where the path is configured. */
  source: Source;
  /** `'missing'` (or not text), else as {@link ReadError}'s. */
  reason: 'missing' | 'permission-denied' | 'not-a-file' | 'too-large' | 'unsupported' | 'other';
  /** What the host's `readFile` rejected with. */
  cause?: unknown;
}

/** `retry_mode` is not `standard` or `adaptive` (the AWS CLI v2 has no `legacy` mode), or
 * `max_attempts` is not a whole number of 1 or more. Reported when a retried service call (STS,
 * the IAM Identity Center portal, SSO-OIDC, AWS Sign-In) is about to be made. */
export interface InvalidRetrySettingError extends ErrorBase<'InvalidRetrySetting'> {
  setting: 'retry_mode' | 'max_attempts';
  value: string;
  source: Source;
}

/** A role with `mfa_serial` got no MFA code: the host has no `prompt` (`'unavailable'`), or
 * the person gave none (`'cancelled'`). */
export interface MfaFailedError extends ErrorBase<'MfaFailed'> {
  profile: string;
  /** The MFA device (`mfa_serial`). */
  serial: string;
  source: Source;
  reason: 'unavailable' | 'cancelled' | 'too-long';
}

/** {@link configureSet} refused the edit: a name `aws configure set` does not take, or a line
 * break in the value. */
export interface InvalidEditError extends ErrorBase<'InvalidEdit'> {
  /** `'name'` or `'value'`. */
  argument: 'name' | 'value';
  file?: 'config' | 'credentials';
  path?: string;
}

/** {@link configureSet} could not write the file; it is as it was. */
export interface WriteError extends ErrorBase<'WriteError'> {
  /** Which file. */
  file: 'config' | 'credentials';
  /** Its path. */
  path: string;
  /** Why: the host's failure, or `'kept-changing'` when another writer changed the file each
   * time it was edited. */
  reason: 'permission-denied' | 'not-a-file' | 'too-large' | 'unsupported' | 'changed' | 'busy' | 'other' | 'kept-changing';
  /** What the host's write function threw or rejected with. */
  cause?: unknown;
}

/** {@link exportToken} for a profile without `sso_session`: it has no bearer token. */
export interface NoSsoSessionError extends ErrorBase<'NoSsoSession'> {
  profile: string;
}

/** {@link freshness} or {@link refreshWindowSeconds} before the module was loaded. */
export interface NotInitializedError extends ErrorBase<'NotInitialized'> {}

/** {@link nodeHost} was called in the browser build. */
export interface UnsupportedError extends ErrorBase<'Unsupported'> {}
