// The package's Node.js entry ("node" in package.json's exports): the module's bytes are read
// from the file beside the generated JS, and nodeHost() reads the real environment and files.

import { readFile } from 'node:fs/promises';
import process from 'node:process';

import { createApi } from './common.js';

export { isCredchainError, memoryHost } from './common.js';

const WASM = new URL('./dist/credchain_wasm_bg.wasm', import.meta.url);

export const { initialize, resolveSetting, listProfiles, configureGet } = createApi(() =>
  readFile(WASM),
);

/**
 * The host of a Node.js process: `process.env` (or `env`), files read with fs/promises
 * readFile. A path with nothing there (ENOENT, ENOTDIR) is no file; any other failure
 * (EACCES, EISDIR, ...) rejects, and the call fails with a ReadError whose `cause` is it.
 */
export function nodeHost({ env = process.env, platform } = {}) {
  return {
    env,
    platform: platform ?? (process.platform === 'win32' ? 'windows' : 'unix'),
    async readFile(path) {
      try {
        return await readFile(path);
      } catch (error) {
        if (error?.code === 'ENOENT' || error?.code === 'ENOTDIR') return null;
        throw error;
      }
    },
  };
}
