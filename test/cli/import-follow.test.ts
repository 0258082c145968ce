/**
 * `cliplab import FILE --follow` as a real process, on a temporary database: it follows a log this
 * test appends to, Ctrl-C (SIGINT) completes the run, and after a SIGKILL the next lab to open the
 * database marks the run interrupted, since the process that owned it is gone.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLab, readRun } from '../../src-main/lab';
import { openStore } from '../../src-main/store';
import { fileTempDir } from '../support/temp';

const root = path.resolve(import.meta.dirname, '../..');
const dir = fileTempDir();

interface CliProcess {
  child: ChildProcess;
  output(): { stdout: string; stderr: string };
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const started: CliProcess[] = [];
afterEach(async () => {
  for (const p of started.splice(0)) {
    if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
    await p.exited;
  }
});

/** The CLI from source (through tsx), so the test runs the code in this tree whether or not it was built. */
function startCli(args: string[]): CliProcess {
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  const child = spawn(process.execPath, ['--import', tsx, path.join(root, 'src-main', 'cli', 'main.ts'), ...args], {
    cwd: dir,
    env: { ...process.env, CLIPLAB_DB: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const p = { child, output: () => ({ stdout, stderr }), exited };
  started.push(p);
  return p;
}

const line = (step: number, entropy: number) =>
  `${JSON.stringify({ step, data: { 'actor/entropy': entropy, 'actor/pg_clipfrac': entropy / 10 } })}\n`;

/** Waits until the process has printed `pattern` on stderr; returns the match. */
async function stderrMatch(p: CliProcess, pattern: RegExp): Promise<RegExpExecArray> {
  return vi.waitFor(
    () => {
      const match = pattern.exec(p.output().stderr);
      if (!match) throw new Error(`no ${pattern} yet in:\n${p.output().stderr}`);
      return match;
    },
    { timeout: 60_000, interval: 50 },
  );
}

async function followed(name: string): Promise<{ cli: CliProcess; db: string; file: string; runId: number }> {
  const db = path.join(dir, `${name}.db`);
  const file = path.join(dir, `${name}.jsonl`);
  fs.writeFileSync(file, line(1, 0.9));
  const cli = startCli(['import', file, '--follow', '--interval', '50', '--db', db]);
  const runId = Number((await stderrMatch(cli, /into run (\d+)/))[1]);
  await stderrMatch(cli, /step 1: \+\d+ points/);
  return { cli, db, file, runId };
}

describe('cliplab import --follow (a real process)', () => {
  it('follows the lines appended to the log; Ctrl-C completes the run', async () => {
    const { cli, db, file, runId } = await followed('sigint');
    const store = openStore(db);
    try {
      expect(store.getRun(runId)).toMatchObject({ status: 'running', origin: 'imported', workerPid: cli.child.pid });
      fs.appendFileSync(file, line(2, 0.8) + line(3, 0.7));
      await stderrMatch(cli, /step 3: \+\d+ points/);
      cli.child.kill('SIGINT');
      expect(await cli.exited).toEqual({ code: 0, signal: null });
      expect(cli.output().stdout).toMatch(`run ${runId} "sigint": completed, last step 3`);
      expect(store.getRun(runId)).toMatchObject({ status: 'completed', workerPid: null, error: null });
      expect(store.series(runId, ['entropy'])[0]).toMatchObject({ steps: [1, 2, 3], values: [0.9, 0.8, 0.7] });
    } finally {
      store.close();
    }
  });

  it('leaves a run the next lab marks interrupted when the process is killed', async () => {
    const { cli, db, runId } = await followed('sigkill');
    cli.child.kill('SIGKILL');
    expect((await cli.exited).signal).toBe('SIGKILL');
    const lab = createLab({ dbPath: db });
    try {
      const run = readRun(lab.context, runId);
      expect(run.status).toBe('interrupted');
      expect(run.error).toMatch(`the cliplab process following it (pid ${cli.child.pid}) is gone`);
      expect(run.error).toMatch(/stopped after step 1/);
    } finally {
      await lab.close();
    }
  });
});
