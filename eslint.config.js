// Lint rules, including the dependency directions of design.md:
//   shell, server, cli -> lab -> engine, store; everything may import contract;
//   only shell imports electron, only store imports better-sqlite3;
//   the renderer imports nothing from src-main but contract;
//   and no file reaches itself through its imports (scripts/eslint/no-import-cycle.js).
import js from '@eslint/js';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import ts from 'typescript-eslint';
import noImportCycle from './scripts/eslint/no-import-cycle.js';

const nodeBuiltins = { group: ['node:*'], message: 'This code also runs in the browser: no Node built-ins.' };
const electron = { name: 'electron', message: 'Only src-main/shell may import electron.' };
const sqlite = { name: 'better-sqlite3', message: 'Only src-main/store may import better-sqlite3.' };
const layer = (names, why) => ({
  group: names.map((n) => `**/${n}/**`).concat(names.map((n) => `**/${n}`)),
  message: why,
});

function restrict(paths, patterns) {
  return { 'no-restricted-imports': ['error', { paths, patterns }] };
}

export default ts.config(
  {
    ignores: [
      'out/**',
      'node_modules/**',
      '.venv/**',
      '.models/**',
      'python/**/build/**',
      'docs/**',
      '.vendor/**',
      'test/screenshots/**',
      'resources/**',
    ],
  },
  js.configs.recommended,
  ...ts.configs.recommended,
  ...svelte.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: { parserOptions: { parser: ts.parser, extraFileExtensions: ['.svelte'] } },
  },
  {
    files: ['src-main/**/*.ts', 'src-renderer/**/*.{ts,svelte}'],
    plugins: { cliplab: { rules: { 'no-import-cycle': noImportCycle } } },
    rules: { 'cliplab/no-import-cycle': ['error', { roots: ['src-main', 'src-renderer'] }] },
  },
  {
    files: ['src-renderer/**'],
    languageOptions: { globals: { ...globals.browser } },
    rules: restrict(
      [electron, sqlite],
      [
        nodeBuiltins,
        layer(
          ['engine', 'store', 'lab', 'server', 'shell', 'cli'],
          'The renderer talks to lab through the API; it imports only src-main/contract.',
        ),
      ],
    ),
  },
  {
    files: ['src-main/contract/**'],
    rules: restrict(
      [electron, sqlite],
      [
        nodeBuiltins,
        layer(
          ['engine', 'store', 'lab', 'server', 'shell', 'cli', 'src-renderer'],
          'contract is shared with the renderer: it imports nothing else.',
        ),
      ],
    ),
  },
  {
    files: ['src-main/engine/**'],
    rules: restrict(
      [electron, sqlite],
      [
        layer(
          ['store', 'lab', 'server', 'shell', 'cli'],
          'engine is pure training code: it knows nothing of storage, IPC or the UI.',
        ),
      ],
    ),
  },
  {
    files: ['src-main/store/**'],
    rules: restrict([electron], [layer(['engine', 'lab', 'server', 'shell', 'cli'], 'store sits below lab.')]),
  },
  {
    files: ['src-main/lab/**'],
    rules: restrict([electron, sqlite], [layer(['server', 'shell', 'cli'], 'lab sits below the transports.')]),
  },
  {
    files: ['src-main/server/**', 'src-main/cli/**'],
    rules: restrict([electron, sqlite], [layer(['shell'], 'Only the Electron shell may depend on shell.')]),
  },
  {
    files: ['src-main/shell/**'],
    rules: restrict([sqlite], []),
  },
  {
    // Tests of the shell mock electron; nothing else outside src-main/shell may use it.
    files: ['test/**', 'bench/**', 'scripts/**', '*.{js,mjs,ts}'],
    ignores: ['test/shell/**'],
    rules: restrict([electron], []),
  },
  {
    files: ['test/**', 'bench/**', 'scripts/**'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
);
