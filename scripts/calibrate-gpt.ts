/**
 * Runs GPT presets for several seeds through the lab's run queue (worker processes, at most
 * --parallel at once) and prints, per clip setting, start and final entropy (mean ± std), the entropy
 * trajectory, clip fractions, the clip-high/clip-low drift ratio and greedy accuracy, so the
 * presets' calibration (contract/presets.ts) can be checked against the paper's claims. Runs stay
 * in the database (base models too, so later calls reuse them).
 *
 *   npx tsx scripts/calibrate-gpt.ts [--family gpt-random] [--settings sym,no-clip] [--seeds 3]
 *                                    [--parallel 2] [--db FILE] [--set key=value]...
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { CLIP_SETTINGS } from '../src-main/contract';
import { createLab, type LabService } from '../src-main/lab';
import { finalLevel, fmt, randomRewardClaims, summarize, type GroupSummary } from './reproduce/summary';
import { groupSeries, startGroup, unfinished, waitForAll, type Group } from './reproduce/runs';

function options() {
  const { values } = parseArgs({
    options: {
      family: { type: 'string', default: 'gpt-random' },
      settings: { type: 'string' },
      seeds: { type: 'string', default: '3' },
      parallel: { type: 'string', default: '2' },
      db: { type: 'string' },
      set: { type: 'string', multiple: true, default: [] },
    },
  });
  const seeds = Number(values.seeds);
  if (!Number.isInteger(seeds) || seeds < 1) throw new Error(`--seeds: expected an integer >= 1, got ${values.seeds}`);
  const parallel = Number(values.parallel);
  if (!Number.isInteger(parallel) || parallel < 1) {
    throw new Error(`--parallel: expected an integer >= 1, got ${values.parallel}`);
  }
  const ids = values.settings?.split(',') ?? CLIP_SETTINGS.map((c) => c.id);
  const settings = ids.map((id) => {
    const found = CLIP_SETTINGS.find((c) => c.id === id);
    if (!found) throw new Error(`--settings: unknown "${id}"; expected some of ${CLIP_SETTINGS.map((c) => c.id)}`);
    return found;
  });
  const db = values.db ?? path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cliplab-calibrate-')), 'calibrate.db');
  return { family: values.family, settings, seeds, parallel, db, sets: ['backend=wasm', ...values.set] };
}

const pct = (x: number) => (100 * x).toFixed(2);

interface Measured {
  summary: GroupSummary;
  /** Each seed's final entropy. */
  finals: number[];
}

function row(id: string, { summary: g, finals }: Measured): string {
  const trajectory = g.trajectory.map((x) => x.toFixed(2)).join(' ');
  const acc = `${g.evalAccStart.mean.toFixed(2)}->${g.evalAccFinal.mean.toFixed(2)}`;
  return (
    `${id.padEnd(15)} start ${fmt(g.start)}  final ${fmt(g.final)} (${finals.map((f) => f.toFixed(2)).join(', ')})  change ${fmt(g.change)}  [${trajectory}]  ` +
    `clip low/high % ${pct(g.lowFrac.mean)}/${pct(g.highFrac.mean)}  high/low drift ${fmt(g.driftRatio, 2)}  ` +
    `eval/acc ${acc}`
  );
}

async function measure(lab: LabService, groups: readonly Group[]): Promise<Map<string, Measured>> {
  const out = new Map<string, Measured>();
  for (const g of groups) {
    const series = await groupSeries(lab, g);
    out.set(g.label, {
      summary: summarize(g.preset, g.label, series),
      finals: series.map((s) => finalLevel(s.entropy)),
    });
  }
  return out;
}

async function main(): Promise<void> {
  const opts = options();
  const started = performance.now();
  const lab = createLab({ dbPath: opts.db, training: { runQueue: true, maxConcurrent: opts.parallel } });
  process.stderr.write(`calibrate-gpt: database ${lab.dbPath}\n`);
  try {
    const groups: Group[] = [];
    for (const c of opts.settings) {
      groups.push(await startGroup(lab, `${opts.family}-${c.id}`, c.id, opts.sets, opts.seeds));
    }
    const ids = groups.flatMap((g) => g.ids);
    await waitForAll(lab, ids, 5000);
    const seconds = (performance.now() - started) / 1000;
    const measured = await measure(lab, groups);
    console.log(
      `${opts.family}; overrides: ${opts.sets.join(' ')}; ${opts.seeds} seeds; runs ${ids[0]}-${ids.at(-1)}; ` +
        `${(seconds / 60).toFixed(1)} min`,
    );
    for (const [id, m] of measured) console.log(row(id, m));
    const byId = new Map([...measured].map(([id, m]) => [id, m.summary]));
    for (const claim of randomRewardClaims(opts.family, byId)) {
      const verdict = `${claim.holds ? 'holds' : 'does not hold'}${claim.withinNoise ? ' (within noise)' : ''}`;
      console.log(`  ${verdict}: ${claim.text} (${claim.evidence})`);
    }
    const bad = unfinished(lab, ids);
    if (bad.length > 0) console.log(`not completed: ${bad.join('; ')}`);
  } finally {
    await lab.close();
  }
}

await main();
