/** Runs the GPT benchmark on BENCH_BACKEND in a process of its own (see gpt.ts `run`). */
import { run } from './gpt';

await run();
