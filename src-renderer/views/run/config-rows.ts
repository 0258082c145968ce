/**
 * A run's config as readable rows, grouped like the New run form (both walk the same schema fields),
 * with the form's labels; only the chosen kind's fields of a union are listed.
 */
import { isOffSetting, settingText } from '../../../src-main/contract';
import { fieldText } from '../../components/config-form/labels';
import { variantOf, type FieldNode } from '../../components/config-form/schema-fields';

export interface ConfigRow {
  path: string;
  label: string;
  value: string;
}

export interface ConfigSection {
  path: string;
  title: string;
  rows: ConfigRow[];
}

type Plain = Record<string, unknown>;

function formatValue(field: FieldNode, value: unknown): string {
  // eps_low = 1 is clip-low switched off: "off", as everywhere (contract/settings-text.ts).
  if (isOffSetting(field.path, value)) return settingText(field.path, value);
  if (value === null) return fieldText(field.path, field.key).nullLabel;
  if (value === undefined) return '—';
  if (typeof value === 'string') return value === '' ? '(empty)' : value;
  return String(value);
}

/** Rows of `fields` read from `value`; fields of a nested object are prefixed with its label. */
function rowsOf(fields: readonly FieldNode[], value: Plain, prefix = ''): ConfigRow[] {
  return fields.flatMap((field): ConfigRow[] => {
    const v = value[field.key];
    if (field.type === 'object') {
      return rowsOf(field.fields, (v ?? {}) as Plain, `${prefix}${fieldText(field.path, field.key).label} · `);
    }
    if (field.type === 'union') {
      const sub = (v ?? {}) as Plain;
      const kind = String(sub[field.discriminator]);
      const rest = (variantOf(field, kind)?.fields ?? []).filter((f) => f.key !== field.discriminator);
      const kindRow = { path: `${field.path}.${field.discriminator}`, label: `${prefix}Kind`, value: kind };
      return [kindRow, ...rowsOf(rest, sub, prefix)];
    }
    return [{ path: field.path, label: prefix + fieldText(field.path, field.key).label, value: formatValue(field, v) }];
  });
}

export function configSections(fields: readonly FieldNode[], config: Plain): ConfigSection[] {
  const scalars = fields.filter((f) => f.type !== 'object' && f.type !== 'union');
  const sections = fields.flatMap((g): ConfigSection[] => {
    if (g.type === 'object') {
      return [
        { path: g.path, title: fieldText(g.path, g.key).label, rows: rowsOf(g.fields, (config[g.key] ?? {}) as Plain) },
      ];
    }
    if (g.type === 'union') return [{ path: g.path, title: fieldText(g.path, g.key).label, rows: rowsOf([g], config) }];
    return [];
  });
  return [{ path: '', title: fieldText('run').label, rows: rowsOf(scalars, config) }, ...sections];
}
