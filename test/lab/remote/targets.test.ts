/**
 * Headers for dashboards behind an auth proxy: from CLIPLAB_RAY_HEADERS and the targets file, matched
 * by normalised address, checked, and never quoted in an error.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseRayAddress } from '../../../src-main/lab/remote/address';
import { HEADERS_ENV, TARGETS_FILE_ENV, targetSettings } from '../../../src-main/lab/remote/targets';
import { tempDir } from '../../support/temp';

const SECRET = 'Bearer tok-3f9a1c';

function envWith(file: string, targets: unknown, headers?: unknown): NodeJS.ProcessEnv {
  fs.writeFileSync(file, typeof targets === 'string' ? targets : JSON.stringify(targets));
  return { [TARGETS_FILE_ENV]: file, ...(headers === undefined ? {} : { [HEADERS_ENV]: JSON.stringify(headers) }) };
}

function errorOf(fn: () => unknown): Error {
  try {
    fn();
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected an error');
}

describe('remote target settings', () => {
  it('merges the environment headers with the file entry of the same dashboard', () => {
    const file = path.join(tempDir(), 'targets.json');
    const env = envWith(
      file,
      {
        'http://10.0.0.5:8265': { headers: { Authorization: SECRET }, allowInsecureHttp: true },
        'ray://other:8265': { headers: { 'X-Other': 'no' } },
      },
      { 'X-Team': 'rl', Authorization: 'from-env' },
    );
    expect(targetSettings(parseRayAddress('ray://10.0.0.5:8265'), env)).toEqual({
      headers: { 'X-Team': 'rl', Authorization: SECRET },
      allowInsecureHttp: true,
    });
    expect(targetSettings(parseRayAddress('ray://127.0.0.1:8265'), env)).toEqual({
      headers: { 'X-Team': 'rl', Authorization: 'from-env' },
      allowInsecureHttp: false,
    });
  });

  it('works without a file or environment', () => {
    const env = { [TARGETS_FILE_ENV]: path.join(tempDir(), 'none.json') };
    expect(targetSettings(parseRayAddress('ray://127.0.0.1:8265'), env)).toEqual({
      headers: {},
      allowInsecureHttp: false,
    });
  });

  it('refuses bad headers naming the header, never its value', () => {
    const file = path.join(tempDir(), 'targets.json');
    const address = parseRayAddress('ray://127.0.0.1:8265');
    const cases: [unknown, RegExp][] = [
      [{ 'ray://127.0.0.1:8265': { headers: { 'Bad Name': SECRET } } }, /"Bad Name" is not a valid HTTP header name/],
      [{ 'ray://127.0.0.1:8265': { headers: { Host: SECRET } } }, /header "Host" is set by cliplab/],
      [
        { 'ray://127.0.0.1:8265': { headers: { Authorization: `${SECRET}\r\nX: y` } } },
        /"Authorization" must be one line/,
      ],
      [{ 'ray://127.0.0.1:8265': { allowInsecureHttp: 'yes' } }, /allowInsecureHttp: expected true or false/],
      [{ 'not an address': {} }, /not an address/],
      [`{"ray://127.0.0.1:8265": {"headers": {"Authorization": "${SECRET}"`, /not valid JSON$/],
    ];
    for (const [content, message] of cases) {
      const err = errorOf(() => targetSettings(address, envWith(file, content)));
      expect(err.message).toMatch(message);
      expect(err.message).not.toContain('tok-3f9a1c');
    }
    const fromEnv = errorOf(() =>
      targetSettings(address, { [HEADERS_ENV]: `{"A": "${SECRET}"`, [TARGETS_FILE_ENV]: file }),
    );
    expect(fromEnv.message).toMatch(/CLIPLAB_RAY_HEADERS: not valid JSON/);
    expect(fromEnv.message).not.toContain('tok-3f9a1c');
  });
});
