/**
 * Tiny Hugging Face checkpoints made at test time by transformers, and the reference's answers
 * about them, through one long-lived Python process per test file (test/reference/hf_reference.py
 * `serve`): importing torch and transformers costs seconds, a request milliseconds.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { python } from '../../support/python';

const SCRIPT = path.resolve(import.meta.dirname, '..', '..', 'reference', 'hf_reference.py');

export const ARCHS = ['llama', 'llama3', 'qwen2', 'qwen3', 'mistral', 'gpt2'] as const;
export type Arch = (typeof ARCHS)[number];

export interface MakeOptions {
  dtype?: 'float32' | 'bfloat16' | 'float16';
  shard?: boolean;
  seed?: number;
}

/** A fresh temporary folder, removed by the returned function. */
export function tempDir(prefix = 'cliplab-hf-'): { dir: string; remove: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** How long torch and transformers may take to import on a busy machine. */
const START_TIMEOUT_MS = 240_000;

export class Reference {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly waiting: ((line: string) => void)[] = [];
  private stderr = '';
  /** Resolves once the script has imported its libraries (its first line). */
  private readonly ready: Promise<void>;

  /**
   * A started reference process, ready for requests (call in beforeAll with START_TIMEOUT_MS);
   * `script` is another test/reference script with the same `serve` protocol.
   */
  static async start(script = SCRIPT): Promise<Reference> {
    const ref = new Reference(script);
    await ref.ready;
    return ref;
  }

  private constructor(script: string) {
    if (!python) throw new Error('no Python environment');
    this.child = spawn(python, [script, 'serve'], {
      env: {
        ...process.env,
        HF_HUB_OFFLINE: '1',
        TRANSFORMERS_OFFLINE: '1',
        TRANSFORMERS_VERBOSITY: 'error',
        HF_HUB_DISABLE_PROGRESS_BARS: '1',
        TOKENIZERS_PARALLELISM: 'false',
      },
    });
    this.child.stderr.on('data', (d) => (this.stderr = (this.stderr + String(d)).slice(-4000)));
    createInterface({ input: this.child.stdout }).on('line', (line) => this.waiting.shift()?.(line));
    this.child.on('exit', (code) => {
      for (const w of this.waiting.splice(0))
        w(JSON.stringify({ error: `reference exited (${code}): ${this.stderr}` }));
    });
    this.ready = new Promise((resolve, reject) =>
      this.waiting.push((line) => (JSON.parse(line).ready ? resolve() : reject(new Error(line)))),
    );
  }

  request<T>(cmd: string, args: Record<string, unknown>): Promise<T> {
    return new Promise((resolve, reject) => {
      this.waiting.push((line) => {
        const answer = JSON.parse(line);
        if (answer && typeof answer === 'object' && 'error' in answer) reject(new Error(String(answer.error)));
        else resolve(answer as T);
      });
      this.child.stdin.write(JSON.stringify({ cmd, ...args }) + '\n');
    });
  }

  /** Writes a tiny random checkpoint of `arch` into `parent/<name>` and returns its folder. */
  async make(parent: string, arch: Arch, opts: MakeOptions = {}, name: string = arch): Promise<string> {
    const out = path.join(parent, name);
    fs.mkdirSync(out, { recursive: true });
    await this.request('make', { arch, out, ...opts });
    return out;
  }

  close(): void {
    this.child.stdin.end();
  }
}

export { START_TIMEOUT_MS };

/** Why the reference checks skip, for the test title; empty when they run. */
export const skipReason = python ? '' : ' (skipped: no Python environment; run `npm run setup:python`)';
