/** A worker that has exited but not been reaped yet (a zombie) trains nothing: it counts as gone. */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isProcessAlive, processState } from '../../../src-main/lab/runner/liveness';
import { waitFor } from './helpers';

function childrenOf(pid: number): number[] {
  return fs
    .readdirSync('/proc')
    .filter((e) => /^\d+$/.test(e))
    .filter((e) => {
      try {
        const stat = fs.readFileSync(`/proc/${e}/stat`, 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid;
      } catch {
        return false;
      }
    })
    .map(Number);
}

describe.skipIf(!fs.existsSync('/proc/self/stat'))('worker liveness', () => {
  it('counts a running process as alive and a zombie as gone', async () => {
    // The subshell exits at once; its parent becomes `sleep` (exec), which never reaps it.
    const parent = spawn('sh', ['-c', '(exit 0) & exec sleep 30'], { stdio: 'ignore' });
    try {
      const zombie = await waitFor(
        'the zombie',
        () => {
          const z = childrenOf(parent.pid!).find((pid) => processState(pid) === 'Z');
          return z;
        },
        10_000,
      );
      expect(() => process.kill(zombie, 0)).not.toThrow(); // what the old check relied on
      expect(isProcessAlive(zombie)).toBe(false);
      expect(isProcessAlive(parent.pid!)).toBe(true);
      expect(processState(parent.pid!)).toMatch(/^[RSD]$/);
    } finally {
      parent.kill('SIGKILL');
    }
  });

  it('reads the state after the last parenthesis of the command name', () => {
    const root = fs.mkdtempSync('/tmp/cliplab-proc-');
    fs.mkdirSync(`${root}/${process.pid}`);
    fs.writeFileSync(`${root}/${process.pid}/stat`, `${process.pid} (evil) Z (x) R 1 2 3`);
    expect(processState(process.pid, root)).toBe('R');
    fs.writeFileSync(`${root}/${process.pid}/stat`, `${process.pid} (node) Z 1 2 3`);
    expect(isProcessAlive(process.pid, root)).toBe(false);
    fs.rmSync(root, { recursive: true });
  });
});
