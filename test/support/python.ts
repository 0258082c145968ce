/**
 * The repository's Python environment (scripts/setup-python.sh), for tests that check cliplab
 * against the libraries users trust (transformers, TRL, verl, ...). Tests that need it use
 * `describe.skipIf(!python)` with `pythonMissing` as the reason printed once.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..', '..');

/** The venv's interpreter (CLIPLAB_VENV overrides the folder), or null when it was never set up. */
export function pythonPath(): string | null {
  const venv = process.env.CLIPLAB_VENV ?? join(root, '.venv');
  const bin = join(venv, 'bin', 'python');
  return existsSync(bin) ? bin : null;
}

export const python = pythonPath();

export const pythonMissing = 'no Python environment: run `npm run setup:python` (the reference checks are skipped)';

/** Runs a Python script file with arguments; returns stdout. Throws with stderr on failure. */
export function runPython(
  script: string,
  args: readonly string[] = [],
  opts: { timeoutMs?: number; input?: string } = {},
): string {
  if (!python) throw new Error(pythonMissing);
  return execFileSync(python, [script, ...args], {
    encoding: 'utf8',
    timeout: opts.timeoutMs ?? 300_000,
    input: opts.input,
    maxBuffer: 256 * 1024 * 1024,
    env: {
      ...process.env,
      HF_HUB_OFFLINE: '1',
      TRANSFORMERS_OFFLINE: '1',
      HF_DATASETS_OFFLINE: '1',
      WANDB_MODE: 'offline',
      TOKENIZERS_PARALLELISM: 'false',
    },
  });
}
