// The package's entry for browsers and bundlers ("default" in package.json's exports): the
// module is fetched from the URL next to the generated JS, which bundlers (webpack 5, Vite,
// esbuild with a file loader) copy and rewrite; call initialize(source) first to load it from
// elsewhere. There is no file system here: use memoryHost(), with `fetch: webFetch` for the
// providers that call services.

import { credchainError } from './internal.js';

export * from './common.js';

/** Not available outside Node.js: throws an error with code 'Unsupported'. */
export function nodeHost() {
  throw credchainError(
    'Unsupported',
    'nodeHost() needs Node.js (this is the browser build of credchain); use memoryHost({ env, files })',
  );
}
