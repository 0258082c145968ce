#!/usr/bin/env node
// `npm test`'s Python part, inside the repository's environment (scripts/setup-python.sh): ruff (lint
// and format) and mypy over each package under python/ that has a pyproject.toml (they are fast and
// need the environment, so they live here rather than in `npm run lint`), then pytest over every
// package's tests/ and test/python. Without the environment it says so and exits 0, so `npm test`
// still passes on a machine without Python; CI always sets it up.
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
const checked = [];
for (const name of existsSync(packages) ? readdirSync(packages) : []) {
  if (existsSync(join(packages, name, 'tests'))) targets.push(join('python', name, 'tests'));
  if (existsSync(join(packages, name, 'pyproject.toml'))) checked.push(join('python', name));
}

/** Runs a tool of the environment; exits with its status if it fails. */
function check(args) {
  const result = spawnSync(python, ['-m', ...args], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`Python check failed: python -m ${args.join(' ')}`);
    process.exit(result.status ?? 1);
  }
}

for (const dir of checked) {
  check(['ruff', 'check', dir]);
  check(['ruff', 'format', '--check', '--quiet', dir]);
  const config = join(dir, 'pyproject.toml');
  const modules = readdirSync(join(root, dir)).filter((f) => existsSync(join(root, dir, f, '__init__.py')));
  if (modules.length > 0) check(['mypy', '--config-file', config, ...modules.map((m) => join(dir, m))]);
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
