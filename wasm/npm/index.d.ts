// Type definitions for credchain, written by hand (the module's bindings are in
// wasm/src/lib.rs; a change there changes these).
//
// credchain resolves AWS configuration exactly as the AWS CLI v2 does: it finds the config and
// credentials files from the environment, reads them through a host you choose, parses them
// and resolves a setting by precedence (option > environment variable > profile > default),
// saying where the value came from. Every function returns a promise; nothing is cached between
// calls, so each call sees the files and the environment as they are then.
//
//     import { resolveSetting, nodeHost } from 'credchain';
//     const region = await resolveSetting('region', { host: nodeHost() });
//     // { value: 'eu-west-1', source: { kind: 'config-file', path: '/home/me/.aws/config', line: 4 } }

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
 * Where credchain gets the environment and the files. Use {@link nodeHost} in Node.js,
 * {@link memoryHost} anywhere, or any object of this shape.
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
   * `'not-a-file'`). */
  readFile(path: string): Promise<FileContents> | FileContents;
  /** The platform to locate files for, unless a call's options say otherwise. Default
   * `'unix'`. */
  readonly platform?: Platform;
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

/**
 * The host of a Node.js process: the environment is `env` (default `process.env`, read anew at
 * each call), files are read with `fs/promises` `readFile` (ENOENT and ENOTDIR: no file), and
 * the platform is `platform`, else Windows when `process.platform` is `win32`, else Unix.
 * Throws an error with code `'Unsupported'` in the browser build.
 */
export function nodeHost(options?: {
  env?: Readonly<Record<string, string | undefined>>;
  platform?: Platform;
}): Host;

/**
 * A host with no file system, for browsers and tests: `env` is the environment (default
 * empty) and `files` maps paths to contents (a path not in it has no file). Paths are looked
 * up exactly as located: with HOME `/home/me`, the config file is `/home/me/.aws/config`.
 *
 *     memoryHost({
 *       env: { HOME: '/home/me' },
 *       files: { '/home/me/.aws/config': '[default]\nregion = eu-west-1\n' },
 *     })
 */
export function memoryHost(options?: {
  env?: Readonly<Record<string, string | undefined>>;
  files?:
    | Readonly<Record<string, string | Uint8Array>>
    | ReadonlyMap<string, string | Uint8Array>;
  platform?: Platform;
}): Host;

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
  | UnsupportedError;

/** The `code` of every {@link CredchainError}. */
export type ErrorCode = CredchainError['code'];

interface ErrorBase<Code extends string> extends Error {
  name: 'CredchainError';
  code: Code;
}

/** An argument, an option or what the host returned is not what it must be (a TypeError). */
export interface InvalidArgumentError extends ErrorBase<'InvalidArgument'>, TypeError {
  name: 'CredchainError';
  /** Which: `'name'`, `'options'`, `'options.host'`, `'options.env'`, `'options.readFile'`
   * (also when it resolved to something that is not file contents), `'options.profile'`,
   * `'options.region'`, `'options.output'`, `'options.dialect'`, `'options.platform'`. */
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

/** {@link nodeHost} was called in the browser build. */
export interface UnsupportedError extends ErrorBase<'Unsupported'> {}
