// The browser entry in a real browser: headless Chromium (Debian's, which tests/run installs)
// driven over the DevTools protocol on a pipe (--remote-debugging-pipe: commands on its fd 3,
// answers on its fd 4, NUL-terminated JSON; no npm dependency). A page served from 127.0.0.1
// maps `credchain` to the installed package's browser entry with an import map, initialises
// the module from its URL (the .wasm beside the glue), and runs the same portable checks as
// portable.test.mjs against the loopback mocks; the results come back through
// Runtime.evaluate awaiting the page's promise, and every failure is listed.
//
// The package is the one tests/js/run installed from the `npm pack` tarball
// (CREDCHAIN_INSTALLED_PACKAGE, its directory under node_modules); run alone, the source tree's
// wasm/npm. Every step has a timeout, the browser is killed at the end, and only 127.0.0.1 is
// opened (host names resolve to nothing).

import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';

import { startServices } from './shared/services.mjs';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const PACKAGE = process.env.CREDCHAIN_INSTALLED_PACKAGE || resolve(HERE, '../../wasm/npm');
const SHARED = join(HERE, 'shared');
/** How long the page may take to load and run every check. */
const PAGE_TIMEOUT_MS = 60_000;
/** How long one DevTools command may take. */
const COMMAND_TIMEOUT_MS = 15_000;

/** The Chromium to run: $CHROMIUM, else Debian's. */
function chromiumPath() {
  if (process.env.CHROMIUM) return process.env.CHROMIUM;
  for (const candidate of ['/usr/bin/chromium', '/usr/bin/chromium-browser']) {
    if (existsSync(candidate)) return candidate;
  }
  const found = spawnSync('sh', ['-c', 'command -v chromium'], { encoding: 'utf8', timeout: 5000 });
  return found.status === 0 ? found.stdout.trim() : null;
}

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
};

/** The test page: the import map, a promise for the results, the checks run as a module. */
function page() {
  const importMap = JSON.stringify({ imports: { credchain: '/pkg/browser.js' } });
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>credchain in Chromium</title>
<script>
  window.credchainResults = new Promise((resolve) => { window.reportCredchainResults = resolve; });
</script>
<script type="importmap">${importMap}</script>
<script type="module">
  const report = window.reportCredchainResults;
  try {
    const services = JSON.parse(new URLSearchParams(location.search).get('services'));
    const credchain = await import('credchain');
    const { runPortableChecks } = await import('/shared/portable.mjs');
    // No source: the module is fetched from the URL beside the package's glue.
    await credchain.initialize();
    report({ results: await runPortableChecks(credchain, services, { enforcesCors: true }) });
  } catch (error) {
    report({ error: String(error && error.stack || error) });
  }
</script>
</head><body></body></html>
`;
}

/**
 * The page's server: `/` the page, `/pkg/...` the package's files, `/shared/...` the portable
 * checks; nothing outside those directories. Every path served is recorded.
 */
async function startPageServer() {
  const served = [];
  const roots = { '/pkg/': PACKAGE, '/shared/': SHARED };
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://127.0.0.1').pathname);
    served.push(path);
    if (path === '/') {
      res.writeHead(200, { 'content-type': TYPES['.html'] });
      res.end(page());
      return;
    }
    const prefix = Object.keys(roots).find((p) => path.startsWith(p));
    const root = prefix && roots[prefix];
    const file = root && normalize(join(root, path.slice(prefix.length)));
    if (!file || !file.startsWith(root + sep) || !TYPES[extname(file)]) {
      res.writeHead(404);
      res.end();
      return;
    }
    try {
      const body = await readFile(file);
      res.writeHead(200, { 'content-type': TYPES[extname(file)] });
      res.end(body);
    } catch {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, origin: `http://127.0.0.1:${server.address().port}`, served };
}

/** A DevTools protocol connection over Chromium's pipe: commands, answers and events. */
class DevTools {
  constructor(input, output) {
    this.input = input;
    this.nextId = 1;
    this.pending = new Map();
    this.listeners = [];
    this.closed = null;
    let buffered = Buffer.alloc(0);
    output.on('data', (chunk) => {
      buffered = Buffer.concat([buffered, chunk]);
      for (let end = buffered.indexOf(0); end !== -1; end = buffered.indexOf(0)) {
        const message = JSON.parse(buffered.subarray(0, end).toString('utf8'));
        buffered = buffered.subarray(end + 1);
        this.dispatch(message);
      }
    });
    const gone = () => this.fail(new Error('the browser closed the DevTools pipe'));
    output.on('close', gone);
    output.on('error', gone);
    input.on('error', gone);
  }

  dispatch(message) {
    if (message.id !== undefined) {
      const waiting = this.pending.get(message.id);
      if (!waiting) return;
      this.pending.delete(message.id);
      clearTimeout(waiting.timer);
      if (message.error) waiting.reject(new Error(`${waiting.method}: ${message.error.message}`));
      else waiting.resolve(message.result);
      return;
    }
    for (const listener of this.listeners) listener(message);
  }

  fail(error) {
    this.closed ??= error;
    for (const waiting of this.pending.values()) {
      clearTimeout(waiting.timer);
      waiting.reject(error);
    }
    this.pending.clear();
  }

  /** Sends a command (to the session `sessionId` when given), answered within `timeoutMs`. */
  send(method, params = {}, sessionId = undefined, timeoutMs = COMMAND_TIMEOUT_MS) {
    if (this.closed) return Promise.reject(this.closed);
    const id = this.nextId++;
    const message = { id, method, params, ...(sessionId ? { sessionId } : {}) };
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${method}: no answer within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, { method, resolve, reject, timer });
      this.input.write(`${JSON.stringify(message)}\0`);
    });
  }

  /** The first event `method` (of session `sessionId`) from now, within `timeoutMs`. */
  event(method, sessionId, timeoutMs) {
    return new Promise((resolve, reject) => {
      const listener = (message) => {
        if (message.method === method && message.sessionId === sessionId) {
          clearTimeout(timer);
          this.listeners = this.listeners.filter((l) => l !== listener);
          resolve(message.params);
        }
      };
      const timer = setTimeout(() => {
        this.listeners = this.listeners.filter((l) => l !== listener);
        reject(new Error(`${method}: not within ${timeoutMs} ms`));
      }, timeoutMs);
      timer.unref();
      this.listeners.push(listener);
    });
  }

  /** Calls `listener` with every event. */
  onEvent(listener) {
    this.listeners.push(listener);
  }
}

/** Starts headless Chromium with a fresh profile directory; resolves to it and its pipe. */
async function launchChromium(executable) {
  const profile = await mkdtemp(join(tmpdir(), 'credchain-chromium-'));
  const args = [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--no-default-browser-check',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--disable-extensions',
    '--disable-dev-shm-usage',
    // Nothing but 127.0.0.1 is reached: every other host name resolves to nothing.
    '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
    `--user-data-dir=${profile}`,
    '--remote-debugging-pipe',
    'about:blank',
  ];
  const child = spawn(executable, args, {
    stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'],
    env: { ...process.env, HOME: profile },
  });
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    // Kept for a failure's message; bounded.
    if (stderr.length < 64 * 1024) stderr += chunk;
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const spawned = new Promise((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', reject);
  });
  await spawned;
  const devtools = new DevTools(child.stdio[3], child.stdio[4]);
  async function close() {
    // Ask nicely, then make sure.
    await devtools.send('Browser.close', {}, undefined, 3000).catch(() => {});
    const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
    if (child.exitCode === null && child.signalCode === null) await exited;
    clearTimeout(timer);
    await rm(profile, { recursive: true, force: true, maxRetries: 3 });
  }
  return { devtools, close, stderr: () => stderr };
}

let services;
let pageServer;
let browser;

before(async () => {
  services = await startServices();
  pageServer = await startPageServer();
});

after(async () => {
  await browser?.close();
  await services?.close();
  if (pageServer) {
    pageServer.server.closeAllConnections();
    await new Promise((resolve) => pageServer.server.close(resolve));
  }
});

const WHICH = process.env.CREDCHAIN_INSTALLED_PACKAGE ? 'installed package' : "source tree's package";

test(`the ${WHICH} in headless Chromium passes the portable checks`, { timeout: 120_000 }, async () => {
  const executable = chromiumPath();
  assert.ok(executable, 'Chromium is not installed (tests/run installs Debian\'s chromium; or set CHROMIUM)');
  assert.ok(existsSync(join(PACKAGE, 'browser.js')), `no package at ${PACKAGE}`);
  browser = await launchChromium(executable);
  const { devtools } = browser;

  // What the page says, for the failure message.
  const console = [];
  devtools.onEvent(({ method, params }) => {
    if (method === 'Runtime.consoleAPICalled') {
      console.push(`console.${params.type}: ${params.args.map((a) => a.value ?? a.description).join(' ')}`);
    } else if (method === 'Runtime.exceptionThrown') {
      const details = params.exceptionDetails;
      console.push(`exception: ${details.exception?.description ?? details.text}`);
    } else if (method === 'Log.entryAdded') {
      console.push(`log.${params.entry.level}: ${params.entry.text}`);
    }
  });

  const { targetId } = await devtools.send('Target.createTarget', { url: 'about:blank' });
  const { sessionId } = await devtools.send('Target.attachToTarget', { targetId, flatten: true });
  await devtools.send('Runtime.enable', {}, sessionId);
  await devtools.send('Log.enable', {}, sessionId);
  await devtools.send('Page.enable', {}, sessionId);
  const url = `${pageServer.origin}/?services=${encodeURIComponent(JSON.stringify(services.urls))}`;
  const loaded = devtools.event('Page.loadEventFired', sessionId, PAGE_TIMEOUT_MS);
  loaded.catch(() => {}); // awaited below, unless the navigation fails first
  const navigated = await devtools.send('Page.navigate', { url }, sessionId);
  assert.equal(navigated.errorText, undefined, `navigation failed: ${navigated.errorText}`);
  await loaded;

  let outcome;
  try {
    const evaluated = await devtools.send(
      'Runtime.evaluate',
      { expression: 'window.credchainResults', awaitPromise: true, returnByValue: true },
      sessionId,
      PAGE_TIMEOUT_MS,
    );
    assert.equal(evaluated.exceptionDetails, undefined, JSON.stringify(evaluated.exceptionDetails));
    outcome = evaluated.result.value;
  } catch (error) {
    assert.fail(`${error.message}\nthe page said:\n${console.join('\n')}\nchromium's stderr:\n${browser.stderr()}`);
  }
  assert.equal(outcome.error, undefined, `the page failed: ${outcome.error}\n${console.join('\n')}`);
  const failed = outcome.results.filter((r) => !r.ok);
  assert.ok(outcome.results.length >= 8, `only ${outcome.results.length} checks ran`);
  assert.equal(
    failed.length,
    0,
    `${failed.length} of ${outcome.results.length} checks failed in Chromium:\n` +
      failed.map((r) => `  ${r.name}: ${r.message}`).join('\n') +
      `\nthe page said:\n${console.join('\n')}`,
  );

  // The module came from its URL beside the installed glue, as a browser user gets it.
  assert.ok(pageServer.served.includes('/pkg/dist/credchain_wasm_bg.wasm'), `served: ${pageServer.served.join(', ')}`);
  // The page's requests reached the mocks cross-origin: with its Origin, after preflights.
  const origins = new Set(services.received.filter((r) => r.server === 'cors').map((r) => r.origin));
  assert.deepEqual([...origins], [pageServer.origin]);
  assert.ok(services.received.some((r) => r.server === 'cors' && r.method === 'OPTIONS'), 'a preflight was answered');
  assert.ok(services.received.some((r) => r.server === 'noCors'), 'the endpoint without CORS headers was asked');
});
