/**
 * Remote runs against a real Ray head on this machine (issue 17): real TRL GRPO jobs with
 * cliplab-probe attached (the probe tests' tiny random Llama and character tokenizer, saved to disk
 * as a user's model would be), submitted through the dashboard's Jobs API and followed into cliplab.
 *
 * One job is followed live, through a cut in the connection (the dashboard reached through a relay
 * the test cuts, as an SSH tunnel drops) and a restart of cliplab while it runs; what is stored is
 * then compared point by point with the probe's records in the job's own log. A second job is
 * submitted from a terminal while the workbench is open in Chromium (`cliplab serve`): it shows up
 * in Runs with its remote badge, its steps and log arrive live, and the Stop job button ends it
 * cancelled. From a terminal, through an auth proxy that wants a token, a job that fails on the
 * cluster ends failed with its cause, and `cliplab cancel` stops a job. A 2 x 2 sweep goes through the real `cliplab` binary, as a user types it.
 */
import { execFile, spawn } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  applyOverrides,
  parseAssignment,
  presetConfig,
  type ApiArgs,
  type RemoteRun,
  type RunConfig,
  type RunRecord,
} from '../../src-main/contract';
import { createLab, dispatch, readRun, type LabService } from '../../src-main/lab';
import { parseRayAddress } from '../../src-main/lab/remote/address';
import { RayJobsClient } from '../../src-main/lab/remote/ray-client';
import { chromiumArgs, chromiumPath } from '../support/chromium';
import { cliOn, runCli } from '../support/cli';
import { saveScreenshot } from '../support/e2e-app';
import { python, pythonMissing } from '../support/python';
import { startAuthProxy } from '../support/auth-proxy';
import { startRayHead, type RayHead } from '../support/ray-head';
import { startServeProcess } from '../support/serve-process';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy';
import { fileTempDir } from '../support/temp';

const root = path.resolve(import.meta.dirname, '../..');
const probeDir = path.join(root, 'python', 'cliplab-probe');
const PREFIX = '[cliplab-probe] ';
const canRun = python !== null && process.platform === 'linux';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A TRL-sized cliplab config for the tiny model (4 prompts x 4 completions, two updates per rollout), as --set options. */
function tinySets(steps: number): string[] {
  return [
    `steps=${steps}`,
    'rollout.prompts=4',
    'rollout.groupSize=4',
    'optim.minibatches=2',
    'optim.epochs=2',
    'optim.optimizer=sgd',
    'optim.lr=0.3',
    'optim.gradClip=1',
  ];
}

function tinyConfig(steps: number): RunConfig {
  const result = applyOverrides(presetConfig('gpt-random-sym'), tinySets(steps).map(parseAssignment));
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.value;
}

/** Waits until `check` returns a value (polled), or fails naming what it waited for. */
async function until<T>(what: string, check: () => T | null | undefined | false, timeoutMs = 180_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(250);
  }
}

function remoteRun(lab: LabService, id: number): RemoteRun {
  const run = readRun(lab.context, id);
  if (run.origin !== 'remote') throw new Error(`run ${id} is ${run.origin}, expected remote`);
  return run;
}

/** The probe's step records as the job printed them, parsed here independently of cliplab's reader. */
function probeRecords(log: string): { step: number; metrics: Record<string, number> }[] {
  return log
    .split('\n')
    .filter((line) => line.includes(PREFIX))
    .map((line) => JSON.parse(line.slice(line.indexOf(PREFIX) + PREFIX.length)))
    .filter((r) => typeof r.step === 'number');
}

describe.skipIf(!canRun)('remote runs on a real local Ray head', () => {
  const dir = fileTempDir();
  let head: RayHead;
  let assets: { model: string; dataset: string };

  beforeAll(async () => {
    const built = promisify(execFile)(python!, [path.join(root, 'test/reference/tiny_trl_assets.py'), dir], {
      env: { ...process.env, HF_HUB_OFFLINE: '1', TRANSFORMERS_OFFLINE: '1' },
    });
    [head, assets] = await Promise.all([startRayHead(), built.then((r) => JSON.parse(r.stdout.trim()))]);
    console.log(`Ray head on ${head.address}: dashboard up and a first job run in ${head.startSeconds.toFixed(1)} s`);
  }, 300_000);

  afterAll(async () => {
    await head?.stop();
  }, 60_000);

  /** The job options as `cliplab submit` / `sweep --to` take them. */
  const cliJob = (target: string, model = assets.model): string[] => [
    '--to',
    target,
    '--engine',
    'trl',
    '--model',
    model,
    '--dataset',
    assets.dataset,
    '--python',
    python!,
    '--env',
    `PYTHONPATH=${probeDir}`,
    '--cpus',
    '1',
    '--override',
    'max_completion_length=8',
    '--override',
    'save_strategy=no',
  ];

  const jobOptions = (target: string): ApiArgs<'remote.submit'>['job'] => ({
    target,
    engine: 'trl',
    model: assets.model,
    dataset: assets.dataset,
    python: python!,
    cpus: 1,
    overrides: ['max_completion_length=8', 'save_strategy=no'],
    // The job runs this checkout's probe, however the environment installed it.
    env: { PYTHONPATH: probeDir },
  });

  it('follows a TRL job live, through a lost connection and a cliplab restart, storing every step once', async () => {
    const db = path.join(dir, 'follow.db');
    const proxy: TcpProxy = await startTcpProxy(head.dashboardPort);
    const target = `ray://127.0.0.1:${proxy.port}`;
    const direct = new RayJobsClient(parseRayAddress(head.address));
    let lab = createLab({ dbPath: db, remote: { follow: true, pollMs: 400 } });
    try {
      const seen: RunRecord[] = [];
      lab.subscribe((e) => e.name === 'run.changed' && seen.push(e.payload.run));
      const steps = 30;
      const { run, warnings } = await dispatch(lab, 'remote.submit', {
        config: tinyConfig(steps),
        name: 'followed',
        job: jobOptions(target),
      });
      expect(warnings).toEqual([]);
      // In Runs at once, as a remote run of its engine, host and job.
      expect(run).toMatchObject({ origin: 'remote', name: 'followed', status: 'queued' });
      expect((run as RemoteRun).remote).toMatchObject({ engine: 'trl', target, channel: 'logs' });
      const jobId = (run as RemoteRun).remote.jobId;

      // Live: points arrive while Ray reports the job RUNNING.
      await until('three steps stored', () => (lab.context.store.lastStep(run.id) ?? 0) >= 3);
      const live = remoteRun(lab, run.id);
      expect(live.status).toBe('running');
      expect(live.remote.jobStatus).toBe('RUNNING');
      // The event that carries those steps may still be on its way when the store already has them.
      await until('a live run.changed event with a step', () =>
        seen.some((r) => r.status === 'running' && r.step !== null && r.step > 0 && r.step < steps),
      );

      // The tunnel drops: the run stays running and says the cluster does not answer.
      await proxy.cut();
      const offline = await until('the run to note the outage', () => remoteRun(lab, run.id).remote.unreachable);
      expect(offline).toContain(target);
      expect(remoteRun(lab, run.id).status).toBe('running');

      // cliplab closes mid-job; the job goes on and ends on the cluster meanwhile.
      await lab.close();
      const left = createLab({ dbPath: db });
      expect(left.context.store.getRun(run.id)).toMatchObject({ status: 'running', workerPid: null });
      await left.close();
      for (
        let state = await direct.getJobStatus(jobId);
        state !== 'SUCCEEDED';
        state = await direct.getJobStatus(jobId)
      ) {
        expect(['PENDING', 'RUNNING']).toContain(state);
        await sleep(500);
      }

      // Back online, a new cliplab catches up to the end.
      await proxy.restore();
      lab = createLab({ dbPath: db, remote: { follow: true, pollMs: 400 } });
      const done = await until('the run to complete', () => {
        const r = remoteRun(lab, run.id);
        return r.status === 'completed' ? r : null;
      });
      expect(done.remote).toMatchObject({ jobStatus: 'SUCCEEDED', unreachable: null });
      expect(done.step).toBe(steps);

      // Every record of the job's own log is stored once, at its step, with its value.
      const records = probeRecords(await direct.getJobLogs(jobId));
      expect(records.map((r) => r.step)).toEqual(Array.from({ length: steps }, (_, i) => i + 1));
      const keys = await dispatch(lab, 'runs.keys', { id: run.id });
      for (const key of ['clip/low_frac', 'clip/high_frac', 'entropy', 'ratio/max']) {
        const [series] = await dispatch(lab, 'runs.series', { id: run.id, keys: [key] });
        const expected = records.filter((r) => key in r.metrics);
        expect(series.steps).toEqual(expected.map((r) => r.step));
        expect(series.values).toEqual(expected.map((r) => r.metrics[key]));
        expect(keys.find((k) => k.key === key)?.count).toBe(expected.length);
      }
      const [diagnosis] = await dispatch(lab, 'diagnostics.run', { ids: [run.id] });
      expect(diagnosis.clip.lowFrac).not.toBeNull();
      expect(diagnosis.clip.highFrac).not.toBeNull();
    } finally {
      await lab.close();
      await proxy.close();
    }
  }, 420_000);

  it('in the workbench: a submitted job shows up live with its log, and Stop job ends it cancelled', async () => {
    const db = path.join(dir, 'ui.db');
    const serve = await startServeProcess(['--no-open', '--port', '0', '--db', db]);
    const browser = await chromium.launch({ executablePath: chromiumPath(), args: chromiumArgs() });
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(`${serve.url}#/runs`);
      // Submitted from a terminal, as a user would, while the workbench is open on the same database.
      const steps = 2000;
      const submitted = await runCli([
        'submit',
        ...cliJob(head.address),
        '--preset',
        'gpt-random-sym',
        ...tinySets(steps).flatMap((s) => ['--set', s]),
        '--name',
        'stopped from the workbench',
        '--detach',
        '--json',
        '--db',
        db,
      ]);
      expect(submitted.stderr).toMatch(/submitted run 1/);
      const id = (JSON.parse(submitted.stdout) as { runs: { run: RemoteRun }[] }).runs[0].run.id;

      const row = page.getByRole('row').filter({ hasText: 'stopped from the workbench' });
      await row.getByText('trl on Ray').waitFor({ timeout: 60_000 });
      await row.getByRole('link', { name: 'stopped from the workbench' }).click();
      await page.getByText(/Ray says RUNNING/).waitFor({ timeout: 180_000 });
      // Steps arrive without a reload.
      await page
        .locator('.progress-text strong')
        .filter({ hasText: /^([2-9]|\d\d+) \/ 2000$/ })
        .waitFor({ timeout: 120_000 });
      await page.getByRole('button', { name: "Show the job's log" }).click();
      await page
        .getByLabel("The end of the job's log")
        .getByText(/\[cliplab-probe\] \{"step"/)
        .first()
        .waitFor();
      await saveScreenshot(page, 'remote-run-live');

      await page.getByRole('button', { name: 'Stop job' }).click();
      await page.locator('.facts .badge.cancelled').waitFor({ timeout: 120_000 });
      expect(await page.getByRole('button', { name: 'Stop job' }).count()).toBe(0);
      const lab = createLab({ dbPath: db });
      try {
        const ended = remoteRun(lab, id);
        expect(ended.status).toBe('cancelled');
        expect(ended.remote.jobStatus).toBe('STOPPED');
        expect(ended.step).toBeGreaterThanOrEqual(2);
        expect(ended.step).toBeLessThan(steps);
      } finally {
        await lab.close();
      }
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
      await serve.stop();
    }
  }, 420_000);

  it('from a terminal, through an auth proxy: a failing job ends failed naming its cause; cancel stops a job', async () => {
    const db = path.join(dir, 'control.db');
    const cli = cliOn(db);
    const preset = ['--preset', 'gpt-random-sym'];
    // This dashboard is behind an auth proxy: without its token, a clear refusal and no run.
    const token = 'tok-7d1e0c5a';
    const proxy = await startAuthProxy(head.dashboardPort, token);
    const guarded = `ray://127.0.0.1:${proxy.port}`;
    const missing = path.join(dir, 'no-such-model');
    const bad = [...cliJob(guarded, missing), ...preset, '--name', 'missing model', '--db', db];
    try {
      const refused = await runCli(['submit', ...bad]);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/GET \/api\/version failed with HTTP 401: .*CLIPLAB_RAY_HEADERS/);

      // With it, a model path that is not on the cluster: the job fails in its first second and says why.
      const auth = { CLIPLAB_RAY_HEADERS: JSON.stringify({ Authorization: `Bearer ${token}` }) };
      const failed = await runCli(['submit', ...bad], auth);
      expect(failed.code).toBe(1);
      const cause = `--model ${missing}: not a folder`;
      expect(failed.stderr).toContain(`run 1 failed: missing model (Ray job cliplab-1-`);
      expect(failed.stderr).toContain(`- Ray: Job entrypoint command failed with exit code 1; its log ends: ${cause}`);
      const logs = await runCli(['logs', '1', '--lines', '3', '--db', db], auth);
      expect(logs.code).toBe(0);
      expect(logs.stdout).toContain(cause);
      expect(proxy.counts()).toMatchObject({ refused: 1 }); // every call with the token went through
      expect(`${refused.stderr}${failed.stderr}${failed.stdout}${logs.stdout}`).not.toContain(token);
    } finally {
      await proxy.close();
    }

    const long = tinySets(2000).flatMap((s) => ['--set', s]);
    const detached = await cli('submit', ...cliJob(head.address), ...preset, ...long, '--name', 'long', '--detach');
    expect(detached.code).toBe(0);
    const cancelled = await cli('cancel', '2', '--json');
    expect(cancelled.code).toBe(0);
    expect(cancelled.stderr).toMatch(/stop sent to ray:\/\/127\.0\.0\.1:\d+ \(job cliplab-2-[0-9a-f]{8}\)/);
    expect(JSON.parse(cancelled.stdout)).toMatchObject({ status: 'cancelled', remote: { jobStatus: 'STOPPED' } });
    const again = await cli('cancel', '2');
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/run 2 is cancelled; only queued or running remote runs can be stopped/);
  }, 300_000);

  it('cliplab sweep --to runs a 2 x 2 TRL grid: four remote runs, live, each with its clip balance', async () => {
    const db = path.join(dir, 'sweep.db');
    const args = [
      path.join(root, 'bin', 'cliplab.js'),
      'sweep',
      ...cliJob(head.address),
      '--preset',
      'gpt-random-sym',
      ...tinySets(12).flatMap((set) => ['--set', set]),
      '--grid',
      'objective.clipLow=0.1,0.2',
      '--grid',
      'objective.clipHigh=0.2,0.28',
      '--json',
      '--db',
      db,
    ];
    const child = spawn(process.execPath, args, { env: { ...process.env, CLIPLAB_DB: '' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c));
    child.stderr.on('data', (c: Buffer) => (stderr += c));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));

    // Watching as the app would, from another lab on the same database.
    const app = await until(
      'the database to exist',
      () => {
        try {
          return createLab({ dbPath: db });
        } catch {
          return null;
        }
      },
      60_000,
    );
    try {
      const runs = await until('four remote runs in Runs', () => {
        const listed = app.context.store.listRuns().map((r) => readRun(app.context, r.id));
        return listed.length === 4 ? listed : null;
      });
      expect(runs.every((r) => r.origin === 'remote')).toBe(true);
      await until('a run with live metrics', () =>
        app.context.store.listRuns().some((r) => r.status === 'running' && r.lastStep !== null && r.lastStep >= 1),
      );
      expect(await exited).toBe(0);
    } finally {
      await app.close();
    }
    const out = JSON.parse(stdout) as { runs: { run: RemoteRun }[] };
    expect(out.runs.map((r) => r.run.status)).toEqual(['completed', 'completed', 'completed', 'completed']);
    const clip = out.runs.map((r) => [r.run.config.objective.clipLow, r.run.config.objective.clipHigh]);
    expect(clip).toEqual([
      [0.1, 0.2],
      [0.1, 0.28],
      [0.2, 0.2],
      [0.2, 0.28],
    ]);
    expect(new Set(out.runs.map((r) => r.run.remote.jobId)).size).toBe(4);
    const lab = createLab({ dbPath: db });
    try {
      const diagnoses = await dispatch(lab, 'diagnostics.run', { ids: out.runs.map((r) => r.run.id) });
      diagnoses.forEach((d, i) => {
        expect(d.run.origin).toBe('remote');
        expect(d.clip.lowFrac).not.toBeNull();
        expect(d.clip.highFrac).not.toBeNull();
        expect([d.settings.clipLow, d.settings.clipHigh]).toEqual(clip[i]);
        expect(lab.context.store.metricKeys(d.run.id!).find((k) => k.key === 'clip/low_frac')?.count).toBe(12);
      });
    } finally {
      await lab.close();
    }
    expect(stderr).toMatch(/submitted runs 1, 2, 3, 4/);
  }, 480_000);
});

if (!canRun) console.log(`remote Ray tests skipped: ${python ? 'they need Linux (/proc)' : pythonMissing}`);
