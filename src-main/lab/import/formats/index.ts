/** Every importable format, keyed by its name (the `--format` value). */
import type { FileFormatName } from '../types';
import { csv } from './csv';
import type { ImportFormat } from './format';
import { probeStream } from './probeStream';
import { tfevents } from './tfevents';
import { trlConsole } from './trlConsole';
import { trlState } from './trlState';
import { verlConsole } from './verlConsole';
import { verlJsonl } from './verlJsonl';
import { wandb } from './wandb';

export const FORMATS: Record<FileFormatName, ImportFormat> = {
  'cliplab-probe': probeStream,
  'verl-jsonl': verlJsonl,
  'verl-console': verlConsole,
  'trl-state': trlState,
  'trl-console': trlConsole,
  tfevents,
  csv,
  wandb,
};

/**
 * The order detection tries formats in: binary and strict structures first, loose text last (a CSV
 * sniff would also accept many other files, and a console log may contain a stray dict).
 */
export const DETECTION_ORDER: readonly FileFormatName[] = [
  'tfevents',
  'wandb',
  // before verl-jsonl: both are JSON lines, and only the probe's header names itself
  'cliplab-probe',
  'trl-state',
  'verl-jsonl',
  'verl-console',
  'trl-console',
  'csv',
];

export type { ImportFormat, Decoder, DecodeContext, Head } from './format';
