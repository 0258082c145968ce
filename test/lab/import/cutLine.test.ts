/**
 * A log cut inside its last line (the trainer was writing `2945.0` when the file was copied): a
 * one-shot import leaves the line out and says so, instead of storing 294; a follower waits for the
 * line's end. The same holds for a W&B file cut inside a record, and a followed notebook or W&B file
 * grows into the run as the tool writes it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { followLog, type FollowBatch, type LogFollower } from '../../../src-main/lab/import/follow';
import { parseBuffer, type ParseResult } from '../../../src-main/lab/import/parse';
import { cliOn } from '../../support/cli';
import { tempDir } from './helpers';
import { historyRow, wandbFile } from './wandbWriter';

let tmp: ReturnType<typeof tempDir>;
let follower: LogFollower | null = null;
beforeEach(() => (tmp = tempDir()));
afterEach(() => {
  follower?.stop();
  follower = null;
  tmp.remove();
});

const values = (r: ParseResult, key: string) => r.series.get(key)?.values;

describe('one-shot import of a log cut inside its last line', () => {
  it.each([
    ['verl JSONL', 'run.jsonl', '{"step": 1, "data": {"len": 2945.0}}\n{"step": 2, "data": {"len": 2945.0}}', 'len'],
    [
      'verl console',
      'run.log',
      'step:1 - actor/entropy:0.980 - x:1\nstep:2 - actor/entropy:0.980 - x:1',
      'actor/entropy',
    ],
    ['CSV', 'run.csv', 'step,len\n1,2945.0\n2,2945.0', 'len'],
    ['TRL console', 'run.log', "{'loss': 0.5, 'reward': 2945.0}\n{'loss': 0.5, 'reward': 2945.0}", 'reward'],
  ])('%s: leaves the cut line out and warns, for every cut point of it', async (_kind, name, whole, key) => {
    const lastLine = whole.lastIndexOf('\n') + 1;
    const lineNo = whole.split('\n').length;
    for (let end = lastLine + 1; end <= whole.length; end++) {
      const r = await parseBuffer(Buffer.from(whole.slice(0, end)), name);
      expect(values(r, key), `cut after ${end} bytes`).toEqual([whole.includes('0.980') ? 0.98 : 2945]);
      expect(r.warnings, `cut after ${end} bytes`).toContain(
        `left out line ${lineNo}: it has no line end, so it was cut while being written: ${whole.slice(lastLine, end).trim()}`,
      );
    }
    const complete = await parseBuffer(Buffer.from(`${whole}\n`), name);
    expect(complete.series.get(key)!.steps).toHaveLength(2);
    expect(complete.warnings.join()).not.toMatch(/left out/);
  });

  it('keeps the finished progress-bar states of a cut console line', async () => {
    const text = "{'loss': 0.5, 'reward': 1.0}\n{'loss': 0.4, 'reward': 2.0}\n\r 40%|██ | 4/10 [00:04<00:06]\r 50%|██▌";
    const r = await parseBuffer(Buffer.from(text), 'run.log');
    // The 4/10 bar (closed by the next \r) tells the logging interval: 2 dicts by step 4.
    expect(r.series.get('reward')!.steps).toEqual([2, 4]);
  });

  it('says so on the command line, and stores nothing of the cut line', async () => {
    const file = tmp.file('cut.jsonl', '{"step": 1, "data": {"len": 2945.0}}\n{"step": 2, "data": {"len": 294');
    const cli = cliOn(path.join(tmp.dir, 'cli.db'));
    const r = await cli('import', file);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      'note      left out line 2: it has no line end, so it was cut while being written: {"step": 2, "data": {"len": 294\n',
    );
    const shown = JSON.parse((await cli('show', '1', '--metrics', 'len', '--json')).stdout);
    expect(shown.metrics.len).toEqual([{ step: 1, value: 2945 }]);
  });
});

function reader(f: LogFollower) {
  const it = f[Symbol.asyncIterator]();
  return async (): Promise<FollowBatch> => {
    const next = await it.next();
    if (next.done) throw new Error('the follower ended');
    return next.value;
  };
}

describe('following', () => {
  it('waits for the end of a line cut inside a number', async () => {
    const file = tmp.file('run.jsonl', '{"step": 1, "data": {"len": 2945.0}}\n{"step": 2, "data": {"len": 294');
    follower = followLog(file, { intervalMs: 20 });
    const next = reader(follower);
    expect((await next()).series.get('len')).toEqual({ steps: [1], values: [2945], times: null });
    await new Promise((r) => setTimeout(r, 80)); // several polls see the cut line; none reads it
    fs.appendFileSync(file, '5.0}}\n');
    expect((await next()).series.get('len')).toEqual({ steps: [2], values: [2945], times: null });
  });

  it('reads a W&B file record by record as wandb writes it, never half a record', async () => {
    const rows = [0, 1, 2].map((step) => historyRow({ _step: step, 'actor/entropy': 0.5 - step / 10 }));
    const whole = wandbFile([{ run: { run_id: 'x' } }, ...rows]);
    const firstTwo = wandbFile([{ run: { run_id: 'x' } }, ...rows.slice(0, 2)]).length;
    const file = tmp.file('run-x.wandb', whole.subarray(0, firstTwo + 5));
    follower = followLog(file, { intervalMs: 20 });
    const next = reader(follower);
    const first = await next();
    expect(first.format).toBe('wandb');
    expect(first.series.get('actor/entropy')!.steps).toEqual([0, 1]);
    fs.appendFileSync(file, whole.subarray(firstTwo + 5));
    expect((await next()).series.get('actor/entropy')!.values).toEqual([0.3]);
  });

  it('re-reads a notebook when it is saved again, handing out only the new steps', async () => {
    const nb = (lines: string[]) =>
      JSON.stringify({
        nbformat: 4,
        nbformat_minor: 5,
        metadata: {},
        cells: [
          {
            cell_type: 'code',
            metadata: {},
            source: '',
            outputs: [{ output_type: 'stream', name: 'stdout', text: lines }],
          },
        ],
      });
    const line = (step: number) => `step:${step} - actor/entropy:0.${9 - step} - critic/score/mean:0.5\n`;
    const file = tmp.file('train.ipynb', nb([line(1), line(2)]));
    follower = followLog(file, { intervalMs: 20, watch: false });
    const next = reader(follower);
    const first = await next();
    expect([first.format, first.series.get('actor/entropy')!.steps]).toEqual(['verl-console', [1, 2]]);
    fs.writeFileSync(file, nb([line(1), line(2), line(3)]));
    expect((await next()).series.get('actor/entropy')).toEqual({ steps: [3], values: [0.6], times: null });
  });
});
