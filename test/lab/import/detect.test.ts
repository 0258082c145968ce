/** Format detection by content, with reasons, and the Python literal reader behind the console formats. */
import { describe, expect, it } from 'vitest';
import { detectFormat, headFromBuffer } from '../../../src-main/lab/import/detect';
import { ImportError } from '../../../src-main/lab/import/errors';
import { parseFile } from '../../../src-main/lab/import/parse';
import { parsePyLiteral, PyLiteralError } from '../../../src-main/lab/import/pyLiteral';
import { eventFile, fileVersionEvent, realLog, simpleScalar, tempDir } from './helpers';

const detect = (content: string | Buffer, name = 'run.log') =>
  detectFormat(headFromBuffer(Buffer.isBuffer(content) ? content : Buffer.from(content), name, true));

function detectError(content: string | Buffer): ImportError {
  try {
    detect(content);
  } catch (err) {
    expect(err).toBeInstanceOf(ImportError);
    return err as ImportError;
  }
  throw new Error('expected an ImportError');
}

describe('detectFormat', () => {
  it('decides by content whatever the file is called, and says why', () => {
    const events = eventFile([fileVersionEvent(1), simpleScalar(1, 2, 'loss', 1)]);
    expect(detect(events, 'data.bin')).toEqual({ format: 'tfevents', reason: expect.stringMatching(/TFRecord/) });
    expect(detect('{"step": 1, "data": {"a": 1}}\n', 'metrics.txt').format).toBe('verl-jsonl');
    expect(detect('{\n "log_history": [\n  {"step": 1}\n ]\n}', 'state.txt').format).toBe('trl-state');
    expect(detect('noise\nstep:3 - a:1.000 - b:2.000\n', 'x.csv').format).toBe('verl-console');
    expect(detect("banner\n{'loss': 0.1, 'learning_rate': 1e-06}\n", 'x.jsonl').format).toBe('trl-console');
    expect(detect('step,loss\n1,0.5\n', 'x.log').format).toBe('csv');
  });

  it('detects every real log', async () => {
    const expected: Record<string, string> = {
      'dstack_verl_demo.log': 'verl-console',
      'hanlindu_verl_gsm8k.jsonl': 'verl-jsonl',
      'chaoseconomy_trainer_state.json': 'trl-state',
      'rldecisionagent_unsloth_train_grpo.log': 'trl-console',
      'simworld_ppo_metrics.csv': 'csv',
      'serial-lain-ai_events.out.tfevents.1719642696.6a29ce405cda.1269.0': 'tfevents',
    };
    for (const [file, format] of Object.entries(expected)) {
      expect((await parseFile(realLog(file))).detection.format, file).toBe(format);
    }
  });

  it('rejects empty, unknown text and unknown binary content, saying what was expected', () => {
    expect(detectError('').problem).toMatch(/^the file is empty; expected a verl JSONL or console log/);
    const text = detectError('just some notes\nnothing to see\n');
    expect(text.problem).toMatch(/^unknown format \(first line "just some notes"\); expected .*TensorBoard/);
    expect(detectError(Buffer.from([0, 1, 2, 3, 0, 0, 0, 0, 9, 9, 9, 9, 9])).problem).toMatch(/binary content/);
  });

  it('reports an empty or missing file without writing anything', async () => {
    const tmp = tempDir();
    try {
      const empty = await parseFile(tmp.file('empty.jsonl', '')).catch((e: unknown) => e);
      expect((empty as ImportError).problem).toBe('the file is empty');
      const missing = await parseFile(tmp.file('missing.jsonl')).catch((e: unknown) => e);
      expect((missing as ImportError).problem).toMatch(/cannot read the file \(ENOENT\)/);
    } finally {
      tmp.remove();
    }
  });
});

describe('parsePyLiteral', () => {
  it('reads the repr forms trainers print', () => {
    expect(
      parsePyLiteral(
        "{'a': 1, \"b\": -2.5e-3, 'c': [True, False, None], 'd': (1, 2,), 'e': nan, 'f': -inf, 'g': 'it\\'s'}",
      ),
    ).toEqual({ a: 1, b: -0.0025, c: [true, false, null], d: [1, 2], e: NaN, f: -Infinity, g: "it's" });
    expect(parsePyLiteral("tensor(0.5000, device='cuda:0')")).toBe(0.5);
    expect(parsePyLiteral('np.float64(0.125)')).toBe(0.125);
    expect(parsePyLiteral("{'__proto__': 1, 'x': {}}")).toEqual({ x: {} });
    expect(parsePyLiteral("'\\x41\\u00e9\\n'")).toBe('Aé\n');
  });

  it('rejects what is not a literal, with the offset', () => {
    expect(() => parsePyLiteral("{'a': 1")).toThrow(PyLiteralError);
    expect(() => parsePyLiteral('{1: <object at 0x7f>}')).toThrow(/offset 4/);
    expect(() => parsePyLiteral("{'a': 1} trailing")).toThrow(/expected the end/);
  });
});
