/**
 * Issue 16's end-to-end check: `cliplab train` on tiny random checkpoints made by transformers (a
 * Llama-family Qwen2 with LoRA, GPT-2 fully fine-tuned) from the hf-gsm8k presets, given only the
 * model and data paths, trains clipped GRPO steps with every metric the GPT reports; the model and
 * the memory estimate are printed before the run; a run that cannot fit is refused with what to lower.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVAL_METRICS, METRIC, STEP_METRICS, type RunRecord } from '../../src-main/contract';
import { writeGsm8k } from '../engine/hf/fixtures';
import { Reference, skipReason, tempDir, START_TIMEOUT_MS } from '../engine/hf/support';
import { python } from '../support/python';

const BIN = path.join(import.meta.dirname, '..', '..', 'bin', 'cliplab.js');

function cliplab(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let [stdout, stderr] = ['', ''];
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Small enough for a few seconds per step on wasm. */
const SMALL = [
  ...['--set', 'steps=3', '--set', 'task.maxNewTokens=5', '--set', 'rollout.prompts=2', '--set', 'rollout.groupSize=4'],
  ...['--set', 'optim.microBatch=2', '--set', 'optim.lr=0.01', '--set', 'eval.every=2', '--set', 'eval.prompts=2'],
  ...['--set', 'eval.k=2', '--set', 'backend=wasm'],
];

describe.skipIf(!python)(`cliplab train on Hugging Face checkpoints${skipReason}`, () => {
  const tmp = tempDir();
  let ref: Reference;
  let data: string;
  beforeAll(async () => {
    ref = await Reference.start();
    data = writeGsm8k(tmp.dir);
  }, START_TIMEOUT_MS);
  afterAll(() => {
    ref?.close();
    tmp.remove();
  });

  const cases = [
    { arch: 'qwen2', preset: 'hf-gsm8k-random-sym', extra: [] as string[] },
    { arch: 'gpt2', preset: 'hf-gsm8k-true-clip-high-only', extra: ['--set', 'policy.finetune=full'] },
  ] as const;

  for (const { arch, preset, extra } of cases) {
    it(`${arch} from ${preset}: every metric of the GPT`, async () => {
      const model = await ref.make(tmp.dir, arch);
      const db = path.join(tmp.dir, `${arch}.db`);
      const paths = ['--set', `policy.path=${model}`, '--set', `task.path=${data}`];
      const r = await cliplab(['train', '--preset', preset, ...paths, ...SMALL, ...extra, '--db', db, '--json']);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toMatch(
        new RegExp(`model .*${arch}: ${arch}, [\\d.]+k parameters \\(F32 on disk\\), vocabulary \\d+`),
      );
      expect(r.stderr).toMatch(/memory estimate: peak \d+ MiB .* wasm 4\.0 GiB: fits/);
      const { run, final } = JSON.parse(r.stdout) as { run: RunRecord; final: Record<string, number | null> };
      expect(run).toMatchObject({ status: 'completed', step: 2, backend: 'wasm' });
      const optional = new Set<string>([METRIC.clipLowGap, METRIC.clipHighGap]);
      for (const key of [...STEP_METRICS, ...EVAL_METRICS].filter((k) => !optional.has(k))) {
        expect(Number.isFinite(final[key]), key).toBe(true);
      }
    }, 240_000);
  }

  it('refuses a run that cannot fit, naming what to lower; needs both paths', async () => {
    const model = await ref.make(tmp.dir, 'llama');
    const db = path.join(tmp.dir, 'refuse.db');
    const paths = ['--set', `policy.path=${model}`, '--set', `task.path=${data}`];
    const huge = ['--set', 'task.maxNewTokens=200', '--set', 'rollout.prompts=512', '--set', 'rollout.groupSize=64'];
    const r = await cliplab([
      'train',
      '--preset',
      'hf-gsm8k-random-sym',
      ...paths,
      ...huge,
      '--set',
      'backend=wasm',
      '--db',
      db,
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /memory: this run needs about .* GiB on the wasm backend, which has 4\.0 GiB .*sampling 5\.\d GiB.* Lower: policy\.sampleBatch/,
    );
    const missing = await cliplab(['train', '--preset', 'hf-gsm8k-random-sym', '--db', db]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/policy\.path: expected the path of a Hugging Face model folder/);
    expect(missing.stderr).toMatch(/task\.path: expected the path of a JSONL or Parquet file/);
  }, 120_000);
});
