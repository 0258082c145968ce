/** Runs `cliplab serve` as a real child process and reads the address it prints. */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '../..');
const URL_PATTERN = /http:\/\/127\.0\.0\.1:(\d+)\/\?token=([A-Za-z0-9_-]+)/;

export interface ServeProcess {
  url: string;
  port: number;
  token: string;
  child: ChildProcess;
  output(): { stdout: string; stderr: string };
  /** Sends SIGTERM and resolves with the exit code. */
  stop(): Promise<number | null>;
}

export function startServeProcess(args: string[], env: NodeJS.ProcessEnv = {}): Promise<ServeProcess> {
  const child = spawn(process.execPath, [path.join(root, 'bin', 'cliplab.js'), 'serve', ...args], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    return exited;
  };
  return new Promise((resolve, reject) => {
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = URL_PATTERN.exec(stdout);
      if (match) {
        resolve({
          url: match[0],
          port: Number(match[1]),
          token: match[2],
          child,
          output: () => ({ stdout, stderr }),
          stop,
        });
      }
    });
    void exited.then((code) =>
      reject(new Error(`cliplab serve exited (${code}) before printing its address:\n${stdout}\n${stderr}`)),
    );
  });
}
