/**
 * The probe's records read out of a job's log: a real probe stream (a TRL run, test/fixtures/probe)
 * printed the way a Ray job's log holds it (its own lines, trainer output between them, Ray's
 * "(Actor pid=...)" tags and colour codes before forwarded lines, pieces cut anywhere) decodes to
 * exactly what importing the stream file gives.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseBuffer } from '../../../src-main/lab/import/parse';
import type { ImportedSeries } from '../../../src-main/lab/import/types';
import { PROBE_PREFIX, ProbeLogReader } from '../../../src-main/lab/remote/probe-log';

const FIXTURE = path.join(import.meta.dirname, '..', '..', 'fixtures', 'probe', 'trl-grpo-probe.jsonl');
const stream = fs.readFileSync(FIXTURE, 'utf8');

/** The stream as a job log: noise between records, half of them forwarded from a worker. */
function asJobLog(text: string): string {
  return text
    .trim()
    .split('\n')
    .map((line, i) => {
      const tag = i % 2 === 1 ? `\x1b[36m(TaskRunner pid=4321, ip=10.0.0.7)\x1b[0m ` : '';
      return `{'loss': '0.1', 'step_time': '0.2'}\n${tag}${PROBE_PREFIX}${line}\n`;
    })
    .join('INFO something happened [cliplab-probe is not at the start here]\n');
}

function merged(parts: Map<string, ImportedSeries>[]): Record<string, [number, number][]> {
  const out: Record<string, [number, number][]> = {};
  for (const part of parts) {
    for (const [key, s] of part)
      (out[key] ??= []).push(...s.steps.map((step, i): [number, number] => [step, s.values[i]]));
  }
  return out;
}

describe("the probe's records in a job's log", () => {
  it('decode to what the stream file imports as, whatever the pieces the log arrives in', async () => {
    const expected = merged([(await parseBuffer(Buffer.from(stream), 'x.jsonl', { format: 'cliplab-probe' })).series]);
    const log = asJobLog(stream);
    for (const size of [1, 7, 100, 4096, log.length]) {
      const reader = new ProbeLogReader('job');
      const parts: Map<string, ImportedSeries>[] = [];
      for (let at = 0; at < log.length; at += size) {
        reader.push(log.slice(at, at + size));
        parts.push(reader.drain());
      }
      reader.end();
      parts.push(reader.drain());
      expect(merged(parts), `pieces of ${size}`).toEqual(expected);
      expect(reader.records).toBe(13);
      expect(reader.warnings()).toEqual([]);
    }
  });

  it('skips a mangled probe line with a warning and keeps the rest', () => {
    const lines = stream.trim().split('\n');
    const log = [lines[0], lines[1], '{"step": 2, "metrics": {"clip/low_frac": ', lines[3]]
      .map((l) => `${PROBE_PREFIX}${l}\n`)
      .join('');
    const reader = new ProbeLogReader('job 7');
    reader.push(log);
    reader.end();
    const series = reader.drain();
    expect(series.get('clip/low_frac')?.steps).toEqual([JSON.parse(lines[1]).step, JSON.parse(lines[3]).step]);
    expect(reader.warnings()).toEqual([
      expect.stringMatching(/skipped a probe line of the job's log: job 7.*invalid JSON/),
    ]);
  });

  it('ignores a log without probe lines', () => {
    const reader = new ProbeLogReader('job');
    reader.push('Running entrypoint for job x: python train.py\nhello\n');
    reader.end();
    expect(reader.drain().size).toBe(0);
    expect(reader.records).toBe(0);
  });
});
