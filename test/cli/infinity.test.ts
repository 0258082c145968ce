/** A metric that reached ±Infinity reads back as such from `show --json` and `export-data`, not as NaN's null. */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliOn } from '../support/cli';
import { tempDir } from '../support/temp';
import { createTempLab } from '../support/temp-lab';

describe('±Infinity end to end', () => {
  it('is stored, shown and exported apart from NaN', async () => {
    const metrics = [
      { key: 'kl/ppo', step: 0, value: 0.01 },
      { key: 'kl/ppo', step: 1, value: Infinity },
      { key: 'kl/ppo', step: 2, value: -Infinity },
      { key: 'kl/ppo', step: 3, value: NaN },
    ];
    const temp = createTempLab([{ name: 'blew up', metrics }]);
    try {
      const cli = cliOn(temp.dbPath);
      const shown = await cli('show', '1', '--metrics', 'kl/ppo', '--json');
      expect(shown.code, shown.stderr).toBe(0);
      expect(JSON.parse(shown.stdout).metrics['kl/ppo'].map((p: { value: unknown }) => p.value)).toEqual([
        0.01,
        'Infinity',
        '-Infinity',
        null,
      ]);
      const out = path.join(tempDir(), 'kl.json');
      const exported = await cli(
        'export-data',
        '--runs',
        '1',
        '--metrics',
        'kl/ppo',
        '--smoothing',
        '0',
        '--format',
        'json',
        '--out',
        out,
      );
      expect(exported.code, exported.stderr).toBe(0);
      const [series] = JSON.parse(fs.readFileSync(out, 'utf8')).series;
      expect(series.raw).toEqual([0.01, 'Infinity', '-Infinity', null]);
    } finally {
      await temp.cleanup();
    }
  });
});
