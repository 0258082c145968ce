/**
 * The remote commands without a cluster: usage errors naming the option, plain HTTP off this machine
 * refused without consent, a dashboard that does not answer named and nothing created, a dry run that
 * shows the job (environment values hidden), and stopping a job that never reached its cluster.
 */
import { describe, expect, it } from 'vitest';
import { createLab, dispatch } from '../../src-main/lab';
import { runCli } from '../support/cli';
import { freePorts } from '../support/ray-head';
import { tempDbPath } from '../support/temp';

const base = ['--engine', 'trl', '--model', '/m', '--dataset', '/d.jsonl', '--preset', 'gpt-random-sym'];

describe('cliplab submit, sweep --to, watch, logs', () => {
  it('names the missing or wrong option', async () => {
    const db = tempDbPath();
    const cases: [string[], RegExp][] = [
      [['submit', ...base], /--to is required/],
      [['submit', '--to', 'ray://127.0.0.1:1', ...base.slice(2)], /--engine is required/],
      [
        ['submit', '--to', 'ray://127.0.0.1:1', ...base, '--engine', 'deepspeed'],
        /--engine: expected one of trl, verl/,
      ],
      [['submit', '--to', 'ray://127.0.0.1:1', ...base, '--gpus', '1.5'], /--gpus: expected an integer/],
      [
        ['submit', '--to', 'ray://127.0.0.1:1', ...base, '--env', 'NOT_SET_ANYWHERE_X'],
        /--env NOT_SET_ANYWHERE_X: not set/,
      ],
      [
        ['submit', '--to', 'ray://127.0.0.1:1', ...base, '--runtime-env', '[1]'],
        /--runtime-env: expected a JSON object/,
      ],
      [
        ['sweep', '--to', 'ray://127.0.0.1:1', ...base, '--grid', 'seed=1,2', '--control'],
        /--control: .* not with --to/,
      ],
      [
        ['sweep', '--to', 'ray://127.0.0.1:1', ...base, '--grid', 'seed=1,2', '--parallel', '2'],
        /--parallel: Ray schedules/,
      ],
      [
        ['sweep', '--to', 'ray://127.0.0.1:1', ...base, '--grid', 'seed=1,2', '--rerun'],
        /--rerun: a sweep --to a cluster submits every cell as a new job/,
      ],
    ];
    for (const [argv, message] of cases) {
      const r = await runCli([...argv, '--db', db]);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.stderr).toMatch(message);
    }
  });

  it('refuses plain HTTP to another machine without --insecure-http, before anything is stored', async () => {
    const db = tempDbPath();
    const r = await runCli(['submit', '--to', 'ray://10.255.255.1:8265', ...base, '--db', db]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/plain HTTP to another machine.*no authentication.*--insecure-http/s);
    const lab = createLab({ dbPath: db });
    expect(await dispatch(lab, 'runs.list', {})).toEqual([]);
    await lab.close();
  });

  it('names a dashboard that does not answer, and creates no run', async () => {
    const db = tempDbPath();
    const [port] = await freePorts(1);
    const r = await runCli(['submit', '--to', `ray://127.0.0.1:${port}`, ...base, '--db', db]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`ray://127.0.0.1:${port}: cannot reach Ray's dashboard (ECONNREFUSED)`);
    const lab = createLab({ dbPath: db });
    expect(await dispatch(lab, 'runs.list', {})).toEqual([]);
    await lab.close();
  });

  it('--dry-run prints the job as it would be submitted, with environment values hidden', async () => {
    const db = tempDbPath();
    const r = await runCli(
      ['submit', '--to', 'ray://127.0.0.1:1', ...base, '--env', 'HF_TOKEN', '--name', 'dry', '--dry-run', '--db', db],
      { HF_TOKEN: 'hf_abcdef' },
    );
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain('hf_abcdef');
    const plan = JSON.parse(r.stdout);
    expect(plan).toMatchObject({
      target: 'ray://127.0.0.1:1',
      engine: 'trl',
      channel: 'logs',
      runtimeEnv: { env_vars: { HF_TOKEN: '<hidden>', CLIPLAB_PROBE_NAME: 'dry', CLIPLAB_PROBE_STDOUT: '1' } },
    });
    expect(plan.entrypoint).toMatch(/^python -m cliplab_probe\.trl_entry --config /);
    const sweep = await runCli([
      'sweep',
      '--to',
      'ray://127.0.0.1:1',
      ...base,
      '--grid',
      'objective.clipLow=0.1,0.2',
      '--seeds',
      '2',
      '--dry-run',
      '--db',
      db,
    ]);
    expect(sweep.code).toBe(0);
    expect(JSON.parse(sweep.stdout)).toHaveLength(4);
  });

  it('watch has nothing to follow without remote runs; logs needs a remote run', async () => {
    const db = tempDbPath();
    const watch = await runCli(['watch', '--db', db]);
    expect(watch.code).toBe(0);
    expect(watch.stderr).toMatch(/no remote run is queued or running/);
    const lab = createLab({ dbPath: db });
    const { run } = await dispatch(lab, 'runs.start', { config: { name: 'local' } });
    await lab.close();
    const logs = await runCli(['logs', String(run.id), '--db', db]);
    expect(logs.code).toBe(1);
    expect(logs.stderr).toMatch(/is not a remote run/);
  });
});
