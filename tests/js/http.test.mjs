// The host's fetch, proved against a loopback mock server (node:http on 127.0.0.1, port 0,
// closed after the tests): requests go through the module's Http adapter (the same path the
// core's providers take, reached here by the module's sendHttp test hook) and the Node host's
// fetch (webFetch over Node's fetch): statuses, headers, bodies, the body limit, timeouts,
// refused connections, no redirects. And the hosts' writeFile: atomic and private.

import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import * as glue from '../../wasm/npm/dist/credchain_wasm.js';
import {
  explainCredentials,
  initialize,
  isCredchainError,
  memoryHost,
  nodeHost,
  rejection,
  resolveCredentials,
  webFetch,
} from './helpers.mjs';

const ASSUME_ROLE_XML = `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleResult>
    <AssumedRoleUser>
      <AssumedRoleId>AROARABCDEFGHIJKLMNOP:assume-role-provider-session</AssumedRoleId>
      <Arn>arn:aws:sts::123456789012:assumed-role/integration-test/assume-role-provider-session</Arn>
    </AssumedRoleUser>
    <Credentials>
      <AccessKeyId>ASIARTESTID</AccessKeyId>
      <SecretAccessKey>TESTSECRETKEY</SecretAccessKey>
      <SessionToken>TESTSESSIONTOKEN</SessionToken>
      <Expiration>2099-08-05T19:58:02Z</Expiration>
    </Credentials>
  </AssumeRoleResult>
  <ResponseMetadata>
    <RequestId>c2e971c2-702d-4124-9b1f-1670febbea18</RequestId>
  </ResponseMetadata>
</AssumeRoleResponse>
`;

const DENIED_XML = `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <Error>
    <Type>Sender</Type>
    <Code>AccessDenied</Code>
    <Message>User: arn:aws:iam::123456789012:user/base is not authorized to perform: sts:AssumeRole</Message>
  </Error>
  <RequestId>4a8a3c2e-0000-0000-0000-000000000000</RequestId>
</ErrorResponse>
`;

/** What the mock server was sent, in order. */
const received = [];
let server;
let base;

before(async () => {
  server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString();
      received.push({ method: req.method, url: req.url, rawHeaders: req.rawHeaders, body });
      const path = req.url.split('?')[0];
      if (path === '/' || path === '/sts') {
        res.writeHead(200, { 'content-type': 'text/xml' });
        res.end(ASSUME_ROLE_XML);
      } else if (path === '/web') {
        res.writeHead(200, { 'content-type': 'text/xml' });
        res.end(
          ASSUME_ROLE_XML.replaceAll('AssumeRoleResponse', 'AssumeRoleWithWebIdentityResponse')
            .replaceAll('AssumeRoleResult', 'AssumeRoleWithWebIdentityResult'),
        );
      } else if (path === '/denied') {
        res.writeHead(403, { 'content-type': 'text/xml' });
        res.end(DENIED_XML);
      } else if (path === '/big') {
        // Streamed in pieces: the host stops reading at the limit.
        res.writeHead(200, { 'content-type': 'application/octet-stream' });
        for (let i = 0; i < 64; i += 1) res.write(Buffer.alloc(1024, 0x61));
        res.end();
      } else if (path === '/slow') {
        setTimeout(() => res.end('late'), 5000).unref();
      } else if (path === '/redirect') {
        res.writeHead(302, { location: '/sts' });
        res.end();
      } else {
        res.writeHead(404);
        res.end();
      }
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${server.address().port}`;
  await initialize();
});

after(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

/** One request through the module's Http adapter and the given host's fetch. */
function send(host, request) {
  const options = { env: {}, readFile: () => null, fetch: host.fetch?.bind(host) };
  return glue.sendHttp({ method: 'GET', timeoutMs: 5000, maxBodyBytes: 1 << 20, ...request }, options);
}

describe('fetch through the Node host', () => {
  const host = nodeHost({ env: {} });

  test('a signed-looking POST: method, path, headers in order, body; the response as bytes', async () => {
    received.length = 0;
    const body = 'Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789%3Arole%2Ftest';
    const response = await send(host, {
      method: 'POST',
      url: `${base}/sts`,
      headers: [
        ['content-type', 'application/x-www-form-urlencoded'],
        ['x-amz-date', '20210810T003833Z'],
        ['authorization', 'AWS4-HMAC-SHA256 Credential=AKIAFAKE/20210810/us-east-1/sts/aws4_request'],
      ],
      body,
    });
    assert.equal(response.status, 200);
    assert.equal(response.contentType, 'text/xml');
    assert.ok(response.body instanceof Uint8Array);
    assert.equal(new TextDecoder().decode(response.body), ASSUME_ROLE_XML);
    assert.equal(received.length, 1);
    const [request] = received;
    assert.deepEqual([request.method, request.url, request.body], ['POST', '/sts', body]);
    const names = request.rawHeaders.filter((_, i) => i % 2 === 0).map((n) => n.toLowerCase());
    const sent = ['content-type', 'x-amz-date', 'authorization'];
    assert.deepEqual(names.filter((n) => sent.includes(n)), sent);
    const header = (name) => request.rawHeaders[request.rawHeaders.findIndex((n) => n.toLowerCase() === name) + 1];
    assert.equal(header('authorization'), 'AWS4-HMAC-SHA256 Credential=AKIAFAKE/20210810/us-east-1/sts/aws4_request');
    assert.equal(header('host'), base.slice('http://'.length));
    assert.equal(header('content-length'), String(body.length));
  });

  test('4xx is a response, not a failure; no redirect is followed', async () => {
    const denied = await send(host, { url: `${base}/denied` });
    assert.equal(denied.status, 403);
    assert.match(new TextDecoder().decode(denied.body), /AccessDenied/);
    const redirect = await send(host, { url: `${base}/redirect` });
    assert.equal(redirect.status, 302);
    assert.equal(redirect.body.length, 0);
  });

  test('a body past the limit: too-large; a body at the limit: whole', async () => {
    const error = await rejection(send(host, { url: `${base}/big`, maxBodyBytes: 1000 }));
    assert.equal(error.code, 'HttpFailed');
    assert.equal(error.reason, 'too-large');
    assert.equal(error.cause.code, 'too-large');
    const whole = await send(host, { url: `${base}/big`, maxBodyBytes: 64 * 1024 });
    assert.equal(whole.body.length, 64 * 1024);
  });

  test('no answer within the timeout: timeout', async () => {
    const started = Date.now();
    const error = await rejection(send(host, { url: `${base}/slow`, timeoutMs: 150 }));
    assert.equal(error.reason, 'timeout');
    assert.ok(Date.now() - started < 3000);
  });

  test('a refused connection: connect; a URL that cannot be parsed: invalid-url', async () => {
    const closed = createServer();
    await new Promise((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address();
    await new Promise((resolve) => closed.close(resolve));
    const refused = await rejection(send(host, { url: `http://127.0.0.1:${port}/` }));
    assert.equal(refused.reason, 'connect');
    const invalid = await rejection(send(host, { url: 'not a url' }));
    assert.equal(invalid.reason, 'invalid-url');
  });
});

describe('fetch through other hosts', () => {
  test('a memory host with webFetch reaches the server; without fetch it cannot connect', async () => {
    const withFetch = memoryHost({ fetch: webFetch });
    assert.equal((await send(withFetch, { url: `${base}/sts` })).status, 200);
    const without = await rejection(send(memoryHost(), { url: `${base}/sts` }));
    assert.equal(without.reason, 'connect');
  });

  test('a host fetch that answers strings; one that answers nonsense is an InvalidArgument', async () => {
    const host = { fetch: () => ({ status: 200, contentType: 'text/plain', body: 'hi' }) };
    const response = await send(host, { url: 'https://example.invalid/' });
    assert.equal(new TextDecoder().decode(response.body), 'hi');
    assert.equal(response.contentType, 'text/plain');
    for (const fetch of [() => null, () => ({ status: 'ok' }), () => ({ status: 200, body: 5 })]) {
      const error = await rejection(send({ fetch }, { url: 'https://example.invalid/' }));
      assert.equal(error.code, 'InvalidArgument');
      assert.equal(error.argument, 'options.fetch');
    }
  });

  test("a host fetch's rejection codes and Node's own", async () => {
    const cases = [
      [{ code: 'timeout' }, 'timeout'],
      [Object.assign(new Error('x'), { name: 'TimeoutError' }), 'timeout'],
      [new TypeError('fetch failed', { cause: Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }) }), 'connect'],
      [{ code: 'too-large' }, 'too-large'],
      [{ code: 'ERR_INVALID_URL' }, 'invalid-url'],
      [new Error('anything'), 'other'],
    ];
    for (const [thrown, reason] of cases) {
      const error = await rejection(send({ fetch: () => Promise.reject(thrown) }, { url: 'https://example.invalid/' }));
      assert.equal(error.reason, reason, String(thrown.message ?? thrown.code));
      assert.equal(error.cause, thrown);
    }
  });
});

describe('writeFile', () => {
  const made = [];
  after(() => Promise.all(made.map((d) => rm(d, { recursive: true, force: true }))));

  test('the Node host writes atomically: 0600, directories 0700, no temporary file left', async () => {
    const home = await mkdtemp(join(tmpdir(), 'credchain-write-'));
    made.push(home);
    const host = nodeHost({ env: { HOME: home } });
    const dir = join(home, '.aws', 'cli', 'cache');
    const path = join(dir, 'abc.json');
    await host.writeFile(path, new TextEncoder().encode('{"a": 1}'));
    assert.equal(await readFile(path, 'utf8'), '{"a": 1}');
    assert.equal((await stat(path)).mode & 0o777, 0o600);
    assert.equal((await stat(dir)).mode & 0o777, 0o700);
    // Replacing an existing file (even one with looser permissions) leaves it private.
    await writeFile(path, 'old', { mode: 0o644 });
    await host.writeFile(path, new TextEncoder().encode('new'));
    assert.equal(await readFile(path, 'utf8'), 'new');
    assert.equal((await stat(path)).mode & 0o777, 0o600);
    assert.deepEqual(await readdir(dir), ['abc.json']);
    // A failure rejects with the system's error and leaves nothing behind.
    const error = await rejection(host.writeFile(join(path, 'below-a-file'), new Uint8Array([1])));
    assert.ok(['EEXIST', 'ENOTDIR'].includes(error.code), error.code); // mkdir's, or open's
    assert.deepEqual(await readdir(dir), ['abc.json']);
  });

  test('the memory host keeps writes in `written` and reads them back; `files` is untouched', async () => {
    const files = { '/h/a': 'old' };
    const host = memoryHost({ files });
    await host.writeFile('/h/a', new TextEncoder().encode('new'));
    assert.equal(new TextDecoder().decode(await host.readFile('/h/a')), 'new');
    assert.deepEqual([...host.written.keys()], ['/h/a']);
    assert.deepEqual(files, { '/h/a': 'old' });
  });
});

describe('assume role end to end: resolveCredentials against the loopback STS', () => {
  const BASE_SECRET = 'base-secret-not-real';
  const CONFIG = `[profile role]
role_arn = arn:aws:iam::123456789012:role/integration-test
source_profile = base
role_session_name = assume-role-provider-session
region = us-east-1

[profile mfa]
role_arn = arn:aws:iam::123456789012:role/integration-test
source_profile = base
mfa_serial = arn:aws:iam::123456789012:mfa/me
external_id = team-7
region = us-east-1
`;
  const CREDENTIALS = `[base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = ${BASE_SECRET}\n`;
  const homes = [];
  after(() => Promise.all(homes.map((d) => rm(d, { recursive: true, force: true }))));

  /** A fresh HOME (so a fresh cache) and a node host calling the mock at `path`. */
  async function setup(path = '/', options = {}) {
    const home = await mkdtemp(join(tmpdir(), 'credchain-sts-'));
    homes.push(home);
    await mkdir(join(home, '.aws'));
    await writeFile(join(home, '.aws', 'config'), CONFIG);
    await writeFile(join(home, '.aws', 'credentials'), CREDENTIALS);
    const env = { HOME: home, AWS_EC2_METADATA_DISABLED: 'true', AWS_ENDPOINT_URL_STS: `${base}${path}` };
    return { home, host: nodeHost({ env, prompt: null, ...options }) };
  }

  const form = (body) => Object.fromEntries(new URLSearchParams(body));
  const header = (request, name) =>
    request.rawHeaders[request.rawHeaders.findIndex((n) => n.toLowerCase() === name) + 1];

  test('a role profile: AssumeRole signed with the source keys; the result cached (0600) and reused', async () => {
    const { home, host } = await setup();
    received.length = 0;
    const expected = {
      accessKeyId: 'ASIARTESTID',
      secretAccessKey: 'TESTSECRETKEY',
      sessionToken: 'TESTSESSIONTOKEN',
      expiration: new Date('2099-08-05T19:58:02Z'),
      accountId: '123456789012',
      provider: 'assume-role',
    };
    assert.deepEqual(await resolveCredentials({ host, profile: 'role' }), expected);
    assert.equal(received.length, 1);
    const [request] = received;
    assert.deepEqual([request.method, request.url], ['POST', '/']);
    assert.deepEqual(form(request.body), {
      Action: 'AssumeRole',
      Version: '2011-06-15',
      RoleArn: 'arn:aws:iam::123456789012:role/integration-test',
      RoleSessionName: 'assume-role-provider-session',
    });
    assert.match(header(request, 'authorization'), /^AWS4-HMAC-SHA256 Credential=AKIDBASE\/\d{8}\/us-east-1\/sts\/aws4_request, /);
    assert.ok(!JSON.stringify(request).includes(BASE_SECRET), 'the secret key is never sent');

    // The AWS CLI's cache: one JSON file, private, and the next call is served from it.
    const cache = join(home, '.aws', 'cli', 'cache');
    const entries = await readdir(cache);
    assert.equal(entries.length, 1);
    assert.match(entries[0], /^[0-9a-f]{40}\.json$/);
    assert.equal((await stat(join(cache, entries[0]))).mode & 0o777, 0o600);
    assert.equal(JSON.parse(await readFile(join(cache, entries[0]), 'utf8')).Credentials.AccessKeyId, 'ASIARTESTID');
    assert.deepEqual(await resolveCredentials({ host, profile: 'role' }), expected);
    assert.equal(received.length, 1, 'no second STS call');
  });

  test('MFA: the code is asked through the host prompt and sent with the serial and external id', async () => {
    const questions = [];
    const { host } = await setup('/', { prompt: async (q) => { questions.push(q); return '123456\n'; } });
    received.length = 0;
    assert.equal((await resolveCredentials({ host, profile: 'mfa' })).accessKeyId, 'ASIARTESTID');
    assert.equal(questions.length, 1);
    assert.match(questions[0], /arn:aws:iam::123456789012:mfa\/me/);
    const sent = form(received[0].body);
    assert.equal(sent.SerialNumber, 'arn:aws:iam::123456789012:mfa/me');
    assert.equal(sent.TokenCode, '123456');
    assert.equal(sent.ExternalId, 'team-7');

    const { host: nobody } = await setup();
    const error = await rejection(resolveCredentials({ host: nobody, profile: 'mfa' }));
    assert.ok(isCredchainError(error));
    assert.equal(error.code, 'MfaFailed', error.message);
    assert.equal(error.reason, 'unavailable');
    assert.equal(error.profile, 'mfa');
    assert.equal(error.serial, 'arn:aws:iam::123456789012:mfa/me');
  });

  test("STS's error answer: ServiceError with its code, message, status and endpoint", async () => {
    const { host } = await setup('/denied');
    const error = await rejection(resolveCredentials({ host, profile: 'role' }));
    assert.ok(isCredchainError(error));
    assert.equal(error.code, 'ServiceError', error.message);
    assert.equal(error.serviceCode, 'AccessDenied');
    assert.match(error.serviceMessage, /not authorized to perform: sts:AssumeRole/);
    assert.equal(error.status, 403);
    assert.equal(error.operation, 'AssumeRole');
    assert.equal(error.roleArn, 'arn:aws:iam::123456789012:role/integration-test');
    assert.equal(error.endpoint, `${base}/denied`);
    assert.deepEqual(error.endpointSource, { kind: 'env', name: 'AWS_ENDPOINT_URL_STS' });
    assert.match(error.message, /AccessDenied/);
    // The AWS CLI's ClientError status, as `credchain export-credentials` exits.
    assert.equal(error.awsCliExitStatus, 254);
    assert.ok(!JSON.stringify({ ...error, message: error.message }).includes(BASE_SECRET));
  });

  test('no STS at the endpoint: HttpFailed, connect, with the host error as cause', async () => {
    const closed = createServer();
    await new Promise((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address();
    await new Promise((resolve) => closed.close(resolve));
    const home = await mkdtemp(join(tmpdir(), 'credchain-sts-'));
    homes.push(home);
    await mkdir(join(home, '.aws'));
    await writeFile(join(home, '.aws', 'config'), CONFIG);
    await writeFile(join(home, '.aws', 'credentials'), CREDENTIALS);
    const host = nodeHost({ env: { HOME: home, AWS_ENDPOINT_URL_STS: `http://127.0.0.1:${port}` } });
    const error = await rejection(resolveCredentials({ host, profile: 'role' }));
    assert.equal(error.code, 'HttpFailed', error.message);
    assert.equal(error.reason, 'connect');
    assert.equal(error.cause.code, 'connect');
    // No answer from a deferred call: the AWS CLI's general error status.
    assert.equal(error.awsCliExitStatus, 255);
  });

  test('web identity: the token file read through the host, AssumeRoleWithWebIdentity unsigned', async () => {
    const { home } = await setup();
    const tokenFile = join(home, 'token.jwt');
    await writeFile(tokenFile, 'eyJhbGciOi.not-a-real-token.sig');
    const env = {
      HOME: home,
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_ENDPOINT_URL_STS: `${base}/web`,
      AWS_WEB_IDENTITY_TOKEN_FILE: tokenFile,
      AWS_ROLE_ARN: 'arn:aws:iam::123456789012:role/web',
      AWS_ROLE_SESSION_NAME: 'pod-1',
    };
    received.length = 0;
    const credentials = await resolveCredentials({ host: nodeHost({ env }) });
    assert.equal(credentials.accessKeyId, 'ASIARTESTID');
    assert.equal(credentials.provider, 'assume-role-with-web-identity');
    assert.equal(received.length, 1);
    assert.deepEqual(form(received[0].body), {
      Action: 'AssumeRoleWithWebIdentity',
      Version: '2011-06-15',
      RoleArn: 'arn:aws:iam::123456789012:role/web',
      RoleSessionName: 'pod-1',
      WebIdentityToken: 'eyJhbGciOi.not-a-real-token.sig',
    });
    const names = received[0].rawHeaders.filter((_, i) => i % 2 === 0).map((n) => n.toLowerCase());
    assert.ok(!names.includes('authorization'), 'unsigned');

    // The result is cached as the AWS CLI caches it (~/.aws/cli/cache, through writeFile): a
    // second resolution makes no call.
    assert.equal((await resolveCredentials({ host: nodeHost({ env }) })).accessKeyId, 'ASIARTESTID');
    assert.equal(received.length, 1);

    // Another session name is another cache entry: the token file is read, and is missing.
    const missing = {
      ...env,
      AWS_ROLE_SESSION_NAME: 'pod-2',
      AWS_WEB_IDENTITY_TOKEN_FILE: join(home, 'nope.jwt'),
    };
    const error = await rejection(resolveCredentials({ host: nodeHost({ env: missing }) }));
    assert.equal(error.code, 'TokenFileUnreadable', error.message);
    assert.equal(error.reason, 'missing');
    assert.deepEqual(error.source, { kind: 'env', name: 'AWS_WEB_IDENTITY_TOKEN_FILE' });
    assert.ok(!error.message.includes('not-a-real-token'));
  });

  test('explain a role profile: no STS call', async () => {
    const { host } = await setup();
    received.length = 0;
    const explained = await explainCredentials({ host, profile: 'role' });
    assert.deepEqual(explained.chosen.steps.map((s) => s.kind), ['static-keys', 'assume-role']);
    assert.equal(received.length, 0);
  });
});
