/**
 * Large synthetic logs in each text format, written in blocks so no whole-file string is ever built.
 * Values are a deterministic function of (step, key), so a reader can check any point.
 */
import fs from 'node:fs';
import type { FormatName } from '../../../src-main/lab/import/types';

export function syntheticKeys(n: number): string[] {
  const base = ['actor/entropy', 'actor/pg_clipfrac', 'actor/ppo_kl', 'critic/score/mean', 'response_length/mean'];
  return Array.from({ length: n }, (_, i) => (i < base.length ? base[i] : `extra/metric_${i}`));
}

/** The value written for a key at a step (3 decimals, as verl's console prints). */
export function syntheticValue(step: number, keyIndex: number): number {
  return Math.round(((Math.sin(step * 0.001 + keyIndex) + 1.5) * 1000) / 1.7) / 1000;
}

type LineWriter = (step: number, keys: string[]) => string;

const WRITERS: Partial<Record<FormatName, { header?: (keys: string[]) => string; line: LineWriter }>> = {
  'verl-console': {
    line: (step, keys) =>
      `\x1b[36m(TaskRunner pid=4242)\x1b[0m step:${step} - ` +
      keys.map((k, i) => `${k}:${syntheticValue(step, i).toFixed(3)}`).join(' - '),
  },
  'verl-jsonl': {
    line: (step, keys) =>
      JSON.stringify({ step, data: Object.fromEntries(keys.map((k, i) => [k, syntheticValue(step, i)])) }),
  },
  'trl-console': {
    line: (step, keys) =>
      `{${keys.map((k, i) => `'${k}': ${syntheticValue(step, i)}`).join(', ')}, 'learning_rate': 1e-06}`,
  },
  csv: {
    header: (keys) => ['step', ...keys].join(','),
    line: (step, keys) => [step, ...keys.map((_, i) => syntheticValue(step, i))].join(','),
  },
};

export function writeSyntheticLog(path: string, format: FormatName, steps: number, keyCount: number): void {
  const writer = WRITERS[format];
  if (!writer) throw new Error(`no synthetic writer for ${format}`);
  const keys = syntheticKeys(keyCount);
  const fd = fs.openSync(path, 'w');
  try {
    let block: string[] = writer.header ? [writer.header(keys)] : [];
    for (let step = 1; step <= steps; step++) {
      block.push(writer.line(step, keys));
      if (block.length === 2000 || step === steps) {
        fs.writeSync(fd, `${block.join('\n')}\n`);
        block = [];
      }
    }
  } finally {
    fs.closeSync(fd);
  }
}
