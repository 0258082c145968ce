/**
 * `kill` of `cliplab train` or `cliplab sweep` (SIGTERM) is handled like Ctrl-C: the workers stop
 * after their step in flight, the runs are left interrupted (resumable), the command exits 143, and
 * no process it started is left training on its own.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../src-main/store';
import { waitFor } from '../lab/runner/helpers';
import { tempDir } from '../support/temp';

const BIN = path.join(import.meta.dirname, '..', '..', 'bin', 'cliplab.js');
const TINY = ['--preset', 'tabular-random-sym', '--set', 'task.prompts=16', '--set', 'rollout.prompts=8'];
const LONG = [...TINY, '--set', 'eval.every=50', '--set', 'backend=cpu', '--set', 'steps=2000'];

/** Processes below `root` (children, grandchildren), from /proc. */
function descendants(root: number): number[] {
  const parentOf = new Map<number, number>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      parentOf.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // ended while listing
    }
  }
  const found: number[] = [];
  for (let frontier = [root]; frontier.length > 0;) {
    frontier = [...parentOf].filter(([, parent]) => frontier.includes(parent)).map(([pid]) => pid);
    found.push(...frontier);
  }
  return found;
}

/** Alive and not a zombie waiting to be reaped. */
function running(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !['Z', 'X'].includes(stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3));
  } catch {
    return false;
  }
}

function start(args: string[]): { child: ChildProcess; ended: Promise<{ code: number | null; stderr: string }> } {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  child.stdout!.resume();
  const ended = new Promise<{ code: number | null; stderr: string }>((resolve) =>
    child.on('close', (code) => resolve({ code, stderr })),
  );
  return { child, ended };
}

/** Waits until every run in `ids` has stored a step. */
function trainingStarted(db: string, ids: number[]) {
  return waitFor(`a stored step of runs ${ids.join(', ')}`, () => {
    if (!fs.existsSync(db)) return undefined;
    const store = openStore(db);
    try {
      return ids.every((id) => (store.lastStep(id) ?? -1) >= 0) ? true : undefined;
    } finally {
      store.close();
    }
  });
}

function statuses(db: string, ids: number[]): string[] {
  const store = openStore(db);
  try {
    return ids.map((id) => store.getRun(id)!.status);
  } finally {
    store.close();
  }
}

describe.skipIf(!fs.existsSync('/proc/self/stat'))('SIGTERM stops train and sweep like Ctrl-C', () => {
  it('kill of cliplab train leaves no process behind', async () => {
    const db = path.join(tempDir(), 'lab.db');
    const { child, ended } = start(['train', ...LONG, '--db', db]);
    await trainingStarted(db, [1]);
    const workers = descendants(child.pid!);
    expect(workers.length).toBeGreaterThan(0);
    child.kill('SIGTERM');
    const { code, stderr } = await ended;
    expect(code, stderr).toBe(143);
    expect(stderr).toMatch(/SIGTERM: stopping run 1 after the step in flight/);
    expect(stderr).not.toContain('\u001b'); // stderr is a pipe here: plain lines, no escape codes
    await waitFor('the workers to be gone', () => (workers.some(running) ? undefined : true), 10_000);
    expect(statuses(db, [1])).toEqual(['interrupted']);
  });

  it('kill of cliplab sweep stops every worker, and leaves the runs resumable', async () => {
    const db = path.join(tempDir(), 'lab.db');
    const grid = ['--grid', 'objective.clipHigh=0.2,inf', '--parallel', '2'];
    const { child, ended } = start(['sweep', ...LONG, ...grid, '--db', db]);
    await trainingStarted(db, [1, 2]);
    const workers = descendants(child.pid!);
    expect(workers.length).toBeGreaterThanOrEqual(2);
    child.kill('SIGTERM');
    const { code, stderr } = await ended;
    expect(code, stderr).toBe(143);
    expect(stderr).toMatch(/SIGTERM: 0 waiting run\(s\) withdrawn/);
    await waitFor('the workers to be gone', () => (workers.some(running) ? undefined : true), 10_000);
    expect(statuses(db, [1, 2])).toEqual(['interrupted', 'interrupted']);
  });
});
