/**
 * The options that make a run config a Ray job (`cliplab submit`, `cliplab sweep --to`), each error
 * naming the option. Environment values given as `--env NAME` come from this shell, so a token need
 * not appear on the command line (or in shell history).
 */
import fs from 'node:fs';
import { REMOTE_ENGINES, type ApiArgs } from '../contract';
import { UsageError, type CliIo, type ParsedArgs } from './command';
import { repeatedOption } from './config-args';
import { flagOption, stringOption } from './options';

type JobArgs = ApiArgs<'remote.submit'>['job'];

export const REMOTE_OPTIONS = [
  'to',
  'engine',
  'model',
  'dataset',
  'gpus',
  'cpus',
  'python',
  'stream-dir',
  'override',
  'env',
  'runtime-env',
  'exact-every',
] as const;
export const REMOTE_FLAGS = ['insecure-http', 'detach', 'dry-run'] as const;

export const REMOTE_USAGE = `  --to ray://HOST:PORT   the Ray dashboard (through an SSH tunnel: ssh -L 8265:127.0.0.1:8265 HEAD);
                         http(s):// URLs work too. Headers for an auth proxy: CLIPLAB_RAY_HEADERS='{"Name": "value"}'
                         or the targets file (see the README)
  --engine trl|verl      the trainer the job runs, with cliplab-probe attached
  --model PATH           the model on the cluster (TRL: a save_pretrained folder; verl: model.path)
  --dataset PATH         the prompts on the cluster (TRL: JSON lines of {"prompt", "answer"}; verl: parquet)
  --gpus N               GPUs per job (default 0)
  --cpus N               CPUs Ray reserves for each job's entrypoint (lets Ray queue jobs)
  --python CMD           the Python on the cluster that has cliplab-probe (default: python)
  --stream-dir DIR       storage the cluster and this machine both see at DIR: the probe writes its stream
                         there and cliplab follows the file (default: cliplab reads the job's logs)
  --override KEY=VALUE   a trainer setting over the exported ones (GRPOConfig key or verl Hydra override; repeat)
  --env NAME[=VALUE]     an environment variable of the job (NAME alone: its value in this shell; repeat)
  --runtime-env JSON     more of Ray's runtime_env (a JSON object or a file holding one), e.g. {"pip": [...]}
  --exact-every N        TRL: the exact entropy attribution every N updates (default 0: off)
  --insecure-http        allow plain http:// to a dashboard on another machine (it has no authentication)
  --detach               return once the jobs are submitted (\`cliplab watch\` follows them later)
  --dry-run              print the job(s) as they would be submitted, and submit nothing`;

function count(args: ParsedArgs, name: string, integer: boolean): number | undefined {
  const text = stringOption(args, name);
  if (text === undefined) return undefined;
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n) || n < 0 || (integer && !Number.isInteger(n))) {
    throw new UsageError(`--${name}: expected ${integer ? 'an integer' : 'a number'} >= 0, got "${text}"`);
  }
  return n;
}

function required(args: ParsedArgs, name: string, what: string): string {
  const value = stringOption(args, name);
  if (value === undefined || value.trim() === '') throw new UsageError(`--${name} is required: ${what}`);
  return value;
}

function envOption(args: ParsedArgs, io: CliIo): Record<string, string> {
  const env: Record<string, string> = {};
  for (const text of repeatedOption(args, 'env')) {
    const eq = text.indexOf('=');
    const name = eq < 0 ? text : text.slice(0, eq);
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new UsageError(`--env ${name}: expected NAME or NAME=VALUE`);
    const value = eq < 0 ? io.env[name] : text.slice(eq + 1);
    if (value === undefined) throw new UsageError(`--env ${name}: not set in this shell; give NAME=VALUE`);
    env[name] = value;
  }
  return env;
}

function runtimeEnvOption(args: ParsedArgs): Record<string, unknown> | undefined {
  const text = stringOption(args, 'runtime-env');
  if (text === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    let source: string;
    try {
      source = fs.readFileSync(text, 'utf8');
    } catch (err) {
      throw new UsageError(
        `--runtime-env ${text}: not JSON, and no file to read (${(err as NodeJS.ErrnoException).code})`,
      );
    }
    try {
      value = JSON.parse(source);
    } catch (err) {
      throw new UsageError(`--runtime-env ${text}: not valid JSON (${(err as Error).message})`);
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new UsageError('--runtime-env: expected a JSON object (Ray runtime_env fields)');
  }
  return value as Record<string, unknown>;
}

/** The job options, or a UsageError naming the option that is missing or wrong. */
export function jobFromArgs(args: ParsedArgs, io: CliIo): JobArgs {
  const engine = required(args, 'engine', `one of ${REMOTE_ENGINES.join(', ')}`);
  if (!(REMOTE_ENGINES as readonly string[]).includes(engine)) {
    throw new UsageError(`--engine: expected one of ${REMOTE_ENGINES.join(', ')}, got "${engine}"`);
  }
  return {
    target: required(args, 'to', 'the Ray dashboard, e.g. ray://127.0.0.1:8265'),
    engine: engine as JobArgs['engine'],
    allowInsecureHttp: flagOption(args, 'insecure-http'),
    model: required(args, 'model', 'the model on the cluster'),
    dataset: required(args, 'dataset', 'the prompt dataset on the cluster'),
    gpus: count(args, 'gpus', true),
    cpus: count(args, 'cpus', false),
    python: stringOption(args, 'python'),
    streamDir: stringOption(args, 'stream-dir'),
    overrides: repeatedOption(args, 'override'),
    env: envOption(args, io),
    runtimeEnv: runtimeEnvOption(args),
    exactEvery: count(args, 'exact-every', true),
  };
}
