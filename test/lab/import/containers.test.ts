/**
 * Kaggle kernel logs and Jupyter notebooks built by hand: how the printed text is put back together
 * (streams apart, progress bars, outputs split mid-line), and errors named by record or cell.
 */
import { describe, expect, it } from 'vitest';
import { ImportError } from '../../../src-main/lab/import/errors';
import { parseBuffer, type ParseResult } from '../../../src-main/lab/import/parse';
import type { FileFormatName } from '../../../src-main/lab/import/types';
import { rejectionOf } from '../../support/rejection';

type Write = [stream: 'stdout' | 'stderr', data: string];

/** A Kaggle log as Kaggle writes it: `[` record, then `,` record per line, then `]`. */
function kaggle(writes: Write[]): Buffer {
  const records = writes.map(([stream, data], i) => JSON.stringify({ stream_name: stream, time: 1 + i / 10, data }));
  return Buffer.from(`[${records.join('\n,')}\n]`);
}

function notebook(cells: unknown[]): Buffer {
  return Buffer.from(JSON.stringify({ cells, metadata: {}, nbformat: 4, nbformat_minor: 5 }, null, 1));
}

const code = (outputs: unknown[]) => ({ cell_type: 'code', source: 'train()', metadata: {}, outputs });
const stream = (name: string, text: string | string[]) => ({ output_type: 'stream', name, text });

const parse = (bytes: Buffer, name: string, format?: FileFormatName) => parseBuffer(bytes, name, { format });
const points = (r: ParseResult, key: string) => {
  const s = r.series.get(key)!;
  return s.steps.map((step, i) => [step, s.values[i]]);
};

const bar = (k: number, n = 6) =>
  `\r${Math.round((100 * k) / n)}%|${'█'.repeat(k)}| ${k}/${n} [00:0${k}<00:10, 1.00s/it]`;
const dict = (loss: number) => `{'loss': ${loss}, 'reward': ${loss / 2}, 'epoch': 0.5}\n`;

describe('Kaggle kernel logs', () => {
  it('keeps stderr progress bars and stdout dicts apart, so each dict gets its step', async () => {
    // Every 2 steps a dict printed straight to stdout while the bar on stderr is left mid-line.
    const writes: Write[] = [['stderr', bar(0)]];
    for (const k of [1, 2, 3, 4, 5, 6]) {
      writes.push(['stderr', bar(k)]);
      if (k % 2 === 0) writes.push(['stdout', dict(k / 10)]);
    }
    writes.push(['stderr', '\n']);
    const r = await parse(kaggle(writes), 'kernel.log');
    expect(r.format).toBe('trl-console');
    expect(r.container).toBe('kaggle-log');
    expect(points(r, 'loss')).toEqual([
      [2, 0.2],
      [4, 0.4],
      [6, 0.6],
    ]);
  });

  it('reads the JSON-lines layout and a pretty-printed array too', async () => {
    const writes: Write[] = [['stdout', '{"step": 1, "data": {"a": 0.5}}\n']];
    const lines = Buffer.from(`${JSON.stringify({ stream_name: 'stdout', time: 1, data: writes[0][1] })}\n`);
    const pretty = Buffer.from(JSON.stringify([{ stream_name: 'stdout', time: 1, data: writes[0][1] }], null, 2));
    for (const bytes of [lines, pretty]) {
      const r = await parse(bytes, 'kernel.log');
      expect([r.format, points(r, 'a')]).toEqual(['verl-jsonl', [[1, 0.5]]]);
    }
  });

  it('names the record at fault, in the log and in the text it holds', async () => {
    const badRecord = Buffer.from(
      '[{"stream_name":"stdout","time":1,"data":"x\\n"}\n,{"stream_name":"stdout","time":2}\n]',
    );
    const shape = await rejectionOf(parse(badRecord, 'kernel.log'), ImportError);
    expect(shape.message).toMatch(/^kernel\.log: record 2: expected a Kaggle log record/);
    const ok = '{"step": 1, "data": {"a": 1}}\n';
    const text = kaggle([
      ['stdout', ok],
      ['stdout', ok.replace('1', '2')],
      ['stdout', '{"step": 3, "data": {"a": 0.}\n'],
    ]);
    const inner = await rejectionOf(parse(text, 'kernel.log', 'verl-jsonl'), ImportError);
    expect(inner.at).toBe('record 3');
    expect(inner.message).toMatch(/^kernel\.log: record 3: invalid JSON/);
  });

  it('leaves out a record the download cut, and says so', async () => {
    const whole = kaggle([
      ['stdout', '{"step": 1, "data": {"a": 1}}\n'],
      ['stdout', '{"step": 2, "data": {"a": 2945.0}}\n'],
    ]).toString();
    const cut = whole.slice(0, whole.indexOf('2945') + 3);
    const r = await parse(Buffer.from(cut), 'kernel.log');
    expect(points(r, 'a')).toEqual([[1, 1]]);
    expect(r.warnings).toContain('left out record 2: the log ends inside it (the download was cut)');
  });
});

describe('Jupyter notebooks', () => {
  it('joins stream outputs split mid-line and as lists of lines, cell after cell, with text/plain results', async () => {
    const nb = notebook([
      { cell_type: 'markdown', source: "{'loss': 9.0}", metadata: {} },
      code([
        stream('stdout', ["{'loss': 0.5, 're", "ward': 0.25}\n"]),
        stream('stderr', '\r 50%|█ | 1/2 [00:01<00:01]'),
        stream('stdout', "{'loss': 0.4, 'reward': 0.3}\n"),
        {
          output_type: 'display_data',
          data: { 'text/html': '<table/>', 'text/plain': '<IPython HTML>' },
          metadata: {},
        },
        { output_type: 'error', ename: 'KeyError', evalue: 'x', traceback: ["{'loss': 7.0}"] },
      ]),
      code([{ output_type: 'execute_result', data: { 'text/plain': "{'loss': 0.3, 'reward': 0.35}" }, metadata: {} }]),
    ]);
    const r = await parse(nb, 'run.ipynb');
    expect([r.format, r.container]).toEqual(['trl-console', 'notebook']);
    expect(r.series.get('loss')!.values).toEqual([0.5, 0.4, 0.3]);
    expect(r.detection.reason).toMatch(/^a Jupyter notebook \(3 cells\) holding a Python dict line/);
  });

  it('reads the worksheets of nbformat 3', async () => {
    const v3 = Buffer.from(
      JSON.stringify({
        nbformat: 3,
        worksheets: [
          {
            cells: [
              {
                cell_type: 'code',
                outputs: [
                  {
                    output_type: 'stream',
                    stream: 'stdout',
                    text: ['step:1 - actor/entropy:0.61 - critic/score/mean:0.5\n'],
                  },
                ],
              },
            ],
          },
        ],
      }),
    );
    expect(points(await parse(v3, 'old.ipynb'), 'actor/entropy')).toEqual([[1, 0.61]]);
  });

  it('names the cell and the line of its output at fault; says when a notebook holds no log', async () => {
    const nb = notebook([
      code([{ output_type: 'display_data', data: { 'image/png': 'iVBORw0KGgo=' }, metadata: {} }]),
      code([stream('stdout', '{"step": 1, "data": {"a": 1}}\n{"step": 2, "data": {"a": }}\n')]),
    ]);
    const err = await rejectionOf(parse(nb, 'run.ipynb', 'verl-jsonl'), ImportError);
    expect(err.message).toMatch(/^run\.ipynb: cell 2, line 2: invalid JSON/);
    const silent = await rejectionOf(parse(notebook([code([])]), 'run.ipynb'), ImportError);
    expect(silent.problem).toBe('a Jupyter notebook (1 cells) holds no printed text');
    const chat = await rejectionOf(parse(notebook([code([stream('stdout', 'hello\n')])]), 'run.ipynb'), ImportError);
    expect(chat.problem).toMatch(/^a Jupyter notebook \(1 cells\), but its text is not a training log cliplab reads/);
  });
});
