/**
 * A real, small Ray head for the tests that submit jobs (issue 17): `ray start --head --block` from the
 * repository's Python environment, dashboard bound to 127.0.0.1, every port picked free (several
 * engineers or CI jobs may run heads on one machine), its own temp dir, 2 CPUs, a small object store,
 * no usage stats or metrics export.
 *
 * It is stopped by process id, never with `ray stop` (which kills every Ray process of the machine):
 * the head's whole process tree (raylet, GCS, dashboard, workers, job drivers) is collected from
 * /proc and sent SIGTERM, then SIGKILL; a process-exit guard does the same if the test process dies.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { parseRayAddress } from '../../src-main/lab/remote/address';
import { RayJobsClient } from '../../src-main/lab/remote/ray-client';
import { pythonPath } from './python';

export interface RayHead {
  /** The dashboard as cliplab takes it: ray://127.0.0.1:PORT. */
  address: string;
  dashboardPort: number;
  /** Seconds from `ray start` to a dashboard that ran a first job. */
  startSeconds: number;
  stop(): Promise<void>;
}

/** Free TCP ports on 127.0.0.1 (held open together, so they are distinct). */
export async function freePorts(n: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: n },
      () =>
        new Promise<net.Server>((resolve, reject) => {
          const s = net.createServer();
          s.once('error', reject);
          s.listen(0, '127.0.0.1', () => resolve(s));
        }),
    ),
  );
  const ports = servers.map((s) => (s.address() as net.AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  return ports;
}

/** The pids of a process and everything below it, from /proc (Linux). */
export function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // exited meanwhile
    }
    // pid (comm) state ppid ...: comm may hold spaces and parentheses, so read after the last ')'.
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
  }
  const tree: number[] = [];
  const walk = (pid: number) => {
    tree.push(pid);
    for (const child of children.get(pid) ?? []) walk(child);
  };
  walk(root);
  return tree;
}

function signal(pids: readonly number[], sig: NodeJS.Signals): void {
  for (const pid of pids) {
    try {
      process.kill(pid, sig);
    } catch {
      // already gone
    }
  }
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Kills the head's process tree: SIGTERM, then SIGKILL for what is left after `graceMs`. */
async function killTree(root: number, graceMs: number): Promise<void> {
  const tree = processTree(root);
  signal(tree, 'SIGTERM');
  for (const until = Date.now() + graceMs; Date.now() < until && tree.some(alive);) await sleep(200);
  signal(tree.filter(alive), 'SIGKILL');
}

function rayArgs(ports: number[], tempDir: string): string[] {
  const [gcs, dashboard, nodeManager, objectManager, client, metrics, agentHttp, agentGrpc, runtimeEnv] = ports;
  return [
    'start',
    '--head',
    '--block',
    '--node-ip-address=127.0.0.1',
    `--port=${gcs}`,
    '--include-dashboard=true',
    '--dashboard-host=127.0.0.1',
    `--dashboard-port=${dashboard}`,
    `--node-manager-port=${nodeManager}`,
    `--object-manager-port=${objectManager}`,
    `--ray-client-server-port=${client}`,
    `--metrics-export-port=${metrics}`,
    `--dashboard-agent-listen-port=${agentHttp}`,
    `--dashboard-agent-grpc-port=${agentGrpc}`,
    `--runtime-env-agent-port=${runtimeEnv}`,
    '--num-cpus=2',
    '--num-gpus=0',
    `--object-store-memory=${96 * 1024 * 1024}`,
    '--disable-usage-stats',
    `--temp-dir=${tempDir}`,
  ];
}

/**
 * Starts a head and waits until its dashboard has run a first job (the job agent is up and a
 * worker started), so the tests' own jobs do not pay for that. Throws with the head's output if it
 * does not come up within `timeoutMs`.
 */
export async function startRayHead(timeoutMs = 180_000): Promise<RayHead> {
  const python = pythonPath();
  if (!python) throw new Error('no Python environment: run `npm run setup:python`');
  const ray = path.join(path.dirname(python), 'ray');
  // Short: Ray's unix socket paths live under it and must stay within 107 bytes.
  const tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'clray-'));
  const ports = await freePorts(9);
  const started = Date.now();
  const output: string[] = [];
  const child: ChildProcess = spawn(ray, rayArgs(ports, tempDir), {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, RAY_USAGE_STATS_ENABLED: '0', RAY_enable_metrics_collection: '0' },
  });
  child.stdout?.on('data', (c: Buffer) => output.push(c.toString()));
  child.stderr?.on('data', (c: Buffer) => output.push(c.toString()));
  const pid = child.pid!;
  const guard = () => signal(processTree(pid), 'SIGKILL');
  process.on('exit', guard);
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await killTree(pid, 10_000);
    process.off('exit', guard);
    fs.rmSync(tempDir, { recursive: true, force: true });
  };
  try {
    await firstJob(ports[1], started + timeoutMs, child);
  } catch (err) {
    await stop();
    throw new Error(`${(err as Error).message}\n--- ray start output ---\n${output.join('').slice(-4000)}`, {
      cause: err,
    });
  }
  return {
    address: `ray://127.0.0.1:${ports[1]}`,
    dashboardPort: ports[1],
    startSeconds: (Date.now() - started) / 1000,
    stop,
  };
}

async function firstJob(port: number, deadline: number, child: ChildProcess): Promise<void> {
  const client = new RayJobsClient(parseRayAddress(`ray://127.0.0.1:${port}`), { timeoutMs: 5000 });
  const id = 'cliplab-test-warmup';
  let submitted = false;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`ray start exited with code ${child.exitCode}`);
    try {
      if (!submitted) {
        await client.version();
        await client.submitJob({ entrypoint: 'true', submission_id: id });
      }
      submitted = true;
      if ((await client.getJobStatus(id)) === 'SUCCEEDED') return;
    } catch (err) {
      // Not up yet; or the answer to a submission that did go through was lost (slow machine).
      if (/already exists/.test(String(err))) submitted = true;
    }
    await sleep(500);
  }
  throw new Error('the Ray head did not run a first job in time');
}
