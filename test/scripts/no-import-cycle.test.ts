/**
 * The lint rule that keeps import cycles out (style.md: leaf type modules, so no two files import
 * each other): it fails on a cycle of any length, type-only imports and components included, names
 * the way round, and passes a tree whose shared types live in a leaf module.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ESLint } from 'eslint';
import svelte from 'eslint-plugin-svelte';
import ts from 'typescript-eslint';
import { describe, expect, it } from 'vitest';
import noImportCycle from '../../scripts/eslint/no-import-cycle.js';
import { tempDir } from '../support/temp';

/** Writes `files` under a new folder's src/ and lints them with only the cycle rule. */
async function lint(files: Record<string, string>): Promise<Record<string, string[]>> {
  const dir = tempDir();
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, 'src', name)), { recursive: true });
    fs.writeFileSync(path.join(dir, 'src', name), text);
  }
  const eslint = new ESLint({
    cwd: dir,
    overrideConfigFile: true,
    overrideConfig: [
      ...svelte.configs['flat/base'],
      { files: ['**/*.ts'], languageOptions: { parser: ts.parser } },
      { files: ['**/*.svelte'], languageOptions: { parserOptions: { parser: ts.parser } } },
      {
        files: ['**/*.ts', '**/*.svelte'],
        plugins: { cliplab: { rules: { 'no-import-cycle': noImportCycle } } },
        rules: { 'cliplab/no-import-cycle': ['error', { roots: ['src'] }] },
      },
    ],
  });
  const results = await eslint.lintFiles(['src']);
  return Object.fromEntries(
    results
      .filter((r) => r.messages.length > 0)
      .map((r) => [path.relative(dir, r.filePath), r.messages.map((m) => m.message)]),
  );
}

describe('no-import-cycle', () => {
  it('fails on two files that import each other, even for types only', async () => {
    const found = await lint({
      'api.ts': "import { httpTransport } from './http';\nexport interface Transport { kind: string }\n",
      'http.ts': "import type { Transport } from './api';\nexport const httpTransport = (t: Transport) => t;\n",
    });
    expect(found).toEqual({
      'src/api.ts': [expect.stringContaining('Import cycle: src/api.ts -> src/http.ts -> src/api.ts')],
      'src/http.ts': [expect.stringContaining('Import cycle: src/http.ts -> src/api.ts -> src/http.ts')],
    });
  });

  it('finds a longer cycle through a component, an index and a re-export', async () => {
    const found = await lint({
      'views/List.svelte': '<script lang="ts">\n  import { store } from \'../lib/store.svelte\';\n</script>\n{store}\n',
      'lib/store.svelte.ts': "export { helper as store } from './index';\n",
      'lib/index.ts': "export { default as List } from '../views/List.svelte';\nexport const helper = 1;\n",
    });
    expect(Object.keys(found).sort()).toEqual(['src/lib/index.ts', 'src/lib/store.svelte.ts', 'src/views/List.svelte']);
    expect(found['src/views/List.svelte'][0]).toContain(
      'src/views/List.svelte -> src/lib/store.svelte.ts -> src/lib/index.ts -> src/views/List.svelte',
    );
  });

  it('passes types kept in a leaf module, and a component that renders itself', async () => {
    const found = await lint({
      'transport.ts': 'export interface Transport { kind: string }\n',
      'api.ts':
        "import { httpTransport } from './http';\nimport type { Transport } from './transport';\nexport const t: Transport = httpTransport({ kind: 'http' });\n",
      'http.ts': "import type { Transport } from './transport';\nexport const httpTransport = (t: Transport) => t;\n",
      'Tree.svelte':
        '<script lang="ts">\n  import Tree from \'./Tree.svelte\';\n  let { depth }: { depth: number } = $props();\n</script>\n{#if depth > 0}<Tree depth={depth - 1} />{/if}\n',
    });
    expect(found).toEqual({});
  });
});
