// What the entries and common.js share that is not the package's API: the package's error
// constructor, the timer sleep, and where the entry says the module's bytes come from.

/** An error like the ones the module throws: named CredchainError, with a stable `code`. */
export function credchainError(code, message, fields = {}, ErrorType = Error) {
  const error = new ErrorType(message);
  error.name = 'CredchainError';
  error.code = code;
  return Object.assign(error, fields);
}

/** What wasm-bindgen's init accepts (bytes, a WebAssembly.Module, a URL, a Response, or a
 * promise of one), or undefined for the URL next to the generated JS (what bundlers rewrite):
 * the entry's way of loading the module, set once by node.js; the browser's is the URL. */
let source = () => undefined;

/** Sets how `initialize()` without an argument loads the module. */
export function setModuleSource(load) {
  source = load;
}

/** The module as the entry loads it: see {@link setModuleSource}. */
export function moduleSource() {
  return source();
}

/** Faster readers the module may use in place of a host's `readFile`, keyed by that function:
 * a reader here may return a view that its next read overwrites (the module copies what a read
 * returns before anything else runs), which a caller of the host's own `readFile` must never
 * see. node.js sets nodeHost's. */
export const moduleReaders = new WeakMap();

/** The host `sleep(ms)` of Node and browsers: a promise resolved by setTimeout. */
export function timerSleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
