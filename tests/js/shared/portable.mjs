// The checks the package must pass wherever it runs: the same module is run by Node
// (portable.test.mjs, over the Node entry and the browser entry) and by a page in headless
// Chromium (chromium.test.mjs, over the installed package's browser entry). Nothing here needs
// Node: settings and credentials through the memory host, services reached with webFetch at
// the loopback mocks of services.mjs (whose URLs are given), the token cache's name hashed
// with WebCrypto.
//
// runPortableChecks never throws: it resolves to one `{ name, ok, message }` per check, so
// that the runner (node:test, or the page reporting back over the DevTools protocol) can list
// every failure at once.

/** The credentials the mock STS hands out (names that say what they are, not secrets). */
export const STS_KEYS = { accessKeyId: 'ASIASTSMOCK', secretAccessKey: 'sts-mock-secret', sessionToken: 'sts-mock-token' };
/** The credentials the mock container endpoint hands out. */
export const CONTAINER_KEYS = {
  accessKeyId: 'ASIACONTAINERMOCK',
  secretAccessKey: 'container-mock-secret',
  sessionToken: 'container-mock-token',
};
/** The authorization token the mock container endpoint wants. */
export const CONTAINER_AUTHORIZATION = 'container-authorization-mock';
/** The access token the mock SSO-OIDC refreshes to. */
export const REFRESHED_TOKEN = 'refreshedAccessToken-MOCK';
/** The expiry of every credential the mocks hand out. */
export const EXPIRATION = '2099-08-05T19:58:02Z';

const CONFIG = `[default]
region = eu-west-2
output = json

[profile role]
role_arn = arn:aws:iam::123456789012:role/portable
source_profile = base
role_session_name = portable
region = us-east-1

[profile sso]
sso_session = corp

[profile bare]
region = us-west-2

[sso-session corp]
sso_start_url = https://d-abc123.awsapps.com/start
sso_region = us-east-1
`;
const CREDENTIALS = `[default]
aws_access_key_id = AKIDPORTABLE
aws_secret_access_key = portable-static-secret

[base]
aws_access_key_id = AKIDBASE
aws_secret_access_key = portable-base-secret
`;
const HOME = '/home/web';

/** Thrown by the checks' assertions. */
class CheckFailed extends Error {}

function fail(message) {
  throw new CheckFailed(message);
}

/** A value for messages: JSON, with Dates as their ISO text. */
function show(value) {
  try {
    return JSON.stringify(value, (_, v) => (v instanceof Date ? `Date(${v.toISOString()})` : v));
  } catch {
    return String(value);
  }
}

/** Structural equality of plain data (objects, arrays, Dates, primitives), key order ignored. */
function same(a, b) {
  if (a instanceof Date || b instanceof Date) {
    return a instanceof Date && b instanceof Date && a.getTime() === b.getTime();
  }
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return Object.is(a, b);
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((k) => Object.hasOwn(b, k) && same(a[k], b[k]));
}

function equal(actual, expected, what) {
  if (!same(actual, expected)) fail(`${what}: got ${show(actual)}, expected ${show(expected)}`);
}

function ok(condition, what) {
  if (!condition) fail(what);
}

/** What `promise` rejects with (a failure when it resolves). */
async function rejection(promise, what) {
  let value;
  try {
    value = await promise;
  } catch (error) {
    return error;
  }
  return fail(`${what}: expected a rejection, got ${show(value)}`);
}

/** The package's own error with `code`: never a bare TypeError from fetch. */
function assertCredchainError(credchain, error, code, what) {
  ok(credchain.isCredchainError(error), `${what}: expected a CredchainError, got ${error?.name}: ${error?.message}`);
  equal(error.code, code, `${what}: code (message: ${error.message})`);
}

/** SHA-1 in hex, as the token cache names its files, with WebCrypto (browsers and Node). */
async function sha1Hex(text) {
  const digest = await globalThis.crypto.subtle.digest('SHA-1', new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * Runs every check against `credchain` (the package's exports) and the mocks at `services`
 * (`{ cors, noCors, closed }` from services.mjs). `enforcesCors`: whether fetch here refuses an
 * answer without CORS headers (a browser page does; Node does not).
 */
export async function runPortableChecks(credchain, services, { enforcesCors }) {
  // Every host: the same files, webFetch, no waits between retried calls.
  const host = (env = {}, extra = {}) =>
    credchain.memoryHost({
      env: { HOME, AWS_EC2_METADATA_DISABLED: 'true', ...env },
      files: { [`${HOME}/.aws/config`]: CONFIG, [`${HOME}/.aws/credentials`]: CREDENTIALS, ...extra.files },
      fetch: credchain.webFetch,
      sleep: async () => {},
      ...(extra.now ? { now: extra.now } : {}),
    });
  const containerEnv = (base) => ({
    AWS_CONTAINER_CREDENTIALS_FULL_URI: `${base}/container`,
    AWS_CONTAINER_AUTHORIZATION_TOKEN: CONTAINER_AUTHORIZATION,
  });
  const stsEnv = (base) => ({ AWS_ENDPOINT_URL_STS: `${base}/sts` });
  const expiration = new Date(EXPIRATION);

  const checks = {
    async 'settings through the memory host'() {
      const h = host();
      equal(
        await credchain.resolveSetting('region', { host: h }),
        { value: 'eu-west-2', source: { kind: 'config-file', path: `${HOME}/.aws/config`, line: 2 } },
        'region',
      );
      equal(await credchain.resolveSetting('region', { host: h, profile: 'role' }), {
        value: 'us-east-1',
        source: { kind: 'config-file', path: `${HOME}/.aws/config`, line: 9 },
      }, 'the role profile region');
      equal(await credchain.listProfiles({ host: h }), ['default', 'role', 'sso', 'bare', 'base'], 'profiles');
      equal(await credchain.configureGet('output', { host: h }), 'json', 'configure get output');
      const unknown = await rejection(credchain.resolveSetting('colour', { host: h }), 'an unknown setting');
      assertCredchainError(credchain, unknown, 'UnknownSetting', 'an unknown setting');
    },

    async 'static credentials through the memory host'() {
      equal(await credchain.resolveCredentials({ host: host() }), {
        accessKeyId: 'AKIDPORTABLE',
        secretAccessKey: 'portable-static-secret',
        provider: 'shared-credentials-file',
      }, 'credentials');
      const explained = await credchain.explainCredentials({ host: host() });
      equal(explained.chosen.provider, 'shared-credentials-file', 'explained provider');
    },

    async 'assume role through the loopback STS (CORS allowed)'() {
      const h = host(stsEnv(services.cors));
      equal(await credchain.resolveCredentials({ host: h, profile: 'role' }), {
        ...STS_KEYS,
        expiration,
        accountId: '123456789012',
        provider: 'assume-role',
      }, 'assumed-role credentials');
      const cached = [...h.written.keys()];
      ok(
        cached.length === 1 && cached[0].startsWith(`${HOME}/.aws/cli/cache/`),
        `the AWS CLI cache written through the host: ${show(cached)}`,
      );
    },

    async 'container credentials through the loopback endpoint (CORS allowed)'() {
      equal(await credchain.resolveCredentials({ host: host(containerEnv(services.cors)), profile: 'bare' }), {
        ...CONTAINER_KEYS,
        expiration,
        accountId: '123456789012',
        provider: 'container-role',
      }, 'container credentials');
    },

    async 'a bearer token refreshed through the loopback SSO-OIDC (CORS allowed)'() {
      const now = Math.floor(Date.now() / 1000);
      const file = `${HOME}/.aws/sso/cache/${await sha1Hex('corp')}.json`;
      const cachedToken = JSON.stringify({
        startUrl: 'https://d-abc123.awsapps.com/start',
        region: 'us-east-1',
        accessToken: 'cachedAccessToken-MOCK',
        expiresAt: new Date((now + 300) * 1000).toISOString().replace(/\.\d+Z$/, 'Z'),
        clientId: 'clientId-MOCK',
        clientSecret: 'clientSecret-MOCK',
        registrationExpiresAt: '2099-01-01T00:00:00Z',
        refreshToken: 'refreshToken-MOCK',
      });
      const h = host({ AWS_ENDPOINT_URL_SSO_OIDC: `${services.cors}/oidc` }, { files: { [file]: cachedToken } });
      const token = await credchain.exportToken({ host: h, profile: 'sso' });
      equal(token.token, REFRESHED_TOKEN, 'the refreshed token');
      ok(token.expiration instanceof Date && token.expiration.getTime() > (now + 7 * 3600) * 1000, `expiration ${show(token.expiration)}`);
      ok(h.written.has(file), 'the refreshed token written back through the host');
      const resolver = credchain.createTokenResolver({ host: h, profile: 'sso' });
      equal((await resolver.token()).token, REFRESHED_TOKEN, 'the token resolver');
      equal((await resolver.token()).token, REFRESHED_TOKEN, 'the token resolver, held');
      equal(resolver.resolutions, 1, 'token resolutions');
    },

    async "the resolvers follow the core's refresh policy"() {
      const resolver = credchain.createCredentialsResolver({ host: host(containerEnv(services.cors)), profile: 'bare' });
      equal((await resolver.credentials()).accessKeyId, CONTAINER_KEYS.accessKeyId, 'resolved');
      equal((await resolver.credentials()).accessKeyId, CONTAINER_KEYS.accessKeyId, 'held');
      equal(resolver.resolutions, 1, 'resolutions');
      equal(credchain.refreshWindowSeconds(), 300, 'the credentials window');
      equal(credchain.refreshWindowSeconds('token'), 900, 'the token window');
      const at = 2_000_000_000;
      equal(credchain.freshness(at, at - 301), 'fresh', 'before the window');
      equal(credchain.freshness(new Date(at * 1000), at - 300), 'refresh', 'in the window');
      equal(credchain.freshness(at, at - 899, 'token'), 'refresh', 'in the token window');
      equal(credchain.freshness(at, at), 'expired', 'at the expiry');
      equal(credchain.freshness(null, at), 'fresh', 'no expiry');
    },

    async 'network down (a closed port): HttpFailed, connect'() {
      const container = await rejection(
        credchain.resolveCredentials({ host: host(containerEnv(services.closed)), profile: 'bare' }),
        'the container endpoint',
      );
      assertCredchainError(credchain, container, 'HttpFailed', 'the container endpoint');
      equal([container.reason, container.provider], ['connect', 'container-role'], 'reason and provider');
      const sts = await rejection(
        credchain.resolveCredentials({ host: host(stsEnv(services.closed)), profile: 'role' }),
        'STS',
      );
      assertCredchainError(credchain, sts, 'HttpFailed', 'STS');
      equal([sts.reason, sts.operation, sts.endpoint], ['connect', 'AssumeRole', `${services.closed}/sts`], 'STS failure');
      ok(!JSON.stringify({ ...sts, message: sts.message }).includes('portable-base-secret'), 'no secret in the error');
    },

    async 'an endpoint without CORS headers'() {
      // Functions, so that no promise is left unawaited when a check fails.
      const container = () => credchain.resolveCredentials({ host: host(containerEnv(services.noCors)), profile: 'bare' });
      const sts = () => credchain.resolveCredentials({ host: host(stsEnv(services.noCors)), profile: 'role' });
      if (!enforcesCors) {
        // Node's fetch does not apply CORS: the answers arrive.
        equal((await container()).accessKeyId, CONTAINER_KEYS.accessKeyId, 'container, no CORS');
        equal((await sts()).accessKeyId, STS_KEYS.accessKeyId, 'STS, no CORS');
        return;
      }
      // The browser refuses to hand the answer to the page (fetch rejects with an opaque
      // TypeError): the package says HttpFailed, connect, with that TypeError as the cause.
      const refused = await rejection(container(), 'the container endpoint');
      assertCredchainError(credchain, refused, 'HttpFailed', 'the container endpoint');
      equal(refused.reason, 'connect', 'container reason');
      ok(refused.cause?.code === 'connect' && refused.cause?.cause instanceof TypeError, `cause: ${refused.cause}`);
      ok(/CORS/.test(refused.cause.message), `the cause names CORS: ${refused.cause.message}`);
      const preflight = await rejection(sts(), 'STS');
      assertCredchainError(credchain, preflight, 'HttpFailed', 'STS');
      equal([preflight.reason, preflight.operation], ['connect', 'AssumeRole'], 'STS failure');
    },

    async 'lint, pure'() {
      const findings = await credchain.lint({ config: '[default]\nregoin = us-east-1\n' });
      equal(findings.map((f) => f.code), ['unknown-key'], 'finding codes');
    },
  };

  const results = [];
  for (const [name, check] of Object.entries(checks)) {
    try {
      await check();
      results.push({ name, ok: true, message: '' });
    } catch (error) {
      const message = error instanceof CheckFailed ? error.message : `threw ${error?.name}: ${error?.message}\n${error?.stack ?? ''}`;
      results.push({ name, ok: false, message });
    }
  }
  return results;
}
