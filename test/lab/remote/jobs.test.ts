/**
 * The job a remote run becomes (the job <-> run mapping): the entrypoint a real shell runs, word for
 * word; the exported settings in it; where the probe writes; resources; hidden environment values;
 * and the run status of each Ray job state. verl's command is checked against verl's own Hydra
 * config, registry and reward loader, and the job's environment against Ray's runtime_env merge.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  applyOverrides,
  presetConfig,
  remoteJobOptions,
  RAY_JOB_STATES,
  type ApiArgs,
  type ApiError,
  type RunConfig,
} from '../../../src-main/contract';
import { trlPlan } from '../../../src-main/lab/export-config/trl';
import { parseRayAddress } from '../../../src-main/lab/remote/address';
import { shellWord } from '../../../src-main/lab/remote/entrypoints';
import { buildJob, failureOf, newSubmissionId, runStatusOf, visibleEnv } from '../../../src-main/lab/remote/jobs';
import { python, pythonMissing, runPython } from '../../support/python';

const address = parseRayAddress('ray://127.0.0.1:8265');
const ECHO_WORDS = `printf '%s\\0'`;

function config(changes: Record<string, unknown> = {}): RunConfig {
  const r = applyOverrides(
    presetConfig('gpt-random-sym'),
    Object.entries(changes).map(([p, value]) => ({ path: p, value })),
  );
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.value;
}

function job(extra: Partial<ApiArgs<'remote.submit'>['job']> = {}) {
  return remoteJobOptions.parse({
    target: 'ray://127.0.0.1:8265',
    engine: 'trl',
    model: '/models/tiny llama',
    dataset: '/data/prompts.jsonl',
    ...extra,
  });
}

function build(c: RunConfig, j: ReturnType<typeof job>, name = "it's clipLow=0.1 seed 1") {
  return buildJob({ runId: 7, submissionId: 'cliplab-7-abcd0123', config: c, name, job: j, address });
}

/** The words a POSIX shell makes of the entrypoint (the Python command replaced by printf). */
function shellWords(entrypoint: string, pythonCommand: string): string[] {
  const command = ECHO_WORDS + entrypoint.slice(pythonCommand.length);
  return execFileSync('/bin/sh', ['-c', command], { encoding: 'utf8' }).split('\0').slice(0, -1);
}

describe('the Ray job of a remote run', () => {
  it('TRL: the exported GRPOConfig, model, data, reward and name reach the entry point word for word', () => {
    const c = config({ steps: 12, 'objective.clipLow': 0.1, 'objective.clipHigh': 0.28 });
    const j = job({ python: 'py', overrides: ['max_completion_length=64', 'bf16=true', 'optim=adamw_torch'] });
    const built = build(c, j);
    expect(built.request.entrypoint.startsWith('py -m cliplab_probe.trl_entry ')).toBe(true);
    const words = shellWords(built.request.entrypoint, 'py');
    expect(words.slice(0, 3)).toEqual(['-m', 'cliplab_probe.trl_entry', '--config']);
    const expected = Object.fromEntries(trlPlan(c).settings.map((s) => [s.key, s.value]));
    expect(JSON.parse(words[3])).toEqual({ ...expected, max_completion_length: 64, bf16: true, optim: 'adamw_torch' });
    expect(JSON.parse(words[3])).toMatchObject({ epsilon: 0.1, epsilon_high: 0.28, max_steps: 12 });
    expect(words.slice(4)).toEqual([
      '--model',
      '/models/tiny llama',
      '--dataset',
      '/data/prompts.jsonl',
      '--reward',
      'random:0.5',
      '--name',
      "it's clipLow=0.1 seed 1",
      '--stdout',
    ]);
    expect(built).toMatchObject({ channel: 'logs', streamPath: null });
    expect(built.request).toMatchObject({
      submission_id: 'cliplab-7-abcd0123',
      entrypoint_num_gpus: 0,
      metadata: { cliplab_run: '7', cliplab_engine: 'trl', cliplab_name: "it's clipLow=0.1 seed 1" },
      runtime_env: { env_vars: { CLIPLAB_PROBE_STDOUT: '1', PYTHONUNBUFFERED: '1' } },
    });
  });

  it('TRL: rewards, GPUs, shared storage, exact attribution and the CPUs Ray reserves', () => {
    const verifier = build(config({ reward: { kind: 'verifier' } }), job({ python: 'py' }));
    expect(shellWords(verifier.request.entrypoint, 'py')).toContain('verifier');
    const gauss = build(config({ reward: { kind: 'gaussian', mean: 0.5, std: 2 } }), job({ python: 'py' }));
    expect(shellWords(gauss.request.entrypoint, 'py')).toContain('gaussian:0.5:2');

    const multi = build(config(), job({ gpus: 4, cpus: 2, streamDir: '/shared/runs', exactEvery: 5, python: 'py' }));
    expect(multi.request.entrypoint).toMatch(
      /^py -m torch\.distributed\.run --nproc_per_node=4 -m cliplab_probe\.trl_entry /,
    );
    expect(multi.request).toMatchObject({ entrypoint_num_gpus: 4, entrypoint_num_cpus: 2 });
    expect(multi).toMatchObject({ channel: 'path', streamPath: '/shared/runs/cliplab-7-abcd0123.jsonl' });
    const words = shellWords(multi.request.entrypoint, 'py');
    expect(words.slice(-4)).toEqual(['--stream', '/shared/runs/cliplab-7-abcd0123.jsonl', '--exact-every', '5']);
    expect(multi.request.runtime_env?.env_vars).toMatchObject({ CLIPLAB_PROBE_STREAM: multi.streamPath });
    expect(multi.request.runtime_env?.env_vars).not.toHaveProperty('CLIPLAB_PROBE_STDOUT');
    expect(multi.gaps.join('\n')).toMatch(/batch sizes are per process/);
  });

  it('refuses what the probe cannot measure, and malformed overrides, naming the field', () => {
    const err = (() => {
      try {
        build(config({ 'objective.loss': 'gspo' }), job());
      } catch (e) {
        return e as ApiError;
      }
    })();
    expect(err?.fields?.[0].path).toBe('config.objective.loss');
    expect(() => build(config(), job({ overrides: ['ok=1', 'not-a-key=2'] }))).toThrow(/job\.overrides.*not-a-key/);
    expect(remoteJobOptions.safeParse({ ...job(), overrides: ['noequals'] }).success).toBe(false);
    expect(remoteJobOptions.safeParse({ ...job(), env: { 'BAD-NAME': 'x' } }).success).toBe(false);
  });

  it('hides environment values other than its own', () => {
    const built = build(config(), job({ env: { HF_TOKEN: 'hf_secret', CLIPLAB_PROBE_NAME: 'n' } }));
    expect(built.request.runtime_env?.env_vars).toMatchObject({ HF_TOKEN: 'hf_secret' }); // sent to Ray
    expect(visibleEnv(built.request.runtime_env!.env_vars as Record<string, string>)).toMatchObject({
      HF_TOKEN: '<hidden>',
      CLIPLAB_PROBE_NAME: "it's clipLow=0.1 seed 1",
    });
  });

  it('maps every Ray job state to a run status, and names jobs uniquely', () => {
    expect(Object.fromEntries(RAY_JOB_STATES.map((s) => [s, runStatusOf(s)]))).toEqual({
      PENDING: 'queued',
      RUNNING: 'running',
      STOPPED: 'cancelled',
      SUCCEEDED: 'completed',
      FAILED: 'failed',
    });
    expect(runStatusOf(null)).toBe('queued');
    const ids = new Set(Array.from({ length: 200 }, () => newSubmissionId(12)));
    expect(ids.size).toBe(200);
    for (const id of ids) expect(id).toMatch(/^cliplab-12-[0-9a-f]{8}$/);
  });

  it("makes a failed job's error one line: Ray's first line and the last line the job printed", () => {
    // As Ray 2.60's job supervisor words a failed entrypoint (job_supervisor.py), with ten log lines.
    const tail = ['Traceback (most recent call last):', ...Array(8).fill('  x'), 'ValueError: bad --dataset row 3'];
    const message = `Job entrypoint command failed with exit code 1, last available logs (truncated to 20,000 chars):\n${tail.join('\n')}\n`;
    expect(failureOf(message)).toBe(
      'Ray: Job entrypoint command failed with exit code 1; its log ends: ValueError: bad --dataset row 3',
    );
    expect(failureOf('Job entrypoint command failed with exit code 2. No logs available.')).toBe(
      'Ray: Job entrypoint command failed with exit code 2. No logs available.',
    );
    expect(failureOf(null)).toBe('Ray: the job failed');
    expect(failureOf(`failed\n${'y'.repeat(5000)}`).length).toBeLessThanOrEqual(600 + 'Ray: '.length);
  });

  it('quotes shell words a POSIX shell gives back unchanged', () => {
    const words = ['plain', 'with space', "it's", '$HOME', '`id`', 'a"b', 'tab\there', '', '*', 'new\nline'];
    const command = `${ECHO_WORDS} ${words.map(shellWord).join(' ')}`;
    expect(execFileSync('/bin/sh', ['-c', command], { encoding: 'utf8' }).split('\0').slice(0, -1)).toEqual(words);
  });
});

describe.skipIf(!python)('the verl job against the real verl and Ray', () => {
  it("is accepted by verl's Hydra config, loads the probe's loss and reward, and merges with verl's runtime_env", () => {
    const c = config({ 'objective.clipLow': 0.15, 'objective.clipHigh': 0.25, 'objective.dualClip': 3 });
    const built = build(c, job({ engine: 'verl', gpus: 8, env: { WANDB_API_KEY: 'k' } }), "run 'a'=b, [c]");
    const plan = {
      entrypoint: built.request.entrypoint,
      runtimeEnv: built.request.runtime_env,
    };
    const out = runPython(path.join(import.meta.dirname, '../../reference/verl_command_check.py'), [], {
      input: JSON.stringify(plan),
      timeoutMs: 240_000,
    });
    const checked = JSON.parse(out.trim().split('\n').pop()!);
    expect(checked).toMatchObject({
      clip_ratio_low: 0.15,
      clip_ratio_high: 0.25,
      clip_ratio_c: 3,
      loss_mode: 'cliplab_probe',
      loss_agg_mode: c.objective.aggregation,
      ppo_epochs: c.optim.epochs,
      lr: c.optim.lr,
      external_lib: 'cliplab_probe.verl',
      model_path: '/models/tiny llama',
      train_files: '/data/prompts.jsonl',
      n_gpus_per_node: 8,
      experiment_name: "run 'a'=b, [c]",
      logger: ['console'],
      total_training_steps: c.steps,
      runtime_env_merges: true,
    });
    expect(checked.reward_mean).toBeGreaterThan(0.4);
    expect(checked.reward_mean).toBeLessThan(0.6);
    expect(built.request.entrypoint_num_gpus).toBe(0); // verl's workers take the GPUs, not its driver
  }, 300_000);
});

if (!python) console.log(`verl job check skipped: ${pythonMissing}`);
