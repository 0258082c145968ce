/**
 * `npm run bench [-- name...]`: runs the named benchmarks (all when none is named). Benchmarks
 * print measurements and ratios against baselines measured in the same run; they never assert.
 * Script-style modules run on import, with their default settings (argv is cleared for them).
 */
const BENCHMARKS: Record<string, () => Promise<void>> = {
  gpt: async () => (await import('./gpt')).run(),
  attribution: async () => (await import('./attribution')).run(),
  hf: async () => (await import('./hf')).run(),
  smollm2: async () => (await import('./smollm2')).run(),
  store: async () => {
    await import('./store');
  },
  import: async () => {
    await import('./import');
  },
  chart: async () => {
    await import('./chart');
    await (await import('./chart-browser')).runChartInChromium();
  },
};

const requested = process.argv.splice(2);
const unknown = requested.filter((n) => !(n in BENCHMARKS));
if (unknown.length) {
  console.error(`unknown benchmark ${unknown.join(', ')}; expected one of: ${Object.keys(BENCHMARKS).join(', ')}`);
  process.exit(2);
}
for (const name of requested.length ? requested : Object.keys(BENCHMARKS)) {
  console.log(`\n=== ${name} ===`);
  await BENCHMARKS[name]();
}

export {}; // a module, for the top-level await above
