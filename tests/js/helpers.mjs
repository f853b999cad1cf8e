// Shared by the tests: the package under test, the sample files, the two hosts over them, and
// where the repository and the shared conformance data are.

import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after } from 'node:test';
import { fileURLToPath } from 'node:url';

// The package as Node loads it (its "node" export), straight from the source tree.
export * from '../../wasm/npm/node.js';
import { memoryHost, nodeHost } from '../../wasm/npm/node.js';

/** The repository's root directory. */
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The shared conformance data (../shared/conformance), or CREDCHAIN_CONFORMANCE. */
export const CONFORMANCE = process.env.CREDCHAIN_CONFORMANCE ?? join(ROOT, '..', 'shared', 'conformance');

// Line numbers matter: the tests check them.
export const CONFIG = `# sample config
[default]
region = us-east-1
output = json

[profile dev]
region = eu-west-1
output = text
s3 =
  max_concurrent_requests = 20
  multipart_threshold = 64MB

[profile prod]
region = us-west-2
`;

export const CREDENTIALS = `[default]
aws_access_key_id = AKIDEXAMPLE
aws_secret_access_key = not-a-secret

[ci]
region = ap-northeast-1

[dev]
aws_access_key_id = AKIDDEV
`;

/** The profiles of CONFIG and CREDENTIALS in `aws configure list-profiles` order. */
export const PROFILES = ['default', 'dev', 'prod', 'ci'];

/**
 * A temporary home directory holding ~/.aws/config and ~/.aws/credentials (whichever of
 * `files` is given), created with fs.mkdtemp: the tests never read the real ~/.aws.
 */
export async function tempHome(files = { config: CONFIG, credentials: CREDENTIALS }) {
  const home = await mkdtemp(join(tmpdir(), 'credchain-js-'));
  await mkdir(join(home, '.aws'));
  for (const [name, text] of Object.entries(files)) {
    await writeFile(join(home, '.aws', name), text);
  }
  return {
    home,
    config: join(home, '.aws', 'config'),
    credentials: join(home, '.aws', 'credentials'),
    remove: () => rm(home, { recursive: true, force: true }),
  };
}

/** A memory host whose home is /home/me, with `extra` variables. */
export function memory(extra = {}, files = { config: CONFIG, credentials: CREDENTIALS }) {
  const paths = { config: '/home/me/.aws/config', credentials: '/home/me/.aws/credentials' };
  const contents = {};
  for (const [name, text] of Object.entries(files)) contents[paths[name]] = text;
  return { host: memoryHost({ env: { HOME: '/home/me', ...extra }, files: contents }), ...paths };
}

/** A node host over a temporary home (call `remove` after), with `extra` variables. */
export async function node(extra = {}, files) {
  const dir = await tempHome(files);
  return { ...dir, host: nodeHost({ env: { HOME: dir.home, ...extra } }) };
}

/** Both hosts over the same files, for tests that must hold through either. */
export const HOSTS = { memory: async (...a) => memory(...a), node };

/** The error `promise` rejects with (failing when it resolves). */
export async function rejection(promise) {
  try {
    const value = await promise;
    assert.fail(`expected a rejection, got ${JSON.stringify(value)}`);
  } catch (error) {
    if (error instanceof assert.AssertionError) throw error;
    return error;
  }
}

/**
 * A list for the temporary homes (anything with a `remove()`; memory hosts have none) that the
 * tests of a file or describe block make: all are removed after those tests.
 */
export function removedAfter() {
  const made = [];
  after(() => Promise.all(made.map((h) => h.remove?.())));
  return made;
}

/**
 * Holds what a test host does from now on (its `run` or `fetch` awaits `state.release`) until
 * the function returned is called: a resolution in flight, for the resolvers' tests.
 */
export function holdUntilReleased(state) {
  let release;
  state.release = new Promise((resolve) => {
    release = resolve;
  });
  return release;
}
