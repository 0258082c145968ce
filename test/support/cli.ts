/** The CLI run in-process (cli/program.ts `main`), with what it prints captured. */
import { PassThrough } from 'node:stream';
import type { CliIo } from '../../src-main/cli/command';
import { main } from '../../src-main/cli/program';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Streams a command writes to, and the text written so far. */
export function captureIo(env: NodeJS.ProcessEnv = {}): { io: CliIo; text(): { stdout: string; stderr: string } } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const chunks = { stdout: [] as Buffer[], stderr: [] as Buffer[] };
  stdout.on('data', (c: Buffer) => chunks.stdout.push(c));
  stderr.on('data', (c: Buffer) => chunks.stderr.push(c));
  return {
    io: { stdout, stderr, env },
    text: () => ({
      stdout: Buffer.concat(chunks.stdout).toString('utf8'),
      stderr: Buffer.concat(chunks.stderr).toString('utf8'),
    }),
  };
}

export async function runCli(argv: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  const captured = captureIo(env);
  const code = await main(argv, captured.io);
  return { code, ...captured.text() };
}

/** `runCli` with `--db` set to one database, for a file whose tests share it. */
export function cliOn(db: string): (...argv: string[]) => Promise<CliResult> {
  return (...argv) => runCli([...argv, '--db', db]);
}
