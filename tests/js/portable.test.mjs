// The portable checks (shared/portable.mjs) in Node, against the loopback mocks of
// shared/services.mjs: over the Node entry and over the browser entry (loaded from the .wasm's
// bytes, since Node cannot fetch a file: URL). chromium.test.mjs runs the same checks in a page
// of headless Chromium over the installed package.

import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, test } from 'node:test';

import * as browserEntry from '../../wasm/npm/browser.js';
import * as nodeEntry from '../../wasm/npm/node.js';
import { runPortableChecks } from './shared/portable.mjs';
import { startServices } from './shared/services.mjs';

const WASM = new URL('../../wasm/npm/dist/credchain_wasm_bg.wasm', import.meta.url);

let services;
before(async () => {
  services = await startServices();
});
after(() => services?.close());

/** Fails with every failed check listed. */
function assertAllPassed(results) {
  const failed = results.filter((r) => !r.ok);
  assert.ok(results.length > 0, 'no checks ran');
  assert.equal(failed.length, 0, failed.map((r) => `${r.name}: ${r.message}`).join('\n'));
}

test('the portable checks through the Node entry', async () => {
  assertAllPassed(await runPortableChecks(nodeEntry, services.urls, { enforcesCors: false }));
});

test('the portable checks through the browser entry, in Node', async () => {
  await browserEntry.initialize(await readFile(WASM));
  assertAllPassed(await runPortableChecks(browserEntry, services.urls, { enforcesCors: false }));
});
