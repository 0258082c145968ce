/**
 * W&B run files built record by record (wandbWriter.ts): the framing cases a small real file never
 * shows (records split over blocks, block padding, corruption, a file cut mid-record) and the rules
 * for steps, keys and values.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ImportError } from '../../../src-main/lab/import/errors';
import { parseBuffer } from '../../../src-main/lab/import/parse';
import { parseSource } from '../../../src-main/lab/import/source';
import { rejectionOf } from '../../support/rejection';
import { tempDir } from './helpers';
import { historyRow, json, wandbFile } from './wandbWriter';

const run = (extra: Record<string, unknown> = {}) => ({
  run: { run_id: 'abc123', project: 'p', display_name: 'grpo-run', ...extra },
});
const exit = { exit: { exit_code: 0, runtime: 3 } };

const parse = (bytes: Buffer, name = 'run-abc123.wandb') => parseBuffer(bytes, name);
const points = (r: Awaited<ReturnType<typeof parse>>, key: string) => {
  const s = r.series.get(key)!;
  return s.steps.map((step, i) => [step, s.values[i]]);
};

describe('W&B framing', () => {
  it('reads a record split over three blocks and the rows after it', async () => {
    const big = 'x'.repeat(70_000);
    const bytes = wandbFile([
      run({
        config: {
          update: [
            { key: 'notes', value_json: json(big) },
            { key: 'lr', value_json: '0.001' },
          ],
        },
      }),
      historyRow({ _step: 0, loss: 1.5 }),
      historyRow({ _step: 1, loss: 1.25 }),
      exit,
    ]);
    expect(bytes.length).toBeGreaterThan(2 * 32 * 1024);
    const r = await parse(bytes);
    expect(r.format).toBe('wandb');
    expect(r.params).toEqual({ notes: big, lr: 0.001 });
    expect(points(r, 'loss')).toEqual([
      [0, 1.5],
      [1, 1.25],
    ]);
    expect(r.warnings).toEqual([]);
  });

  it('skips the zero padding of a block with fewer than 7 bytes left', async () => {
    // A first record that ends 3 bytes before the block end: the next chunk starts a new block.
    let filler = 32_768 - 7 - 7 - 3 - 20;
    let first = run({ notes: 'n'.repeat(filler) });
    while (wandbFile([first]).length !== 32_768 - 3) {
      filler += 32_768 - 3 - wandbFile([first]).length;
      first = run({ notes: 'n'.repeat(filler) });
    }
    const bytes = wandbFile([first, historyRow({ _step: 4, reward: 0.5 }), exit]);
    expect(bytes.subarray(32_765, 32_768)).toEqual(Buffer.alloc(3));
    expect(points(await parse(bytes), 'reward')).toEqual([[4, 0.5]]);
  });

  it('refuses a corrupt chunk, naming the record; a file without the header is not a W&B file', async () => {
    const bytes = wandbFile([run(), historyRow({ _step: 0, a: 1 }), historyRow({ _step: 1, a: 2 })]);
    bytes[bytes.length - 2] ^= 0xff; // inside the last record's data
    const err = await rejectionOf(parse(bytes), ImportError);
    expect(err.record).toBe(3);
    expect(err.message).toMatch(/record 3: chunk checksum mismatch .* the file is corrupt/);
    const text = await rejectionOf(parseBuffer(Buffer.from('{"a": 1}\n'), 'x.wandb', { format: 'wandb' }), ImportError);
    expect(text.problem).toMatch(/not a W&B run file/);
  });

  it('leaves out a record the file ends inside of (a run still writing) and says so', async () => {
    const whole = wandbFile([run(), historyRow({ _step: 0, a: 1 }), historyRow({ _step: 1, a: 2 })]);
    const r = await parse(whole.subarray(0, whole.length - 5));
    expect(points(r, 'a')).toEqual([[0, 1]]);
    expect(r.warnings).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/left out the last \d+ bytes: they end inside a record/),
        expect.stringMatching(/no exit record/),
      ]),
    );
  });
});

describe('W&B history, config and summary', () => {
  it("steps rows by the run's step metric, syncing rows without it; else by train/ or trainer/global_step", async () => {
    const declared = await parse(
      wandbFile([
        run(),
        { metric: { glob_name: '*', step_metric: 'iteration' } },
        historyRow({ _step: 0, iteration: 10, loss: 1 }),
        historyRow({ _step: 1, acc: 0.5 }), // logged without the step metric: it takes the last one
        historyRow({ _step: 2, iteration: 20, loss: 0.5 }),
        exit,
      ]),
    );
    expect(points(declared, 'loss')).toEqual([
      [10, 1],
      [20, 0.5],
    ]);
    expect(points(declared, 'acc')).toEqual([[10, 0.5]]);
    expect(declared.series.has('iteration')).toBe(false);
    const lightning = await parse(
      wandbFile([run(), historyRow({ _step: 0, 'trainer/global_step': 49, 'train/loss': 2 }), exit]),
    );
    expect(points(lightning, 'train/loss')).toEqual([[49, 2]]);
    const plain = await parse(wandbFile([run(), historyRow({ _step: 7, 'actor/entropy': 0.6 }), exit]));
    expect(points(plain, 'actor/entropy')).toEqual([[7, 0.6]]);
  });

  it('reads NaN, typed values and nested keys; skips text and media with a note', async () => {
    const r = await parse(
      wandbFile([
        run(),
        {
          history: {
            item: [
              { nested_key: ['_step'], value_json: '3' },
              { nested_key: ['_timestamp'], value_json: '1700000000.5' },
              { nested_key: ['grad_norm'], value_json: 'NaN' },
              { key: 'typed', number: 0.125 },
              { key: 'count', integer: 42 },
              { nested_key: ['eval', 'acc'], value_json: '0.75' },
              { nested_key: ['phase'], value_json: json('warmup') },
              { nested_key: ['samples'], value_json: json({ _type: 'table-file', path: 'media/t.json' }) },
            ],
          },
        },
        exit,
      ]),
    );
    expect(points(r, 'grad_norm')).toEqual([[3, NaN]]);
    expect(points(r, 'typed')).toEqual([[3, 0.125]]);
    expect(points(r, 'count')).toEqual([[3, 42]]);
    expect(points(r, 'eval.acc')).toEqual([[3, 0.75]]);
    expect(r.series.has('phase') || r.series.has('samples') || r.series.has('_timestamp')).toBe(false);
    expect(r.warnings).toEqual(
      expect.arrayContaining([
        'skipped "phase": its values are not numbers (e.g. "warmup")',
        'skipped "samples": its values are not numbers (W&B table-file)',
      ]),
    );
  });

  it('keeps the summary as updates and removes left it, and the run record as name and ids', async () => {
    const r = await parse(
      wandbFile([
        run({ run_group: 'sweep-1', tags: ['grpo', 'seed1'] }),
        { config: { update: [{ key: 'actor', value_json: json({ clip: { low: 0.2 } }) }] } },
        { config: { update: [{ key: '_wandb', value_json: '{}' }] } },
        historyRow({ _step: 0, loss: 1 }),
        {
          summary: {
            update: [
              { nested_key: ['best', 'acc'], value_json: '0.5' },
              { key: 'tmp', value_json: '1' },
            ],
          },
        },
        { summary: { update: [{ nested_key: ['best', 'acc'], value_json: '0.7' }], remove: [{ key: 'tmp' }] } },
        exit,
      ]),
    );
    expect(r.params).toEqual({ 'actor.clip.low': 0.2 });
    expect(r.external).toEqual({
      name: 'grpo-run',
      ids: { run_id: 'abc123', project: 'p', group: 'sweep-1', tags: 'grpo,seed1' },
      summary: { best: { acc: 0.7 } },
    });
  });

  it('warns about a run that exited with an error code; refuses a file without history', async () => {
    const failed = await parse(wandbFile([run(), historyRow({ _step: 0, a: 1 }), { exit: { exit_code: 1 } }]));
    expect(failed.warnings).toContain('the run exited with code 1');
    const empty = await rejectionOf(parse(wandbFile([run(), exit])), ImportError);
    expect(empty.problem).toBe('no history rows in 2 records');
  });
});

describe('W&B folders', () => {
  let tmp: ReturnType<typeof tempDir>;
  afterEach(() => tmp.remove());

  it('a run folder is its .wandb file; a wandb/ folder is each run in it (latest-run not twice)', async () => {
    tmp = tempDir();
    const write = (folder: string, id: string, value: number) => {
      fs.mkdirSync(path.join(tmp.dir, 'wandb', folder), { recursive: true });
      const bytes = wandbFile([run({ run_id: id, display_name: id }), historyRow({ _step: 0, a: value }), exit]);
      fs.writeFileSync(path.join(tmp.dir, 'wandb', folder, `run-${id}.wandb`), bytes);
    };
    write('offline-run-20250101_000000-aaa', 'aaa', 1);
    write('run-20250102_000000-bbb', 'bbb', 2);
    fs.symlinkSync(path.join(tmp.dir, 'wandb', 'run-20250102_000000-bbb'), path.join(tmp.dir, 'wandb', 'latest-run'));
    const one = await parseSource(path.join(tmp.dir, 'wandb', 'offline-run-20250101_000000-aaa'));
    expect(one.map((r) => r.external?.name)).toEqual(['aaa']);
    const all = await parseSource(path.join(tmp.dir, 'wandb'));
    expect(all.map((r) => [r.external?.name, r.series.get('a')!.values[0]])).toEqual([
      ['aaa', 1],
      ['bbb', 2],
    ]);
  });
});
