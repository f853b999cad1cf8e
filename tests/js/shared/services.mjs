// Loopback mock services for the portable checks (portable.mjs), run by Node for both the Node
// test and the Chromium page: STS (AssumeRole), a container credentials endpoint and SSO-OIDC
// (CreateToken), on 127.0.0.1 only, port 0, each answered twice over:
//
//   - `cors`: with the CORS headers a page of another origin needs (preflights answered,
//     the headers asked for allowed, every answer readable by any origin);
//   - `noCors`: the same answers without them, which a browser refuses to hand to the page;
//
// and `closed`, the URL of a port nothing listens on (a network that is down). Every request
// is recorded (`received`) with the server it reached.

import { createServer } from 'node:http';

import {
  CONTAINER_AUTHORIZATION,
  CONTAINER_KEYS,
  EXPIRATION,
  REFRESHED_TOKEN,
  STS_KEYS,
} from './portable.mjs';

const ASSUME_ROLE_XML = `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleResult>
    <AssumedRoleUser>
      <AssumedRoleId>AROAMOCK:portable</AssumedRoleId>
      <Arn>arn:aws:sts::123456789012:assumed-role/portable/portable</Arn>
    </AssumedRoleUser>
    <Credentials>
      <AccessKeyId>${STS_KEYS.accessKeyId}</AccessKeyId>
      <SecretAccessKey>${STS_KEYS.secretAccessKey}</SecretAccessKey>
      <SessionToken>${STS_KEYS.sessionToken}</SessionToken>
      <Expiration>${EXPIRATION}</Expiration>
    </Credentials>
  </AssumeRoleResult>
  <ResponseMetadata><RequestId>00000000-0000-0000-0000-000000000000</RequestId></ResponseMetadata>
</AssumeRoleResponse>
`;

/** The answer to one request (after the body is read): [status, content type, body]. */
function answer(method, path, headers) {
  if (method === 'POST' && path === '/sts') return [200, 'text/xml', ASSUME_ROLE_XML];
  if (method === 'GET' && path === '/container') {
    if (headers.authorization !== CONTAINER_AUTHORIZATION) return [401, 'application/json', '{"message":"no"}'];
    const body = {
      AccessKeyId: CONTAINER_KEYS.accessKeyId,
      SecretAccessKey: CONTAINER_KEYS.secretAccessKey,
      Token: CONTAINER_KEYS.sessionToken,
      Expiration: EXPIRATION,
      AccountId: '123456789012',
    };
    return [200, 'application/json', JSON.stringify(body)];
  }
  if (method === 'POST' && path === '/oidc/token') {
    const body = { accessToken: REFRESHED_TOKEN, tokenType: 'Bearer', expiresIn: 8 * 3600 };
    return [200, 'application/json', JSON.stringify(body)];
  }
  return [404, 'text/plain', 'not found'];
}

/** One mock server; `cors` says whether it sends the CORS headers. */
async function mockServer(name, cors, received) {
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => {
      const path = req.url.split('?')[0];
      received.push({ server: name, method: req.method, path, origin: req.headers.origin ?? null });
      const allow = cors ? { 'access-control-allow-origin': '*' } : {};
      if (req.method === 'OPTIONS') {
        if (cors) {
          // The preflight: allow the method and exactly the headers asked for (a wildcard
          // does not cover Authorization).
          allow['access-control-allow-methods'] = 'GET, POST';
          allow['access-control-allow-headers'] = req.headers['access-control-request-headers'] ?? '';
          allow['access-control-max-age'] = '600';
        }
        res.writeHead(204, allow);
        res.end();
        return;
      }
      const [status, contentType, body] = answer(req.method, path, req.headers);
      res.writeHead(status, { ...allow, 'content-type': contentType });
      res.end(body);
    });
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  return { server, base: `http://127.0.0.1:${server.address().port}` };
}

/** A loopback port nothing listens on: bound, then closed. */
async function closedPort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}`;
}

/**
 * Starts the mocks. Resolves to `{ urls, received, close }`: `urls` is what the portable checks
 * take (`{ cors, noCors, closed }`, each a base URL whose paths are /sts, /container and
 * /oidc), `received` every request in order, `close()` stops both servers.
 */
export async function startServices() {
  const received = [];
  const withCors = await mockServer('cors', true, received);
  const without = await mockServer('noCors', false, received);
  const urls = { cors: withCors.base, noCors: without.base, closed: await closedPort() };
  async function close() {
    for (const { server } of [withCors, without]) {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  }
  return { urls, received, close };
}
