/**
 * Temporary folders for tests: every test that touches a database or a file makes its own under the
 * OS temp folder, and it is removed afterwards.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach } from 'vitest';

/** A new empty folder; the caller removes it with removeDir. */
export function makeTempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'cliplab-'));
}

export function removeDir(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}

const perTest: string[] = [];

afterEach(() => {
  for (const dir of perTest.splice(0)) removeDir(dir);
});

/** A folder removed after the current test. */
export function tempDir(): string {
  const dir = makeTempDir();
  perTest.push(dir);
  return dir;
}

/** A database path in a folder removed after the current test. */
export function tempDbPath(): string {
  return path.join(tempDir(), 'test.db');
}

/** A folder shared by a whole test file, removed after its last test: call it at the file's top level. */
export function fileTempDir(): string {
  const dir = makeTempDir();
  afterAll(() => removeDir(dir));
  return dir;
}
