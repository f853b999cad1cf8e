// The shared profile-parser suites through the package, as core/tests/profile_parser.rs runs
// them through the core: each case a named test over a memoryHost holding its texts, the AWS
// CLI's reading of the cross-SDK inputs (suites/profile-parser-tests.awscli.json) in the default
// dialect and the SDKs' own (profile-parser-tests.json) with `dialect: 'sdk'`. The package has no
// call that lists a profile's properties, so a case checks what `aws configure list-profiles`
// and `aws configure get` would show: the profile names, in order, and every property and
// sub-property the AWS CLI read, by `configureGet`. An input the AWS CLI refuses as a whole is a
// ParseError.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';

import {
  CONFORMANCE,
  configureGet,
  initialize,
  isCredchainError,
  listProfiles,
  memoryHost,
} from './helpers.mjs';

const suite = (name) => JSON.parse(readFileSync(join(CONFORMANCE, 'suites', name), 'utf8'));

const CONFIG = '/home/me/.aws/config';
const CREDENTIALS = '/home/me/.aws/credentials';

/** A memory host over the case's texts (an absent file is no file). */
function hostOf(input) {
  const files = {};
  if (typeof input.configFile === 'string') files[CONFIG] = input.configFile;
  if (typeof input.credentialsFile === 'string') files[CREDENTIALS] = input.credentialsFile;
  return memoryHost({ env: { HOME: '/home/me' }, files });
}

/**
 * The `aws configure get` names of a profile's expected properties, with the value each must
 * show: `key`, and `key.sub` for each sub-property. A name that `configure get` would read some
 * other way is left out: a dotted key, or a parent named like a profile or `profile` (then
 * `configure get` reads it as PROFILE.key).
 */
function expectedGets(properties, profileNames) {
  const gets = [];
  for (const [key, value] of Object.entries(properties)) {
    if (key.includes('.')) continue;
    if (typeof value === 'string') {
      gets.push([key, value]);
      continue;
    }
    if (key === 'profile' || profileNames.includes(key)) continue;
    for (const [sub, subValue] of Object.entries(value)) {
      if (!sub.includes('.')) gets.push([`${key}.${sub}`, subValue]);
    }
  }
  return gets;
}

for (const [file, dialect] of [
  ['profile-parser-tests.awscli.json', 'awscli'],
  ['profile-parser-tests.json', 'sdk'],
]) {
  describe(`${file} through the package (dialect ${dialect})`, () => {
    before(() => initialize());
    const { tests } = suite(file);
    assert.ok(tests.length >= 60, `only ${tests.length} cases in ${file}`);
    let checked = 0;
    for (const testCase of tests) {
      test(testCase.name, async () => {
        const host = hostOf(testCase.input);
        const { output } = testCase;
        if (output.errorContaining !== undefined) {
          await assert.rejects(
            listProfiles({ host, dialect }),
            (e) => isCredchainError(e) && e.code === 'ParseError',
          );
          return;
        }
        const profiles = output.config.profiles ?? {};
        const names = Object.keys(profiles);
        const listed = await listProfiles({ host, dialect });
        // The AWS CLI's reading keeps list-profiles' order; the SDKs' suite's maps have none.
        if (dialect === 'awscli') assert.deepEqual(listed, names);
        else assert.deepEqual([...listed].sort(), [...names].sort());
        for (const name of names) {
          for (const [key, value] of expectedGets(profiles[name], names)) {
            const got = await configureGet(key, { host, profile: name, dialect });
            assert.equal(got, value, `[${name}] ${key}`);
            checked += 1;
          }
        }
      });
    }
    test('the suite checked properties, not only profile names', () => {
      assert.ok(checked >= 40, `only ${checked} properties checked`);
    });
  });
}
