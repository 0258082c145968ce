/** Small texts the generated fields show: element ids and the allowed range of a number. */
import type { NumberBound, NumberField } from './schema-fields';

export function fieldId(path: string): string {
  return `cfg-${path.replace(/[^A-Za-z0-9_-]/g, '-')}`;
}

const fmt = (b: NumberBound) => String(b.value);

/** Upper bounds this large only guard against absurd input; the help does not mention them. */
const NOTEWORTHY_MAX = 1e5;

/** `0 – 1`, `> 0`, `≥ 1`, `0 – < 1`; with ", integer" for integers; empty when unbounded. */
export function rangeText(field: Pick<NumberField, 'min' | 'max' | 'integer'>): string {
  const min = field.min;
  const max = field.max && field.max.value <= NOTEWORTHY_MAX ? field.max : null;
  let range = '';
  if (min && max) {
    range = `${min.inclusive ? '' : '> '}${fmt(min)} – ${max.inclusive ? '' : '< '}${fmt(max)}`;
  } else if (min) {
    range = `${min.inclusive ? '≥' : '>'} ${fmt(min)}`;
  } else if (max) {
    range = `${max.inclusive ? '≤' : '<'} ${fmt(max)}`;
  }
  if (!field.integer) return range;
  return range ? `${range}, integer` : 'integer';
}
