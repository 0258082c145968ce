/**
 * Runs the tabular random-reward presets for several seeds and prints start and final entropy per
 * preset, so the presets' calibration (contract/presets.ts) can be checked against the paper's
 * ordering (research/paper.md, "Toy check").
 *
 *   npx tsx scripts/calibrate-tabular.ts [--seeds 3] [--backend wasm] [--presets sym,no-clip]
 *                                        [--set optim.lr=2 --set steps=100 ...]
 */
import { parseArgs } from 'node:util';
import { PRESETS, runConfigSchema, type RunConfigInput } from '../src-main/contract';
import { selectBackend } from '../src-main/engine/backend';
import { createTrainer } from '../src-main/engine/trainer';

const PREFIX = 'tabular-random-';

/** `a.b=v` into a nested object; the value is read as JSON when it parses, else as a string. */
function applySet(config: Record<string, unknown>, assignment: string): void {
  const eq = assignment.indexOf('=');
  if (eq < 1) throw new Error(`--set: expected key=value, got "${assignment}"`);
  const path = assignment.slice(0, eq).split('.');
  const raw = assignment.slice(eq + 1);
  let value: unknown = raw;
  try {
    value = JSON.parse(raw);
  } catch {
    // a plain string such as "wasm"
  }
  let node = config;
  for (const key of path.slice(0, -1)) {
    node[key] = { ...((node[key] as Record<string, unknown>) ?? {}) };
    node = node[key] as Record<string, unknown>;
  }
  node[path[path.length - 1]] = value;
}

interface RunSummary {
  start: number;
  final: number;
  lowFrac: number;
  highFrac: number;
  seconds: number;
}

async function runOnce(input: RunConfigInput): Promise<RunSummary> {
  const config = runConfigSchema.parse(input);
  const trainer = await createTrainer(config, { backend: { name: config.backend, detail: '' } });
  const started = performance.now();
  let start = NaN;
  let final = NaN;
  let low = 0;
  let high = 0;
  for (let s = 0; s < config.steps; s++) {
    const { metrics } = await trainer.runStep();
    if (s === 0) start = metrics['entropy'];
    final = metrics['eval/entropy'] ?? metrics['entropy'];
    low += metrics['clip/low_frac'] / config.steps;
    high += metrics['clip/high_frac'] / config.steps;
  }
  trainer.dispose();
  return { start, final, lowFrac: low, highFrac: high, seconds: (performance.now() - started) / 1000 };
}

const meanStd = (xs: number[]) => {
  const m = xs.reduce((a, b) => a + b, 0) / xs.length;
  const s = Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / Math.max(xs.length - 1, 1));
  return `${m.toFixed(3)} ± ${s.toFixed(3)}`;
};

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      seeds: { type: 'string', default: '3' },
      backend: { type: 'string', default: 'wasm' },
      presets: { type: 'string' },
      set: { type: 'string', multiple: true, default: [] },
    },
  });
  const backend = await selectBackend(values.backend as 'wasm');
  const wanted = values.presets?.split(',').map((id) => PREFIX + id);
  const presets = PRESETS.filter((p) => p.name.startsWith(PREFIX) && (!wanted || wanted.includes(p.name)));
  console.log(`backend ${backend.name}; overrides: ${values.set.join(' ') || 'none'}`);
  for (const preset of presets) {
    const runs: RunSummary[] = [];
    for (let seed = 1; seed <= Number(values.seeds); seed++) {
      const config = { ...structuredClone(preset.config), seed, backend: backend.name } as Record<string, unknown>;
      for (const assignment of values.set) applySet(config, assignment);
      runs.push(await runOnce(config as RunConfigInput));
    }
    console.log(
      `${preset.name.slice(PREFIX.length).padEnd(16)} start ${runs[0].start.toFixed(3)}  final ${meanStd(runs.map((r) => r.final))}` +
        `  [${runs.map((r) => r.final.toFixed(3)).join(', ')}]  clip low/high ${meanStd(runs.map((r) => r.lowFrac))} / ` +
        `${meanStd(runs.map((r) => r.highFrac))}  ${meanStd(runs.map((r) => r.seconds))} s/run`,
    );
  }
}

await main();
