/**
 * The interop fixtures made afresh by the real tools in .venv (scripts/fixtures/make_interop_fixtures.py:
 * wandb offline, mlflow, torch and tensorboardX writers, verl's Tracking, the Trainer's callbacks,
 * nbformat), then imported and compared with what the tools were given, so a new release of any of
 * them that changes what it writes shows up here. MLflow's database is kept whole (every table).
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { python, pythonMissing, runPython } from '../../support/python';
import { tempDir } from '../../support/temp';
import { checkFixture, loadExpected } from './interopFixtures';

const SCRIPT = path.join(import.meta.dirname, '..', '..', '..', 'scripts', 'fixtures', 'make_interop_fixtures.py');
/** Importing wandb, mlflow, torch, transformers and verl takes most of it; ~40 s on an idle machine. */
const TIMEOUT_MS = 600_000;

describe.skipIf(!python)(
  `fixtures regenerated with the real tools${python ? '' : ` (skipped: ${pythonMissing})`}`,
  () => {
    it(
      'import exactly as the tools were given them',
      async () => {
        const out = path.join(tempDir(), 'interop');
        runPython(SCRIPT, ['--out', out, '--full-mlflow-db'], { timeoutMs: TIMEOUT_MS });
        const expected = loadExpected(out);
        expect(Object.keys(expected).length).toBeGreaterThanOrEqual(11);
        for (const [id, fixture] of Object.entries(expected)) await checkFixture(out, id, fixture);
      },
      TIMEOUT_MS,
    );
  },
);
