/** Generated files in each text format: the variants trainers write, and malformed input. */
import { describe, expect, it } from 'vitest';
import { ImportError } from '../../../src-main/lab/import/errors';
import { parseBuffer, type ParseResult } from '../../../src-main/lab/import/parse';
import type { FileFormatName as FormatName } from '../../../src-main/lab/import/types';
import { rejectionOf } from '../../support/rejection';

function parse(text: string, name: string, format?: FormatName): Promise<ParseResult> {
  return parseBuffer(Buffer.from(text), name, { format });
}

const importError = (text: string, name: string, format?: FormatName) =>
  rejectionOf(parse(text, name, format), ImportError);

const points = (r: ParseResult, key: string) => {
  const s = r.series.get(key)!;
  return s.steps.map((step, i) => [step, s.values[i]]);
};

describe('verl JSONL', () => {
  it("reads Python's NaN/Infinity tokens, nulls and repeated steps (later line wins)", async () => {
    const text = [
      '{"step": 1, "data": {"a": NaN, "b": Infinity, "c": -Infinity, "d": 1}}',
      '{"step": 2, "data": {"a": null, "d": 2, "s": "x"}}',
      '{"step": 2, "data": {"d": 3}}',
      '',
    ].join('\n');
    const r = await parse(text, 'run.jsonl');
    expect(r.detection.format).toBe('verl-jsonl');
    expect(points(r, 'a')).toEqual([
      [1, NaN],
      [2, NaN],
    ]);
    expect(points(r, 'b')).toEqual([[1, Infinity]]);
    expect(points(r, 'c')).toEqual([[1, -Infinity]]);
    expect(points(r, 'd')).toEqual([
      [1, 1],
      [2, 3],
    ]);
    expect(r.series.has('s')).toBe(false);
    expect(r.warnings.join('\n')).toMatch(/repeat an earlier step/);
  });

  it('names the line of a broken record, a non-integer step and a missing data object', async () => {
    const ok = '{"step": 1, "data": {"a": 1}}';
    const broken = await importError(`${ok}\n{"step": 3, "data": {"a": 0.\n${ok}\n`, 'broken.jsonl');
    expect(broken.line).toBe(2);
    expect(broken.message).toMatch(/broken\.jsonl: line 2: invalid JSON/);
    const step = await importError(`${ok}\n{"step": "2", "data": {}}\n`, 'step.jsonl');
    expect([step.line, step.problem]).toEqual([2, '"step" is "2"; expected a non-negative integer']);
    const data = await importError(`{"step": 1, "metrics": {"a": 1}}\n`, 'x.jsonl', 'verl-jsonl');
    expect(data.problem).toMatch(/"data" is missing; expected an object of metrics/);
  });
});

describe('verl console', () => {
  const ray = (body: string) => `\x1b[36m(TaskRunner pid=77)\x1b[0m ${body}`;

  it('reads step lines behind Ray prefixes, colours, carriage returns and repeat notes', async () => {
    const text = [
      'INFO starting',
      ray("{'algorithm': {'adv_estimator': 'grpo',"),
      '\x1b[36m(WorkerDict pid=5, ip=10.0.0.2)\x1b[0m interleaved line',
      ray("               'norm_adv_by_std_in_grpo': False},"),
      ray(" 'actor_rollout_ref': {'actor': {'clip_ratio_low': 0.2, 'clip_ratio_high': 0.28}}}"),
      ray('step:1 - actor/entropy:0.612 - actor/pg_clipfrac:0.010 - critic/score/mean:nan'),
      `progress 10%\r${ray('step:2 - actor/entropy:0.598 - actor/pg_clipfrac:0.012 - critic/score/mean:inf')}`,
      `${ray('step:3 - actor/entropy:0.580 - actor/pg_clipfrac:0.011')}\x1b[32m [repeated 2x across cluster]\x1b[0m`,
      'Let us think step by step: not a metric',
    ].join('\n');
    const r = await parse(text, 'job.log');
    expect(r.detection.format).toBe('verl-console');
    expect(points(r, 'actor/entropy')).toEqual([
      [1, 0.612],
      [2, 0.598],
      [3, 0.58],
    ]);
    expect(points(r, 'critic/score/mean')).toEqual([
      [1, NaN],
      [2, Infinity],
    ]);
    expect(r.params).toMatchObject({
      'algorithm.adv_estimator': 'grpo',
      'algorithm.norm_adv_by_std_in_grpo': false,
      'actor_rollout_ref.actor.clip_ratio_high': 0.28,
    });
  });

  it('reports a log without metrics lines', async () => {
    const err = await importError('hello\nworld\n', 'empty.log', 'verl-console');
    expect(err.problem).toMatch(/no verl metrics lines found; expected lines like "step:1/);
  });
});

describe('TRL trainer_state.json', () => {
  const state = (history: string) =>
    `{\n  "global_step": 3,\n  "logging_steps": 1,\n  "log_history": [${history}]\n}\n`;

  it('reads NaN tokens, eval entries and skips the final summary', async () => {
    const r = await parse(
      state(
        '{"step": 1, "loss": 0.1, "grad_norm": NaN}, {"step": 1, "eval_reward": 0.5}, ' +
          '{"step": 2, "loss": 0.2, "grad_norm": 1.5}, {"step": 2, "train_runtime": 9.5, "train_loss": 0.15}',
      ),
      'trainer_state.json',
    );
    expect(r.detection.format).toBe('trl-state');
    expect(points(r, 'grad_norm')).toEqual([
      [1, NaN],
      [2, 1.5],
    ]);
    expect(points(r, 'eval_reward')).toEqual([[1, 0.5]]);
    expect(r.series.has('train_runtime')).toBe(false);
    expect(r.params).toEqual({ global_step: 3, logging_steps: 1 });
  });

  it('names the entry without a step, and the line where truncated JSON ends', async () => {
    const missing = await importError(state('{"step": 1, "loss": 0.1}, {"loss": 0.2}'), 'trainer_state.json');
    expect(missing.at).toBe('log_history[1]');
    expect(missing.message).toMatch(/trainer_state\.json: log_history\[1\]: "step" is undefined/);
    const full = state('{"step": 1, "loss": 0.1}');
    const cut = await importError(full.slice(0, full.length - 12), 'trainer_state.json');
    expect(cut.problem).toMatch(/invalid JSON/);
    expect(cut.line).toBe(4);
    const other = await importError('{"log_history": {"step": 1}}', 'x.json', 'trl-state');
    expect(other.problem).toMatch(/expected a JSON object with a "log_history" list/);
  });
});

describe('TRL / Unsloth console', () => {
  it("reads tensor(...), np.float64(...), nan/inf and strings, and infers logging_steps from tqdm's k/N", async () => {
    const text = [
      'Unsloth banner',
      "{'loss': 0.5, 'reward': tensor(0.25, device='cuda:0'), 'kl': np.float64(0.01), 'grad_norm': nan, 'mode': 'train', 'epoch': 0.1}",
      ' 10%|█         | 10/100 [00:10<01:30,  1.0s/it]',
      "{'loss': 0.4, 'reward': 0.5, 'kl': inf, 'grad_norm': -inf, 'epoch': 0.2}",
      "{'eval_reward': 0.7, 'epoch': 0.2}",
      "  20%|██        | 20/100 [00:20<01:20,  1.0s/it]\r{'loss': 0.3, 'reward': 0.75, 'kl': 0.0, 'grad_norm': 1.0, 'epoch': 0.3}",
      "{'train_runtime': 30.0, 'train_loss': 0.4, 'epoch': 0.3}",
    ].join('\n');
    const r = await parse(text, 'train.log');
    expect(r.detection.format).toBe('trl-console');
    expect(points(r, 'reward')).toEqual([
      [10, 0.25],
      [20, 0.5],
      [30, 0.75],
    ]);
    expect(points(r, 'kl')).toEqual([
      [10, 0.01],
      [20, Infinity],
      [30, 0],
    ]);
    expect(points(r, 'grad_norm').slice(0, 2)).toEqual([
      [10, NaN],
      [20, -Infinity],
    ]);
    expect(points(r, 'eval_reward')).toEqual([[20, 0.7]]);
    expect(r.series.has('mode')).toBe(false);
    expect(r.series.has('train_runtime')).toBe(false);
  });

  it("reads the floats newer transformers print as '{v:.4g}' strings, and keeps other strings out", async () => {
    const text = [
      "  1%|          | 10/490 [00:51<30:36,  3.83s/it]\r                 \r{'loss': '0.5687', 'entropy': '3.758', 'num_tokens': '1146', 'grad_norm': 'nan', 'mode': 'train', 'epoch': '0.00125'}",
      // tqdm.write redraws the bar after the dict: 10/490 again, then on to 20.
      '\r  1%|          | 10/490 [00:51<30:36,  3.83s/it]\r  2%|          | 20/490 [01:40<30:00,  3.80s/it]',
      "{'loss': '0.4', 'entropy': '1e-05', 'num_tokens': '2.3e+03', 'grad_norm': '1.2', 'mode': 'train', 'epoch': '0.0025'}",
      // The file ends with a line end; a last line without one is a cut line and is left out.
      '',
    ].join('\n');
    const r = await parse(text, 'train.log');
    expect(r.detection.format).toBe('trl-console');
    expect(points(r, 'entropy')).toEqual([
      [10, 3.758],
      [20, 1e-5],
    ]);
    expect(points(r, 'num_tokens')).toEqual([
      [10, 1146],
      [20, 2300],
    ]);
    expect(points(r, 'grad_norm')[0]).toEqual([10, NaN]);
    expect(r.series.has('mode')).toBe(false);
  });

  it('reports a console log without Trainer dicts', async () => {
    const err = await importError("{'a': 1}\nplain text\n", 'x.log', 'trl-console');
    expect(err.problem).toMatch(/no Trainer log dicts found/);
  });
});

describe('CSV', () => {
  it('handles quotes, embedded newlines, empty cells, nan text, TSV and text columns', async () => {
    const text = [
      'iteration,"reward, mean",note,loss',
      '1,0.5,"a ""quoted""\nnote",nan',
      '2,,plain,0.25',
      '3,0.75,"x,y",inf',
      '',
    ].join('\r\n');
    const r = await parse(text, 'metrics.csv');
    expect(r.detection.format).toBe('csv');
    expect(points(r, 'reward, mean')).toEqual([
      [1, 0.5],
      [3, 0.75],
    ]);
    expect(points(r, 'loss')).toEqual([
      [1, NaN],
      [2, 0.25],
      [3, Infinity],
    ]);
    expect(r.series.has('note')).toBe(false);
    expect(r.series.has('iteration')).toBe(false);
    const tsv = await parse('epoch\tacc\n0\t0.1\n1\t0.2\n', 'm.tsv');
    expect(points(tsv, 'acc')).toEqual([
      [0, 0.1],
      [1, 0.2],
    ]);
  });

  it('falls back to the row number, skips a fractional epoch column, and honours a chosen step column', async () => {
    const r = await parse('epoch,acc\n0.5,0.1\n1.0,0.2\n', 'm.csv');
    expect(points(r, 'acc')).toEqual([
      [1, 0.1],
      [2, 0.2],
    ]);
    expect(r.warnings.join()).toMatch(/used the row number/);
    const chosen = await parseBuffer(Buffer.from('a,b\n5,1\n9,2\n'), 'm.csv', { options: { stepColumn: 'a' } });
    expect(points(chosen, 'b')).toEqual([
      [5, 1],
      [9, 2],
    ]);
  });

  it('names the line of ragged rows, wrong types, bad steps and unclosed quotes', async () => {
    const ragged = await importError('step,a,b\n1,2,3\n2,3\n', 'r.csv');
    expect([ragged.line, ragged.problem]).toEqual([3, 'expected 3 fields as in the header, found 2']);
    const type = await importError('step,a\n1,0.5\n2,abc\n', 't.csv');
    expect([type.line, type.problem]).toEqual([3, 'column "a" holds "abc"; expected a number']);
    const step = await importError('step,a\n1,0.5\n2.5,0.7\n', 's.csv');
    expect(step.problem).toBe('step column "step" holds "2.5"; expected a non-negative integer');
    const quote = await importError('step,a\n1,"open\n2,3\n', 'q.csv', 'csv');
    expect([quote.line, quote.problem]).toEqual([2, 'a quoted field is never closed']);
    expect((await importError('step,a\n', 'h.csv', 'csv')).problem).toBe('no data rows after the header');
    expect((await importError('1,2\n3,4\n', 'n.csv', 'csv')).problem).toMatch(/expected a header row/);
    expect((await importError('a,b\nx,y\n', 'w.csv', 'csv')).problem).toMatch(/no numeric columns/);
  });
});
