/**
 * A config being edited: the value, the fields generated from the schema, and the schema's errors
 * by dotted path, recomputed on every change (validateWith on a small object takes microseconds).
 */
import {
  runConfigSchema,
  setConfigPath,
  validateWith,
  type FieldError,
  type RunConfig,
} from '../../../src-main/contract';
import { describeObject, type FieldNode } from './schema-fields';

type Plain = Record<string, unknown>;

/** The fields of the run config; built once, the schema does not change at runtime. */
export const RUN_CONFIG_FIELDS: readonly FieldNode[] = describeObject(runConfigSchema);

/** First message per path; a field shows one message at a time. */
export function errorsByPath(errors: readonly FieldError[]): Record<string, string> {
  const byPath: Record<string, string> = {};
  for (const e of errors) byPath[e.path] ??= e.message;
  return byPath;
}

export class ConfigDraft {
  value: Plain = $state({});
  readonly validation = $derived(validateWith(runConfigSchema, $state.snapshot(this.value)));
  readonly errorList: FieldError[] = $derived(this.validation.ok ? [] : this.validation.errors);
  readonly errors: Record<string, string> = $derived(errorsByPath(this.errorList));

  constructor(initial: RunConfig) {
    this.value = structuredClone(initial) as Plain;
  }

  load(config: RunConfig): void {
    this.value = structuredClone(config) as Plain;
  }

  /** Sets the value at a dotted path (checked against the schema: an unknown path throws ConfigPathError). */
  set(path: string, value: unknown): void {
    this.value = setConfigPath($state.snapshot(this.value), { path, value });
  }

  /** The validated config, or null while the draft has errors. */
  get config(): RunConfig | null {
    return this.validation.ok ? this.validation.value : null;
  }
}
