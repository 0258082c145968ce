/**
 * The run-config form is generated, not written twice (design.md): this walks a zod schema into a
 * tree of fields. Objects become groups, discriminated unions a kind select with one sub-form per
 * kind, enums selects, numbers number inputs with the bounds of the schema's checks, and nullable
 * values get an "off" switch. Wrappers that only supply defaults (default, prefault, optional) and
 * preprocessing pipes are looked through.
 */
import type { z } from 'zod';

type Schema = z.core.$ZodType;
type Def = z.core.$ZodTypes['_zod']['def'];

export interface NumberBound {
  value: number;
  inclusive: boolean;
}

interface FieldBase {
  /** Last segment of the path: the config key. */
  key: string;
  /** Dotted path in the config, e.g. `objective.clipLow`. */
  path: string;
  /** null is a valid value (shown as an "off" switch). */
  nullable: boolean;
}

export interface ObjectField extends FieldBase {
  type: 'object';
  fields: FieldNode[];
}

export interface UnionVariant {
  /** Discriminator values this variant accepts (an enum discriminator accepts several). */
  kinds: string[];
  schema: Schema;
  fields: FieldNode[];
}

export interface UnionField extends FieldBase {
  type: 'union';
  discriminator: string;
  /** Every discriminator value, in schema order. */
  kinds: string[];
  variants: UnionVariant[];
}

export interface NumberField extends FieldBase {
  type: 'number';
  integer: boolean;
  min: NumberBound | null;
  max: NumberBound | null;
}

export interface EnumField extends FieldBase {
  type: 'enum';
  options: string[];
}

export interface StringField extends FieldBase {
  type: 'string';
  maxLength: number | null;
}

export interface BooleanField extends FieldBase {
  type: 'boolean';
}

/** A fixed value (a union's discriminator inside its variant): not editable. */
export interface LiteralField extends FieldBase {
  type: 'literal';
}

export type FieldNode = ObjectField | UnionField | NumberField | EnumField | StringField | BooleanField | LiteralField;

const defOf = (schema: Schema): Def => (schema as z.core.$ZodTypes)._zod.def;

/** Looks through wrappers that add defaults or preprocessing; reports whether null is allowed. */
export function unwrapSchema(schema: Schema): { schema: Schema; nullable: boolean } {
  let nullable = false;
  let current = schema;
  for (;;) {
    const def = defOf(current);
    if (def.type === 'default' || def.type === 'prefault' || def.type === 'optional' || def.type === 'readonly') {
      current = def.innerType;
    } else if (def.type === 'nullable') {
      nullable = true;
      current = def.innerType;
    } else if (def.type === 'pipe') {
      // z.preprocess: the value the user edits is what the pipe's output side accepts.
      current = def.out;
    } else {
      return { schema: current, nullable };
    }
  }
}

/** The fields of an object schema, in declaration order. */
export function describeObject(schema: Schema, prefix = ''): FieldNode[] {
  const def = defOf(unwrapSchema(schema).schema);
  if (def.type !== 'object') throw new Error(`${prefix || 'config'}: expected an object schema, found ${def.type}`);
  return Object.entries(def.shape).map(([key, child]) => describeField(child, key, prefix ? `${prefix}.${key}` : key));
}

export function describeField(schema: Schema, key: string, path: string): FieldNode {
  const { schema: inner, nullable } = unwrapSchema(schema);
  const def = defOf(inner);
  const base = { key, path, nullable };
  switch (def.type) {
    case 'object':
      return { ...base, type: 'object', fields: describeObject(inner, path) };
    case 'union':
      return describeUnion(def, base);
    case 'number':
      return { ...base, type: 'number', ...numberBounds(def.checks ?? []) };
    case 'enum':
      return { ...base, type: 'enum', options: Object.values(def.entries).map(String) };
    case 'string':
      return { ...base, type: 'string', maxLength: stringMax(def.checks ?? []) };
    case 'boolean':
      return { ...base, type: 'boolean' };
    case 'literal':
      return { ...base, type: 'literal' };
    default:
      throw new Error(`${path}: the form cannot edit a ${def.type} value`);
  }
}

function describeUnion(def: Def & { type: 'union' }, base: FieldBase): UnionField {
  const discriminator = (def as z.core.$ZodDiscriminatedUnionDef).discriminator;
  if (!discriminator) throw new Error(`${base.path}: the form edits discriminated unions only`);
  const variants = def.options.map((option): UnionVariant => {
    const values = (option as z.core.$ZodObject)._zod.propValues?.[discriminator] ?? new Set();
    return { kinds: [...values].map(String), schema: option, fields: describeObject(option, base.path) };
  });
  return { ...base, type: 'union', discriminator, kinds: variants.flatMap((v) => v.kinds), variants };
}

type NumberCheck = { _zod: { def: { check: string; value?: unknown; inclusive?: boolean; format?: string } } };

/** The tightest bounds of a number's checks; `int()` adds the safe-integer range, which is no real bound. */
function numberBounds(checks: readonly unknown[]): Pick<NumberField, 'integer' | 'min' | 'max'> {
  let min: NumberBound | null = null;
  let max: NumberBound | null = null;
  let integer = false;
  for (const check of checks as NumberCheck[]) {
    const d = check._zod.def;
    if (d.check === 'number_format') integer = d.format === 'safeint' || d.format === 'int32' || d.format === 'uint32';
    const bound = { value: Number(d.value), inclusive: Boolean(d.inclusive) };
    if (d.check === 'greater_than' && (min === null || bound.value > min.value)) min = bound;
    if (d.check === 'less_than' && (max === null || bound.value < max.value)) max = bound;
  }
  if (min && Math.abs(min.value) >= Number.MAX_SAFE_INTEGER) min = null;
  if (max && Math.abs(max.value) >= Number.MAX_SAFE_INTEGER) max = null;
  return { integer, min, max };
}

function stringMax(checks: readonly unknown[]): number | null {
  for (const check of checks as NumberCheck[]) {
    const d = check._zod.def as { check: string; maximum?: number };
    if (d.check === 'max_length' && typeof d.maximum === 'number') return d.maximum;
  }
  return null;
}

/** The variant of a union that accepts a discriminator value. */
export function variantOf(field: UnionField, kind: string): UnionVariant | undefined {
  return field.variants.find((v) => v.kinds.includes(kind));
}

/** Every number field (through nested objects and every union variant), e.g. for a sweep's keys. */
export function numberFields(nodes: readonly FieldNode[]): NumberField[] {
  const seen = new Map<string, NumberField>();
  const visit = (node: FieldNode) => {
    if (node.type === 'number' && !seen.has(node.path)) seen.set(node.path, node);
    if (node.type === 'object') node.fields.forEach(visit);
    if (node.type === 'union') node.variants.forEach((v) => v.fields.forEach(visit));
  };
  nodes.forEach(visit);
  return [...seen.values()];
}
