// The npm package against the AWS SDK for JavaScript v3's `fromIni`, in one Node process:
// both resolve the static credentials of the last profile of generated config pairs of 10,
// 1,000, 10,000 and 100,000 profiles (the files of bench/common.sh and core/benches), reading
// the files again on every call, in alternated rounds (a round of credchain, a round of the
// SDK, and again), so that a slow moment of the machine falls on both. Prints the median time
// of a call of each and the ratio.
//
// Run (after wasm/build): cd bench && npm ci && node npm-vs-sdk.mjs [PROFILES...]
// BENCH_SECONDS sets the time spent on each side at each size (default 2);
// CREDCHAIN_NPM_ENTRY, a file: URL or path of another build's node.js, measures that build.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import process from 'node:process';

import { fromIni } from '@aws-sdk/credential-providers';

// CREDCHAIN_NPM_ENTRY: another build of the package's Node entry (an older one, to compare).
const entry = process.env.CREDCHAIN_NPM_ENTRY ?? new URL('../wasm/npm/node.js', import.meta.url).href;
const { initialize, nodeHost, resolveCredentials } = await import(entry);

const sizes = process.argv.length > 2 ? process.argv.slice(2).map(Number) : [10, 1000, 10000, 100000];
const secondsPerSide = Number(process.env.BENCH_SECONDS ?? 2);
const ROUNDS = 10;

/** The pair of bench/common.sh: `n` profiles after a `[default]` section. */
function generate(dir, n) {
  const config = ['[default]\nregion = us-east-1\noutput = json\n\n'];
  const credentials = [];
  for (let i = 0; i < n; i += 1) {
    const name = `team-${String(i).padStart(6, '0')}`;
    config.push(`[profile ${name}]\nregion = eu-west-${(i % 3) + 1}\noutput = json\ncli_pager =\nmax_attempts = 5\n\n`);
    credentials.push(
      `[${name}]\naws_access_key_id = AKIAEXAMPLE${String(i).padStart(9, '0')}\n` +
        `aws_secret_access_key = secret-${String(i).padStart(30, '0')}\n\n`,
    );
  }
  const paths = { config: join(dir, 'config'), credentials: join(dir, 'credentials') };
  const texts = [config.join(''), credentials.join('')];
  writeFileSync(paths.config, texts[0]);
  writeFileSync(paths.credentials, texts[1]);
  const bytes = texts[0].length + texts[1].length;
  return { ...paths, bytes, last: `team-${String(n - 1).padStart(6, '0')}` };
}

/** Runs `call` `times` times; the time of each call in milliseconds. */
async function timeCalls(call, times) {
  const took = [];
  for (let i = 0; i < times; i += 1) {
    const start = process.hrtime.bigint();
    await call();
    took.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return took;
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};

const format = (ms) => (ms < 1 ? `${(ms * 1000).toFixed(0)} µs` : `${ms.toFixed(2)} ms`);

await initialize();
const home = mkdtempSync(join(tmpdir(), 'credchain-npm-bench-'));
// The process's own environment, as both read it, with nothing of the machine's AWS set-up.
for (const name of Object.keys(process.env)) if (name.startsWith('AWS_')) delete process.env[name];
process.env.HOME = home;
process.env.AWS_EC2_METADATA_DISABLED = 'true';

console.log(`node ${process.version}, ${entry}, ${secondsPerSide} s a side at each size, ${ROUNDS} alternated rounds`);
console.log('| profiles | files (both) | credchain npm | SDK fromIni | SDK / credchain |');
console.log('|---:|---:|---:|---:|---:|');
try {
  for (const n of sizes) {
    const dir = mkdtempSync(join(home, `p${n}-`));
    const files = generate(dir, n);
    process.env.AWS_CONFIG_FILE = files.config;
    process.env.AWS_SHARED_CREDENTIALS_FILE = files.credentials;
    const host = nodeHost();
    const ours = () => resolveCredentials({ host, profile: files.last });
    const theirs = () =>
      fromIni({
        profile: files.last,
        filepath: files.credentials,
        configFilepath: files.config,
        ignoreCache: true,
      })();
    // Both must give the same key, or the comparison means nothing.
    const [a, b] = [await ours(), await theirs()];
    if (a.accessKeyId !== b.accessKeyId || a.secretAccessKey !== b.secretAccessKey) {
      throw new Error(`profile ${files.last}: credchain gave ${a.accessKeyId}, the SDK ${b.accessKeyId}`);
    }
    // A first timing of each sets how many calls make a round.
    const once = async (call) => median(await timeCalls(call, 3));
    const perRound = async (call) =>
      Math.max(1, Math.round((secondsPerSide * 1000) / ROUNDS / (await once(call))));
    const [oursCalls, theirsCalls] = [await perRound(ours), await perRound(theirs)];
    const timings = { ours: [], theirs: [] };
    for (let round = 0; round < ROUNDS; round += 1) {
      timings.ours.push(...(await timeCalls(ours, oursCalls)));
      timings.theirs.push(...(await timeCalls(theirs, theirsCalls)));
    }
    const [mine, sdk] = [median(timings.ours), median(timings.theirs)];
    const bytes = files.bytes / 1000;
    const size = bytes < 1000 ? `${bytes.toFixed(1)} KB` : `${(bytes / 1000).toFixed(2)} MB`;
    console.log(
      `| ${n.toLocaleString('en')} | ${size} | ${format(mine)} | ${format(sdk)} | ${(sdk / mine).toFixed(1)}x |`,
    );
  }
} finally {
  rmSync(home, { recursive: true, force: true });
}
