#!/usr/bin/env node
// `npm test`'s Python part: pytest over every package under python/ and test/python, inside the
// repository's environment (scripts/setup-python.sh). Without that environment it says so and
// exits 0, so `npm test` still passes on a machine without Python; CI always sets it up.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const venv = process.env.CLIPLAB_VENV ?? join(root, '.venv');
const python = join(venv, 'bin', 'python');

if (!existsSync(python)) {
  console.log('Python tests skipped: no Python environment (run `npm run setup:python` to create .venv).');
  process.exit(0);
}

const targets = [];
const packages = join(root, 'python');
for (const name of existsSync(packages) ? readdirSync(packages) : []) {
  if (existsSync(join(packages, name, 'tests'))) targets.push(join('python', name, 'tests'));
}
if (existsSync(join(root, 'test', 'python'))) targets.push(join('test', 'python'));
if (targets.length === 0) {
  console.log('Python tests: none found.');
  process.exit(0);
}

const env = {
  ...process.env,
  HF_HUB_OFFLINE: '1',
  TRANSFORMERS_OFFLINE: '1',
  HF_DATASETS_OFFLINE: '1',
  WANDB_MODE: 'offline',
  TOKENIZERS_PARALLELISM: 'false',
};
const result = spawnSync(python, ['-m', 'pytest', '-q', ...targets, ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
  env,
});
process.exit(result.status ?? 1);
