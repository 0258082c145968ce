/**
 * The PyTorch peer of the GPT benchmark (issue 20), measured the way users run PyTorch and reported
 * with what it really ran on: the BLAS behind torch's matmul (torch's build config, or the library
 * it loaded), its threads (torch and threadpoolctl), and its own 512^3 matmul rate. Peers: the
 * repository's .venv (PyTorch from PyPI, as `pip install torch` gives it) and Debian's python3-torch
 * when installed, each as installed: no library path is bent to give it a better BLAS. A ratio is
 * printed only for a peer on an optimised BLAS at the thread count compared; a reference BLAS is
 * named as such and left uncompared (it makes PyTorch ~10x slower, which no user would benchmark).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Timing } from './gpt-timing';

interface Peer {
  label: string;
  python: string;
}

interface PeerRun extends Timing {
  torch: string;
  blas: { name: string; kind: string; source: string | null; blas_info: string | null };
  optimised_blas: boolean;
  threads: number;
  pools: { api: string; threads: number; path: string }[];
  gflops: number;
}

export interface PeerModel {
  vocab: number;
  context: number;
  d: number;
  heads: number;
  layers: number;
  outputs: number;
  rows: number;
  positions: number;
  predicted: number;
  reps: number;
}

const fmt = (x: number, digits = 1) => x.toFixed(digits);
const root = path.join(import.meta.dirname, '..');
const THREAD_VARS = ['OMP_NUM_THREADS', 'MKL_NUM_THREADS', 'OPENBLAS_NUM_THREADS', 'BLIS_NUM_THREADS'];

/** The Python interpreters with a PyTorch to compare against. */
function peers(): Peer[] {
  const venv = path.join(process.env.CLIPLAB_VENV ?? path.join(root, '.venv'), 'bin', 'python');
  const list: Peer[] = [
    { label: 'PyTorch from PyPI (the repository .venv)', python: venv },
    { label: "Debian's python3-torch (/usr/bin/python3)", python: '/usr/bin/python3' },
  ];
  return list.filter((p) => fs.existsSync(p.python) && spawnSync(p.python, ['-c', 'import torch']).status === 0);
}

/** One peer run; `threads` null leaves every thread setting at the user's default. */
function runPeer(peer: Peer, model: PeerModel, threads: number | null): PeerRun {
  const env = { ...process.env };
  for (const v of THREAD_VARS) delete env[v];
  if (threads !== null) for (const v of THREAD_VARS) env[v] = String(threads);
  const script = path.join(import.meta.dirname, 'gpt_torch.py');
  const out = spawnSync(peer.python, [script, JSON.stringify({ ...model, threads })], { encoding: 'utf8', env });
  if (out.status !== 0) throw new Error(`PyTorch benchmark (${peer.python}) failed: ${out.stderr}`);
  return JSON.parse(out.stdout.trim().split('\n').pop()!) as PeerRun;
}

const ms = (t: Timing) => `${fmt(t.min)} ms (median ${fmt(t.median)})`;

/** Thread pools torch runs on, and others loaded beside it (numpy's OpenBLAS) marked as not torch's. */
function poolsLine(run: PeerRun): string {
  const pools = run.pools.map((p) => {
    const notTorch = /numpy|scipy/.test(p.path) ? ", numpy's, unused by torch" : '';
    return `${p.api} ${p.threads} thread${p.threads === 1 ? '' : 's'}${notTorch}`;
  });
  return pools.length ? `; thread pools: ${pools.join(', ')}` : '; threadpoolctl not installed';
}

/**
 * Prints every peer against cliplab's single-thread update `ours`, and against cliplab's median
 * update at more threads where measured (`oursAt`: thread count -> median ms, from gpt-threads.ts).
 */
export function benchTorchPeers(model: PeerModel, ours: Timing, oursAt: ReadonlyMap<number, number> = new Map()): void {
  const found = peers();
  if (found.length === 0) {
    console.log('  skipped: no PyTorch found (npm run setup:python makes .venv; or apt-get install python3-torch)');
    return;
  }
  for (const peer of found) {
    const one = runPeer(peer, model, 1);
    const usual = runPeer(peer, model, null);
    const source = one.blas.source ? `, ${one.blas.source}` : '';
    console.log(`  ${peer.label}: torch ${one.torch}, BLAS ${one.blas.name}${source}`);
    console.log(`    its 512^3 matmul on 1 thread: ${fmt(one.gflops)} GFLOP/s`);
    console.log(`    1 thread (torch reports ${one.threads}${poolsLine(one)}): ${ms(one)}`);
    console.log(`    its default, ${usual.threads} threads: ${ms(usual)}`);
    if (!one.optimised_blas) {
      console.log(`    not compared: ${one.blas.name} is not a BLAS anyone runs PyTorch on`);
      console.log('    (on Debian, apt-get install libopenblas0-pthread makes OpenBLAS the system BLAS)');
    } else if (one.threads !== 1) {
      console.log(`    not compared: asked for 1 thread, torch ran ${one.threads}`);
    } else {
      console.log(`    cliplab (1 thread) / PyTorch (1 thread) = ${fmt(ours.min / one.min, 2)}x`);
      for (const [n, median] of oursAt) {
        if (n === 1) continue;
        const peerAt = runPeer(peer, model, n);
        if (peerAt.threads !== n) {
          console.log(`    ${n} threads: not compared, torch ran ${peerAt.threads}`);
          continue;
        }
        console.log(
          `    ${n} threads: PyTorch ${ms(peerAt)}; cliplab (${n} threads, median ${fmt(median)} ms) / PyTorch ` +
            `(${n} threads, median) = ${fmt(median / peerAt.median, 2)}x`,
        );
      }
    }
  }
}
