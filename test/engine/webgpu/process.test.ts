/**
 * Whole processes (issue 9): one that trained on webgpu exits on its own, and one whose Vulkan has
 * no driver neither crashes nor hangs: a named webgpu fails with a clear error, auto falls through.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot, skipWithoutSoftwareAdapter, softwareAdapterEnv } from './software-adapter';

const session = path.join(import.meta.dirname, 'child', 'session.ts');
const runtimeDir = mkdtempSync(path.join(os.tmpdir(), 'cliplab-xdg-'));
afterAll(() => rmSync(runtimeDir, { recursive: true, force: true }));

/** Runs session.ts in a fresh Node with `env` added; a process that never exits is killed and fails. */
function runSession(mode: string, env: Record<string, string>) {
  const child = spawnSync(process.execPath, ['--import', 'tsx', session, mode], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout: 120_000,
  });
  const line = child.stdout.split('\n').find((l) => l.startsWith('RESULT '));
  return {
    status: child.status,
    signal: child.signal,
    stderr: child.stderr,
    result: line && JSON.parse(line.slice(7)),
  };
}

describe.skipIf(skipWithoutSoftwareAdapter('webgpu process'))('a process on webgpu', () => {
  it('trains on the software adapter, frees every tensor and exits by itself', () => {
    const run = runSession('train', softwareAdapterEnv(runtimeDir));
    expect(run.signal, run.stderr).toBeNull();
    expect(run.status, run.stderr).toBe(0);
    expect(run.result).toMatchObject({ backend: 'webgpu', adapter: { type: 'software' }, tensors: 0 });
    expect(Number.isFinite(run.result.loss)).toBe(true);
  });
});

// An ICD list naming no driver leaves Vulkan, Dawn's only default backend on Linux, with nothing.
describe.runIf(process.platform === 'linux')('a process without a WebGPU adapter', () => {
  it('reports why, refuses a named webgpu, lets auto fall through, and exits', () => {
    const noDriver = path.join(runtimeDir, 'no-such-icd.json');
    const run = runSession('no-adapter', softwareAdapterEnv(runtimeDir, noDriver));
    expect(run.signal, run.stderr).toBeNull();
    expect(run.status, run.stderr).toBe(0);
    expect(run.result.probe).toMatchObject({ ok: false, reason: expect.stringMatching(/no WebGPU adapter/) });
    expect(run.result.named).toMatch(/^error: backend "webgpu" is not available/);
    expect(run.result.load).toBeNull();
    expect(['tensorflow', 'wasm', 'cpu']).toContain(run.result.auto);
  });
});
