// resolveCredentials and explainCredentials: the AWS CLI's provider chain through both hosts:
// static keys, the environment, credential_process run by the Node host (a real script),
// failures with their codes and fields, and never a secret outside the returned credentials.

import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';

import {
  explainCredentials,
  isCredchainError,
  memoryHost,
  nodeHost,
  rejection,
  resolveCredentials,
} from './helpers.mjs';

const SECRET = 'wJalrXUtnFEMI-not-a-real-secret';
const TOKEN = 'IQoJb3JpZ2luX2VjE-not-a-real-token';

// No instance metadata: an empty chain is NoCredentials, not a call to 169.254.169.254.
const NO_IMDS = { AWS_EC2_METADATA_DISABLED: 'true' };

const CREDENTIALS = `[default]
aws_access_key_id = AKIDDEFAULT
aws_secret_access_key = ${SECRET}

[dev]
aws_access_key_id = AKIDDEV
aws_secret_access_key = ${SECRET}
aws_session_token = ${TOKEN}
`;

const CONFIG = `[default]
region = us-east-1

[profile cfg]
aws_access_key_id = AKIDCONFIG
aws_secret_access_key = ${SECRET}
aws_account_id = 123456789012

[profile role]
role_arn = arn:aws:iam::123456789012:role/deploy
source_profile = dev
role_session_name = ci
external_id = ext-1

[profile loop-a]
role_arn = arn:aws:iam::123456789012:role/a
source_profile = loop-b

[profile loop-b]
role_arn = arn:aws:iam::123456789012:role/b
source_profile = loop-a

[profile orphan]
role_arn = arn:aws:iam::123456789012:role/orphan
source_profile = nowhere

[profile half]
aws_access_key_id = AKIDHALF

[profile console]
login_session = arn:aws:sts::123456789012:assumed-role/admin/me
`;

const made = [];
after(() => Promise.all(made.map((remove) => remove())));

/** The environment of credentials AKIDENV with a session token, expiring at `expiration`,
 * and the variables `extra`. */
function envKeys(expiration, extra = {}) {
  return {
    AWS_ACCESS_KEY_ID: 'AKIDENV',
    AWS_SECRET_ACCESS_KEY: SECRET,
    AWS_SESSION_TOKEN: TOKEN,
    AWS_CREDENTIAL_EXPIRATION: expiration,
    ...extra,
  };
}

/** The explained step of the dev profile's keys in CREDENTIALS, at `credentials`: where each
 * is (lines 6 to 8), never its value. */
function devKeysStep(credentials) {
  const at = (line) => ({ source: { kind: 'credentials-file', path: credentials, line } });
  return {
    kind: 'static-keys',
    profile: 'dev',
    accessKeyId: at(6),
    secretAccessKey: at(7),
    sessionToken: at(8),
  };
}

/** A temporary directory (removed after the tests). */
async function tempDir(prefix = 'credchain-creds-') {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  made.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** A temporary HOME with ~/.aws/config and ~/.aws/credentials. */
async function nodeHome(config = CONFIG, credentials = CREDENTIALS) {
  const home = await tempDir();
  await mkdir(join(home, '.aws'));
  await writeFile(join(home, '.aws', 'config'), config);
  await writeFile(join(home, '.aws', 'credentials'), credentials);
  return { home, config: join(home, '.aws', 'config'), credentials: join(home, '.aws', 'credentials') };
}

/** A shell script in `dir` (mode 755) that runs `body`. */
async function script(dir, name, body) {
  const path = join(dir, name);
  await writeFile(path, `#!/bin/sh\n${body}\n`);
  await chmod(path, 0o755);
  return path;
}

const HOSTS = {
  async memory(env = {}, config = CONFIG, credentials = CREDENTIALS) {
    const paths = { config: '/home/me/.aws/config', credentials: '/home/me/.aws/credentials' };
    const files = { [paths.config]: config, [paths.credentials]: credentials };
    return { host: memoryHost({ env: { HOME: '/home/me', ...NO_IMDS, ...env }, files }), ...paths };
  },
  async node(env = {}, config = CONFIG, credentials = CREDENTIALS) {
    const dir = await nodeHome(config, credentials);
    return { host: nodeHost({ env: { HOME: dir.home, ...NO_IMDS, ...env } }), ...dir };
  },
};

/** Fails when `secret` appears in anything an error or an explanation carries. */
function assertNoSecret(value, ...secrets) {
  const seen = new WeakSet();
  const text = JSON.stringify(value, (key, v) => {
    if (v instanceof Error) {
      if (seen.has(v)) return undefined;
      seen.add(v);
      return { message: v.message, ...v };
    }
    return v;
  });
  for (const secret of secrets) assert.ok(!text.includes(secret), `a secret leaked: ${text}`);
}

function assertCode(error, code) {
  assert.ok(isCredchainError(error), `not a CredchainError: ${error?.stack ?? error}`);
  assert.equal(error.code, code, error.message);
}

for (const [hostName, makeHost] of Object.entries(HOSTS)) {
  describe(`credentials, ${hostName} host`, () => {
    test('static keys from the credentials file', async () => {
      const { host, credentials } = await makeHost();
      assert.deepEqual(await resolveCredentials({ host }), {
        accessKeyId: 'AKIDDEFAULT',
        secretAccessKey: SECRET,
        provider: 'shared-credentials-file',
      });
      assert.deepEqual(await resolveCredentials({ host, profile: 'dev' }), {
        accessKeyId: 'AKIDDEV',
        secretAccessKey: SECRET,
        sessionToken: TOKEN,
        provider: 'shared-credentials-file',
      });
      const explained = await explainCredentials({ host, profile: 'dev' });
      assert.deepEqual(explained.chosen, {
        provider: 'shared-credentials-file',
        steps: [
          devKeysStep(credentials),
        ],
      });
      assert.deepEqual(explained.profileSource, { kind: 'option', name: '--profile' });
      assertNoSecret(explained, SECRET, TOKEN);
    });

    test('static keys from the config file, with the account id', async () => {
      const { host } = await makeHost();
      assert.deepEqual(await resolveCredentials({ host, profile: 'cfg' }), {
        accessKeyId: 'AKIDCONFIG',
        secretAccessKey: SECRET,
        accountId: '123456789012',
        provider: 'config-file',
      });
    });

    test('environment credentials: token, expiry, account; over the profile unless --profile', async () => {
      const env = envKeys('2099-01-02T03:04:05Z', {
        AWS_ACCOUNT_ID: '210987654321',
        AWS_PROFILE: 'dev',
      });
      const { host } = await makeHost(env);
      assert.deepEqual(await resolveCredentials({ host }), {
        accessKeyId: 'AKIDENV',
        secretAccessKey: SECRET,
        sessionToken: TOKEN,
        expiration: new Date('2099-01-02T03:04:05Z'),
        accountId: '210987654321',
        provider: 'env',
      });
      const explained = await explainCredentials({ host });
      assert.deepEqual(explained.profileSource, { kind: 'env', name: 'AWS_PROFILE' });
      assert.deepEqual(explained.skipped, []);
      assert.deepEqual(explained.chosen.steps[0].expiration, {
        value: '2099-01-02T03:04:05Z',
        source: { kind: 'env', name: 'AWS_CREDENTIAL_EXPIRATION' },
      });
      assertNoSecret(explained, SECRET, TOKEN);

      // --profile turns the environment provider off, as in the AWS CLI.
      const chosen = await resolveCredentials({ host, profile: 'dev' });
      assert.equal(chosen.accessKeyId, 'AKIDDEV');
      const { skipped } = await explainCredentials({ host, profile: 'dev' });
      assert.deepEqual(skipped[0], {
        provider: 'env',
        reason: 'profile-from-option',
        description: skipped[0].description,
      });
    });

    test('NoCredentials: every provider passed over, with its reason', async () => {
      const { host } = await makeHost({}, '', '');
      const error = await rejection(resolveCredentials({ host }));
      assertCode(error, 'NoCredentials');
      assert.equal(error.profile, 'default');
      assert.deepEqual(
        error.skipped.map((s) => [s.provider, s.reason]),
        [
          ['env', 'no-environment-keys'],
          ['assume-role', 'no-role-arn'],
          ['assume-role-with-web-identity', 'no-web-identity-token'],
          ['sso', 'no-sso-role'],
          ['shared-credentials-file', 'not-in-credentials-file'],
          ['login', 'no-login-session'],
          ['custom-process', 'no-credential-process'],
          ['config-file', 'not-in-config-file'],
          ['container-role', 'no-container-endpoint'],
          ['iam-role', 'instance-metadata-disabled'],
        ],
      );
      for (const s of error.skipped) assert.equal(typeof s.description, 'string');
      assert.match(error.message, /unable to locate credentials/);
      assert.deepEqual(await explainCredentials({ host }), {
        profile: 'default',
        profileSource: { kind: 'default' },
        skipped: error.skipped,
        chosen: null,
        retries: {
          mode: 'standard',
          modeSource: { kind: 'default' },
          maxAttempts: 3,
          maxAttemptsSource: { kind: 'default' },
        },
        retriesError: null,
      });
    });
  });
}

test('NoCredentials: a metadata service that cannot be reached is the last reason, not an HTTP failure', async () => {
  // The host's fetch reaches nothing (a memory host without fetch: every request is 'connect').
  const host = memoryHost({
    env: { HOME: '/h', AWS_EC2_METADATA_SERVICE_ENDPOINT: 'http://127.0.0.1:1338' },
  });
  const error = await rejection(resolveCredentials({ host }));
  assertCode(error, 'NoCredentials');
  assert.equal(error.skipped.length, 9);
  assert.equal(error.skipped.at(-1).provider, 'container-role');
  assert.match(error.instanceMetadata, /IMDSv2 token request at http:\/\/127\.0\.0\.1:1338\/latest\/api\/token/);
  assert.match(error.message, /unable to locate credentials/);
});

describe('credential_process through the Node host', () => {
  test('a real script prints the Version 1 JSON; the command is split like a shell', async () => {
    const dir = await tempDir('credchain process ');
    const helper = await script(
      dir,
      'creds helper.sh',
      `[ "$1" = "--role" ] && [ "$2" = "dev ops" ] || { echo "bad args: $*" >&2; exit 9; }
cat <<JSON
{"Version": 1, "AccessKeyId": "AKIDPROC", "SecretAccessKey": "${SECRET}",
 "SessionToken": "${TOKEN}", "Expiration": "2099-05-06T07:08:09Z", "AccountId": "111122223333"}
JSON`,
    );
    const config = `[profile proc]\ncredential_process = "${helper}" --role 'dev ops'\n`;
    const dirs = await nodeHome(config, '');
    const host = nodeHost({ env: { HOME: dirs.home, ...NO_IMDS } });
    assert.deepEqual(await resolveCredentials({ host, profile: 'proc' }), {
      accessKeyId: 'AKIDPROC',
      secretAccessKey: SECRET,
      sessionToken: TOKEN,
      expiration: new Date('2099-05-06T07:08:09Z'),
      accountId: '111122223333',
      provider: 'custom-process',
    });
    const explained = await explainCredentials({ host, profile: 'proc' });
    assert.deepEqual(explained.chosen, {
      provider: 'custom-process',
      steps: [
        { kind: 'process', profile: 'proc', command: { source: { kind: 'config-file', path: dirs.config, line: 2 } } },
      ],
    });
  });

  test('the program gets the host environment and no standard input', async () => {
    const dir = await tempDir();
    const helper = await script(
      dir,
      'env.sh',
      `read -r line && { echo "stdin was open" >&2; exit 4; }
printf '{"Version": 1, "AccessKeyId": "%s", "SecretAccessKey": "s"}' "$TEAM_KEY"`,
    );
    const dirs = await nodeHome(`[default]\ncredential_process = ${helper}\n`, '');
    const host = nodeHost({ env: { HOME: dirs.home, TEAM_KEY: 'AKIDFROMENV', ...NO_IMDS } });
    assert.equal((await resolveCredentials({ host })).accessKeyId, 'AKIDFROMENV');
  });

  test('a failing process: ProcessFailed with its status and standard error', async () => {
    const dir = await tempDir();
    const helper = await script(dir, 'fail.sh', `echo "token for ${'$'}1 expired; run sso login" >&2\nexit 3`);
    const dirs = await nodeHome(`[profile broken]\ncredential_process = ${helper} team\n`, '');
    const host = nodeHost({ env: { HOME: dirs.home, ...NO_IMDS } });
    const error = await rejection(resolveCredentials({ host, profile: 'broken' }));
    assertCode(error, 'ProcessFailed');
    assert.equal(error.profile, 'broken');
    assert.equal(error.reason, 'exit');
    assert.equal(error.status, 3);
    assert.equal(error.stderr, 'token for team expired; run sso login\n');
    assert.deepEqual(error.source, { kind: 'config-file', path: dirs.config, line: 2 });
    assert.match(error.message, /profile broken: credential_process .* exited with status 3/);
    assert.match(error.message, /token for team expired/);
    // The process runs while the AWS CLI builds the chain: its ConfigurationError status.
    assert.equal(error.awsCliExitStatus, 253);
  });

  test('a program that does not exist: ProcessFailed, not-found, with the host error', async () => {
    const dirs = await nodeHome('[default]\ncredential_process = /nonexistent/credchain-helper\n', '');
    const host = nodeHost({ env: { HOME: dirs.home, ...NO_IMDS } });
    const error = await rejection(resolveCredentials({ host }));
    assertCode(error, 'ProcessFailed');
    assert.equal(error.reason, 'not-found');
    assert.equal(error.status, null);
    assert.equal(error.cause.code, 'ENOENT');
  });

  test('output that is not the JSON, a wrong Version, an expired Expiration', async () => {
    const dir = await tempDir();
    const cases = [
      ['echo "not json"', 'ProcessFailed', { reason: 'bad-json' }],
      [`echo '{"Version": 2, "AccessKeyId": "a", "SecretAccessKey": "${SECRET}"}'`, 'ProcessFailed', { reason: 'unsupported-version', version: 2 }],
      [`echo '{"Version": 1, "AccessKeyId": "a", "SecretAccessKey": "${SECRET}", "Expiration": "2001-01-01T00:00:00Z"}'`, 'Expired', { provider: 'custom-process', expiration: new Date('2001-01-01T00:00:00Z') }],
    ];
    for (const [i, [body, code, fields]] of cases.entries()) {
      const helper = await script(dir, `case${i}.sh`, body);
      const dirs = await nodeHome(`[default]\ncredential_process = ${helper}\n`, '');
      const error = await rejection(resolveCredentials({ host: nodeHost({ env: { HOME: dirs.home, ...NO_IMDS } }) }));
      assertCode(error, code);
      for (const [k, v] of Object.entries(fields)) assert.deepEqual(error[k], v, k);
      assertNoSecret(error, SECRET);
    }
  });

  test('the host run function: killed at the timeout and at the output limit', async () => {
    const host = nodeHost({ env: {} });
    const started = Date.now();
    const slow = await rejection(host.run(['/bin/sh', '-c', 'sleep 10'], { timeoutMs: 200, maxOutputBytes: 100 }));
    assert.equal(slow.code, 'timeout');
    assert.ok(Date.now() - started < 5000, 'stopped at the timeout');
    const loud = await rejection(host.run(['/bin/sh', '-c', 'while :; do echo yyyyyyyy; done'], { timeoutMs: 10000, maxOutputBytes: 1000 }));
    assert.equal(loud.code, 'too-large');
    const ok = await host.run(['/bin/sh', '-c', 'printf out; printf err >&2; exit 5'], { timeoutMs: 5000, maxOutputBytes: 100 });
    assert.deepEqual(
      { status: ok.status, stdout: Buffer.from(ok.stdout).toString(), stderr: Buffer.from(ok.stderr).toString() },
      { status: 5, stdout: 'out', stderr: 'err' },
    );
    assert.ok(ok.stdout instanceof Uint8Array);
    const killed = await host.run(['/bin/sh', '-c', 'kill -9 $$'], { timeoutMs: 5000, maxOutputBytes: 100 });
    assert.equal(killed.status, null);
  });
});

describe('credential_process through other hosts', () => {
  test('a memory host has no programs: ProcessFailed, unsupported', async () => {
    const host = memoryHost({ env: { HOME: '/h', ...NO_IMDS }, files: { '/h/.aws/config': '[default]\ncredential_process = helper\n' } });
    const error = await rejection(resolveCredentials({ host }));
    assertCode(error, 'ProcessFailed');
    assert.equal(error.reason, 'unsupported');
  });

  test('a host run function gets argv and the limits, and may answer with strings', async () => {
    const calls = [];
    const host = memoryHost({
      env: { HOME: '/h', ...NO_IMDS },
      files: { '/h/.aws/config': `[default]\ncredential_process = /opt/helper "a b" c\\ d 'e'\n` },
      run(argv, limits) {
        calls.push([argv, limits]);
        return { status: 0, stdout: `{"Version": 1, "AccessKeyId": "AKIDRUN", "SecretAccessKey": "${SECRET}"}`, stderr: '' };
      },
    });
    assert.deepEqual(await resolveCredentials({ host }), {
      accessKeyId: 'AKIDRUN',
      secretAccessKey: SECRET,
      provider: 'custom-process',
    });
    assert.deepEqual(calls, [[['/opt/helper', 'a b', 'c d', 'e'], { timeoutMs: 60000, maxOutputBytes: 65536 }]]);
  });

  test('a host run function that answers nonsense: InvalidArgument naming it', async () => {
    const files = { '/h/.aws/config': '[default]\ncredential_process = helper\n' };
    for (const run of [() => 42, () => ({ status: 'zero', stdout: '' }), () => ({ status: 0, stdout: 7 })]) {
      const host = memoryHost({ env: { HOME: '/h' }, files, run });
      const error = await rejection(resolveCredentials({ host }));
      assertCode(error, 'InvalidArgument');
      assert.equal(error.argument, 'options.run');
    }
    const host = { ...memoryHost({ env: { HOME: '/h' }, files }), run: 'helper' };
    const error = await rejection(resolveCredentials({ host }));
    assertCode(error, 'InvalidArgument');
    assert.equal(error.argument, 'options.run');
  });
});

describe('credentials: errors', () => {
  const host = () => HOSTS.memory();

  test('the plan errors name the profiles involved', async () => {
    const { host: h, config } = await host();
    const orphan = await rejection(resolveCredentials({ host: h, profile: 'orphan' }));
    assertCode(orphan, 'SourceProfileNotFound');
    assert.deepEqual(
      { profile: orphan.profile, sourceProfile: orphan.sourceProfile, source: orphan.source },
      { profile: 'orphan', sourceProfile: 'nowhere', source: { kind: 'config-file', path: config, line: 25 } },
    );
    const cycle = await rejection(resolveCredentials({ host: h, profile: 'loop-a' }));
    assertCode(cycle, 'Cycle');
    assert.equal(cycle.profile, 'loop-b');
    assert.equal(cycle.sourceProfile, 'loop-a');
    // explainCredentials fails the same way: the plan cannot be made.
    assertCode(await rejection(explainCredentials({ host: h, profile: 'loop-a' })), 'Cycle');
  });

  test('PartialCredentials: where the key that is there is, never its value', async () => {
    const { host: h, config } = await host();
    const half = await rejection(resolveCredentials({ host: h, profile: 'half' }));
    assertCode(half, 'PartialCredentials');
    assert.equal(half.profile, 'half');
    assert.equal(half.missing, 'aws_secret_access_key');
    assert.deepEqual(half.source, { kind: 'config-file', path: config, line: 28 });

    const { host: envHalf } = await HOSTS.memory({ AWS_ACCESS_KEY_ID: 'AKIDONLY' });
    const error = await rejection(resolveCredentials({ host: envHalf }));
    assertCode(error, 'PartialCredentials');
    assert.equal(error.profile, null);
    assert.equal(error.missing, 'AWS_SECRET_ACCESS_KEY');
    assert.deepEqual(error.source, { kind: 'env', name: 'AWS_ACCESS_KEY_ID' });
  });

  test('Expired, judged by the host clock', async () => {
    const env = envKeys('2030-01-01T00:00:00Z');
    const files = {};
    const at = (iso) => () => Date.parse(iso) / 1000;
    const before = memoryHost({ env, files, now: at('2029-12-31T23:59:59Z') });
    assert.deepEqual((await resolveCredentials({ host: before })).expiration, new Date('2030-01-01T00:00:00Z'));
    const later = memoryHost({ env, files, now: at('2030-01-01T00:00:00Z') });
    const error = await rejection(resolveCredentials({ host: later }));
    assertCode(error, 'Expired');
    assert.equal(error.provider, 'env');
    assert.deepEqual(error.expiration, new Date('2030-01-01T00:00:00Z'));
    assertNoSecret(error, SECRET, TOKEN);

    const bad = memoryHost({ env, files, now: () => 'noon' });
    const badClock = await rejection(resolveCredentials({ host: bad }));
    assertCode(badClock, 'InvalidArgument');
    assert.equal(badClock.argument, 'options.now');
  });

  test('InvalidExpiration: an expiry that is not a time', async () => {
    const env = { AWS_ACCESS_KEY_ID: 'A', AWS_SECRET_ACCESS_KEY: SECRET, AWS_CREDENTIAL_EXPIRATION: 'tomorrow' };
    const error = await rejection(resolveCredentials({ host: memoryHost({ env }) }));
    assertCode(error, 'InvalidExpiration');
    assert.deepEqual(error.source, { kind: 'env', name: 'AWS_CREDENTIAL_EXPIRATION' });
  });

  test('LoginRequired: a console login session with nothing cached names its cache file', async () => {
    const { host: h } = await host();
    const error = await rejection(resolveCredentials({ host: h, profile: 'console' }));
    assertCode(error, 'LoginRequired');
    assert.equal(error.provider, 'login');
    assert.match(error.message, /\.aws\/login\/cache\/[0-9a-f]{64}\.json/);
    assert.match(error.message, /aws login --profile console/);
  });

  test('explain a role chain: the source keys, then the AssumeRole with its inputs', async () => {
    const { host: h, config, credentials } = await host();
    const explained = await explainCredentials({ host: h, profile: 'role' });
    assert.deepEqual(explained.chosen, {
      provider: 'assume-role',
      steps: [
        devKeysStep(credentials),
        {
          kind: 'assume-role',
          profile: 'role',
          roleArn: { value: 'arn:aws:iam::123456789012:role/deploy', source: { kind: 'config-file', path: config, line: 10 } },
          sourceProfile: { value: 'dev', source: { kind: 'config-file', path: config, line: 11 } },
          sessionName: { value: 'ci', source: { kind: 'config-file', path: config, line: 12 } },
          externalId: { value: 'ext-1', source: { kind: 'config-file', path: config, line: 13 } },
        },
      ],
    });
    assert.deepEqual(
      explained.skipped.map((s) => s.provider),
      ['env'],
    );
    assertNoSecret(explained, SECRET, TOKEN);
  });

  test('no secret in any error message or field', async () => {
    const { host: h } = await host();
    const errors = [];
    for (const profile of ['orphan', 'loop-a', 'half', 'console', 'nope']) {
      errors.push(await resolveCredentials({ host: h, profile }).catch((e) => e));
    }
    for (const error of errors) {
      assert.ok(isCredchainError(error), String(error));
      assertNoSecret({ error, message: error.message, stack: error.stack }, SECRET, TOKEN);
    }
  });
});

test('a Windows host: the caches are under USERPROFILE, not the wasm module\'s own platform', async () => {
  const reads = [];
  const base = memoryHost({
    platform: 'windows',
    env: { USERPROFILE: 'C:\\Users\\me', AWS_EC2_METADATA_DISABLED: 'true' },
    files: {
      'C:\\Users\\me\\.aws\\config':
        '[profile role]\nrole_arn = arn:aws:iam::123456789012:role/r\nsource_profile = base\nregion = us-east-1\n',
      'C:\\Users\\me\\.aws\\credentials': `[base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = ${SECRET}\n`,
    },
  });
  const host = { ...base, readFile: (path) => (reads.push(path), base.readFile(path)) };
  await rejection(resolveCredentials({ host, profile: 'role' }));
  const cacheReads = reads.filter((p) => p.includes('cache'));
  assert.equal(cacheReads.length, 1, JSON.stringify(reads));
  assert.match(cacheReads[0], /^C:\\Users\\me\\\.aws\\cli\\cache\\[0-9a-f]{40}\.json$/);
});
