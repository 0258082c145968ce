/** Every importable format, keyed by its name (the `--format` value). */
import type { FormatName } from '../types';
import { csv } from './csv';
import type { ImportFormat } from './format';
import { tfevents } from './tfevents';
import { trlConsole } from './trlConsole';
import { trlState } from './trlState';
import { verlConsole } from './verlConsole';
import { verlJsonl } from './verlJsonl';

export const FORMATS: Record<FormatName, ImportFormat> = {
  'verl-jsonl': verlJsonl,
  'verl-console': verlConsole,
  'trl-state': trlState,
  'trl-console': trlConsole,
  tfevents,
  csv,
};

/**
 * The order detection tries formats in: binary and strict structures first, loose text last (a CSV
 * sniff would also accept many other files, and a console log may contain a stray dict).
 */
export const DETECTION_ORDER: readonly FormatName[] = [
  'tfevents',
  'trl-state',
  'verl-jsonl',
  'verl-console',
  'trl-console',
  'csv',
];

export type { ImportFormat, Decoder, DecodeContext, Head } from './format';
