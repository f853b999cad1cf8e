// The package's Node.js entry ("node" in package.json's exports): the module's bytes are read
// from the file beside the generated JS, and nodeHost() reads the real environment and files,
// writes caches atomically, runs programs with child_process and calls services with fetch.

import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, constants, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
import { chown, mkdir, open, readFile, realpath, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import process from 'node:process';
import { createInterface } from 'node:readline/promises';

import { webFetch } from './common.js';
import { moduleReaders, setModuleSource, timerSleep } from './internal.js';

export * from './common.js';

const WASM = new URL('./dist/credchain_wasm_bg.wasm', import.meta.url);
setModuleSource(() => readFile(WASM));
moduleReaders.set(readRegularFile, readForModule);

/**
 * The host of a Node.js process:
 * - `env`: `process.env` (or `env`), also the environment of the programs it runs;
 * - `readFile`: see {@link readRegularFile}; a path with nothing there (ENOENT, ENOTDIR) is no
 *   file; anything there but a regular file throws with code 'not-a-file' (the core then reads
 *   the shared files as absent, as the AWS CLI does); any other failure (EACCES, ...) throws,
 *   and the call fails with a ReadError whose `cause` is it;
 * - `writeFile`: atomic and private, see {@link writePrivate};
 * - `writeSharedFile`: the shared files' edits, atomic and keeping the file's mode, see
 *   {@link writeShared};
 * - `run`: child_process.spawn without a shell, see {@link runProgram};
 * - `fetch`: {@link webFetch} over Node's fetch;
 * - `sleep`: setTimeout (the waits between retried service calls);
 * - `prompt`: the terminal (question on stderr, answer from stdin) when stdin is a TTY, else
 *   none; `prompt` replaces it (a function, or `null` for none).
 */
export function nodeHost({ env = process.env, platform, prompt } = {}) {
  const host = {
    env,
    platform: platform ?? (process.platform === 'win32' ? 'windows' : 'unix'),
    readFile: readRegularFile,
    writeFile: writePrivate,
    writeSharedFile: writeShared,
    run: (argv, limits) => runProgram(argv, { ...limits, env }),
    fetch: (request) => webFetch(request),
    sleep: timerSleep,
  };
  const ask = prompt === undefined ? (process.stdin.isTTY ? terminalPrompt : undefined) : prompt;
  if (ask) host.prompt = ask;
  return host;
}

/**
 * Reads the regular file at `path`, with the sync calls: opened without waiting (O_NONBLOCK, so
 * that a FIFO with no writer cannot hold the read), then checked on the open file; a
 * directory, FIFO, device or socket throws with code 'not-a-file' unread. `null` when nothing
 * is there. Sync because the shared files are small local files read once a call: four
 * promise round trips through libuv's thread pool for each of them were most of a small
 * resolution's time, and a sync value lets the module go on without giving up its turn.
 */
function readRegularFile(path) {
  return withRegularFile(path, (fd) => readFileSync(fd));
}

/** The buffer {@link readForModule} reads into, grown to the largest file read, never shrunk. */
let scratch = Buffer.allocUnsafe(64 * 1024);

/**
 * {@link readRegularFile} for the module's own reads, into one buffer kept from call to call:
 * a fresh buffer for each read of a large file costs the process fresh pages (a 2 MB pair's
 * reads took 0.8 ms of a 3.2 ms resolution, 0.17 ms into a kept buffer). The view it returns is
 * good until the next read; the module copies it at once, before anything else runs (a value
 * that is not a promise is taken without awaiting). Used only while the host's `readFile` is
 * nodeHost's own (see `moduleReaders` in internal.js), so a caller of `host.readFile` always
 * gets bytes of its own.
 */
function readForModule(path) {
  return withRegularFile(path, (fd, stats) => {
    let length = 0;
    for (;;) {
      // One byte more than the file's size, so that the read that finds its end is not the
      // one that fills the buffer; a file that grows while read is read to its new end.
      const want = Math.max(stats.size, length) + 1;
      if (scratch.length < want) {
        const larger = Buffer.allocUnsafe(Math.max(want, scratch.length * 2));
        scratch.copy(larger, 0, 0, length);
        scratch = larger;
      }
      const read = readSync(fd, scratch, length, scratch.length - length, null);
      if (read === 0) return scratch.subarray(0, length);
      length += read;
    }
  });
}

/** Opens `path` as {@link readRegularFile} says and hands the open regular file to `read`. */
function withRegularFile(path, read) {
  let fd;
  try {
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (error) {
    if (error?.code === 'ENOENT' || error?.code === 'ENOTDIR') return null;
    // A socket, or a device with no driver: open(2) cannot open it.
    if (error?.code === 'ENXIO') throw notAFile(path, error);
    throw error;
  }
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) throw notAFile(path);
    return read(fd, stats);
  } finally {
    closeSync(fd);
  }
}

function notAFile(path, cause) {
  return Object.assign(new Error(`${path} is not a regular file`), { code: 'not-a-file', cause });
}

/**
 * Replaces the file at `path` with `bytes` atomically and privately: missing directories are
 * made with mode 0700, the bytes go to a new temporary file in the same directory created with
 * mode 0600 and flushed, which is then renamed over `path`. Readers see the old file or the
 * new one, never a mix.
 */
async function writePrivate(path, bytes) {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await replaceThroughTemp(path, bytes, null);
}

/**
 * Replaces a shared file (the config or credentials file) with `bytes` atomically, as
 * {@link writePrivate} does, except that an existing file keeps its mode and owner, and a path
 * that is a symbolic link is written through (the file it names is replaced, the link kept).
 * A new file is private (0600, directories 0700).
 */
async function writeShared(path, bytes) {
  let target = path;
  let existing = null;
  try {
    target = await realpath(path);
    existing = await stat(target);
  } catch (error) {
    if (error?.code !== 'ENOENT') throw error;
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  }
  await replaceThroughTemp(target, bytes, existing);
}

/** Writes `bytes` to a new temporary file beside `path` (mode 0600, or `like`'s mode and
 * owner), flushes it and renames it over `path`; removes it on any failure. */
async function replaceThroughTemp(path, bytes, like) {
  const dir = dirname(path);
  const temp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  let file;
  try {
    file = await open(temp, 'wx', 0o600);
    if (like !== null) {
      await file.chmod(like.mode & 0o7777);
      if (like.uid !== process.getuid?.() || like.gid !== process.getgid?.()) {
        await chown(temp, like.uid, like.gid);
      }
    }
    await file.writeFile(bytes);
    await file.sync();
    await file.close();
    file = undefined;
    await rename(temp, path);
  } catch (error) {
    await file?.close().catch(() => {});
    await rm(temp, { force: true }).catch(() => {});
    throw error;
  }
}

/**
 * Runs `argv[0]` with the arguments `argv[1..]`, without a shell, standard input closed, in
 * the environment `env`. Resolves to `{ status, stdout, stderr }` (`status` is `null` when a
 * signal ended it). Kills the process (SIGKILL) and rejects with code 'timeout' after
 * `timeoutMs`, or with code 'too-large' when a stream passes `maxOutputBytes`; rejects with
 * spawn's error (code ENOENT, EACCES) when it cannot start.
 */
function runProgram(argv, { timeoutMs, maxOutputBytes, env = process.env }) {
  return new Promise((resolve, reject) => {
    let child;
    try {
      child = spawn(argv[0], argv.slice(1), {
        stdio: ['ignore', 'pipe', 'pipe'],
        shell: false,
        env,
        windowsHide: true,
      });
    } catch (error) {
      reject(error);
      return;
    }
    let settled = false;
    const finish = (fn, value) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      fn(value);
    };
    const stop = (code, message) => {
      child.kill('SIGKILL');
      child.stdout.destroy();
      child.stderr.destroy();
      finish(reject, Object.assign(new Error(message), { code }));
    };
    const timer = setTimeout(
      () => stop('timeout', `${argv[0]} did not finish within ${timeoutMs} ms`),
      timeoutMs,
    );
    const collect = (stream) => {
      const chunks = [];
      let length = 0;
      stream.on('data', (chunk) => {
        length += chunk.length;
        if (length > maxOutputBytes) {
          stop('too-large', `${argv[0]} wrote more than ${maxOutputBytes} bytes`);
          return;
        }
        chunks.push(chunk);
      });
      return () => new Uint8Array(Buffer.concat(chunks, length));
    };
    const stdout = collect(child.stdout);
    const stderr = collect(child.stderr);
    child.on('error', (error) => finish(reject, error));
    child.on('close', (status) => {
      finish(resolve, { status, stdout: stdout(), stderr: stderr() });
    });
  });
}

/** Asks on the terminal: the question on stderr, the line typed on stdin. */
async function terminalPrompt(question) {
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
  try {
    return await rl.question(question);
  } finally {
    rl.close();
  }
}
