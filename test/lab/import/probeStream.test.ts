/**
 * cliplab-probe streams (python/cliplab-probe): detected, decoded with their clip settings, followed
 * while the trainer appends, rejected with the line at fault, and diagnosed with the full clip balance
 * and theory check. The fixture is the stream of a real TRL GRPOTrainer run with the probe attached
 * (test/reference/probe_fixture.py).
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ImportResult, RunDiagnosis } from '../../../src-main/contract';
import { createLab, dispatch, type LabService } from '../../../src-main/lab';
import { detectFormat, headFromBuffer } from '../../../src-main/lab/import/detect';
import { ImportError } from '../../../src-main/lab/import/errors';
import { followLog, type LogFollower } from '../../../src-main/lab/import/follow';
import { parseBuffer } from '../../../src-main/lab/import/parse';
import { tempDir } from './helpers';

const FIXTURE = path.join(import.meta.dirname, '..', '..', 'fixtures', 'probe', 'trl-grpo-probe.jsonl');
const fixture = fs.readFileSync(FIXTURE);
const [headerLine, ...stepLines] = fixture.toString('utf8').trimEnd().split('\n');

let tmp: ReturnType<typeof tempDir>;
let lab: LabService | null = null;
let follower: LogFollower | null = null;
beforeEach(() => {
  tmp = tempDir();
});
afterEach(async () => {
  follower?.stop();
  await lab?.close();
  lab = null;
  tmp.remove();
});

describe('cliplab-probe stream', () => {
  it('is detected by its header, ahead of verl JSONL', () => {
    const d = detectFormat(headFromBuffer(fixture, 'run.jsonl', true));
    expect(d).toEqual({ format: 'cliplab-probe', reason: 'the first line is a cliplab-probe run header' });
  });

  it('decodes the run header into params and one point per update and key', async () => {
    const parsed = await parseBuffer(fixture, 'run.jsonl');
    expect(parsed.params).toMatchObject({
      trainer: 'trl',
      'clip.clip_ratio_low': 0.2,
      'clip.clip_ratio_high': 0.2,
      'params.num_iterations': 2,
      'attribution.exact_every': 2,
    });
    const low = parsed.series.get('clip/low_frac');
    expect(low?.steps).toEqual(stepLines.map((_, i) => i + 1));
    expect(low?.times?.every((t) => t >= 0)).toBe(true);
    expect(parsed.series.get('entropy/delta_pred')?.steps.every((s) => s % 2 === 0)).toBe(true);
    expect(parsed.warnings).toEqual([]);
  });

  it('names the line at fault and what it expected', async () => {
    const bad = Buffer.from(`${headerLine}\n${stepLines[0]}\n{"step": -1, "metrics": {}}\n`);
    const err = await parseBuffer(bad, 'run.jsonl').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ImportError);
    expect(String((err as Error).message)).toMatch(/run\.jsonl.*line 3.*non-negative integer step/);
    const noHeader = Buffer.from(`${stepLines[0]}\n`);
    const err2 = await parseBuffer(noHeader, 'x.jsonl', { format: 'cliplab-probe' }).catch((e: unknown) => e);
    expect(String((err2 as Error).message)).toMatch(/line 1.*not a run header/);
    const future = Buffer.from(`${headerLine.replace('"cliplab_probe":1', '"cliplab_probe":9')}\n`);
    const err3 = await parseBuffer(future, 'x.jsonl').catch((e: unknown) => e);
    expect(String((err3 as Error).message)).toMatch(/version 9/);
  });

  it('is followed live: complete lines as they land, a half-written line when it ends', async () => {
    const file = tmp.file('live.jsonl', `${headerLine}\n${stepLines[0]}\n`);
    follower = followLog(file, { intervalMs: 20 });
    const it = follower[Symbol.asyncIterator]();
    const first = (await it.next()).value;
    expect(first.format).toBe('cliplab-probe');
    expect(first.series.get('clip/low_frac')?.steps).toEqual([1]);
    const half = Math.floor(stepLines[1].length / 2);
    fs.appendFileSync(file, stepLines[1].slice(0, half));
    fs.appendFileSync(file, `${stepLines[1].slice(half)}\n`);
    const second = (await it.next()).value;
    expect(second.series.get('clip/low_frac')?.steps).toEqual([2]);
    expect(second.params['clip.clip_ratio_low']).toBe(0.2);
  });

  it('imports as a run whose diagnosis has the per-side clip balance and the theory check', async () => {
    lab = createLab({ dbPath: path.join(tmp.dir, 'lab.db') });
    const result = (await dispatch(lab, 'imports.fromPath', { path: FIXTURE })) as ImportResult;
    expect(result.format).toBe('cliplab-probe');
    const [diagnosis] = (await dispatch(lab, 'diagnostics.run', { ids: [result.run.id] })) as RunDiagnosis[];
    expect(diagnosis.clip.attribution).toBe('per-side');
    expect(diagnosis.clip.drift).not.toBeNull();
    expect(diagnosis.clip.lowFrac?.key).toBe('clip/low_frac');
    expect(diagnosis.settings).toMatchObject({ clipLow: 0.2, clipHigh: 0.2 });
    expect(diagnosis.theory.status).toBe('ok');
  });
});
