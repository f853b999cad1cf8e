// The browser entry (package.json's "default" export), run in Node: it loads the module from
// what initialize() is given (in a browser, by default, the URL beside the JS), has the memory
// host, and no node host.

import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';

import * as browser from '../../wasm/npm/browser.js';

const WASM = new URL('../../wasm/npm/dist/credchain_wasm_bg.wasm', import.meta.url);

test('initialize: a failed load can be retried, then every function works', async () => {
  await assert.rejects(browser.initialize(new Uint8Array([0, 1, 2, 3])), WebAssembly.CompileError);
  await browser.initialize(await readFile(WASM));
  await browser.initialize(); // loaded once: later calls are no-ops
  const host = browser.memoryHost({
    env: { HOME: '/home/web' },
    files: { '/home/web/.aws/config': '[default]\nregion = eu-west-2\n[profile x]\n' },
  });
  assert.deepEqual(await browser.resolveSetting('region', { host }), {
    value: 'eu-west-2',
    source: { kind: 'config-file', path: '/home/web/.aws/config', line: 2 },
  });
  assert.deepEqual(await browser.listProfiles({ host }), ['default', 'x']);
  assert.equal(await browser.configureGet('region', { host }), 'eu-west-2');
});

test('the browser entry resolves credentials through a memory host, and has webFetch', async () => {
  await browser.initialize(await readFile(WASM));
  const host = browser.memoryHost({
    env: { HOME: '/home/web', AWS_EC2_METADATA_DISABLED: 'true' },
    files: { '/home/web/.aws/credentials': '[default]\naws_access_key_id = AKIDWEB\naws_secret_access_key = s\n' },
    fetch: browser.webFetch,
  });
  assert.deepEqual(await browser.resolveCredentials({ host }), {
    accessKeyId: 'AKIDWEB',
    secretAccessKey: 's',
    provider: 'shared-credentials-file',
  });
  assert.equal((await browser.explainCredentials({ host })).chosen.provider, 'shared-credentials-file');
  assert.equal(typeof browser.webFetch, 'function');
});

test('nodeHost is not available in the browser build', () => {
  assert.throws(() => browser.nodeHost(), (e) => browser.isCredchainError(e) && e.code === 'Unsupported');
});
