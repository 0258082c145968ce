/** Switching a discriminated union's kind: the new kind's defaults, keeping the values both kinds share. */
import type { z } from 'zod';
import { variantOf, type UnionField } from './schema-fields';

type Plain = Record<string, unknown>;

/**
 * The sub-config after choosing `kind`. Within one variant (add → sort) only the kind changes; across
 * variants (bandit → add) the new variant's defaults are taken and keys it shares with the old value
 * (e.g. `seed`) carry over.
 */
export function switchVariant(field: UnionField, current: Plain, kind: string): Plain {
  const variant = variantOf(field, kind);
  if (!variant) throw new Error(`${field.path}: unknown ${field.discriminator} "${kind}"`);
  const before = variantOf(field, String(current[field.discriminator]));
  if (before === variant) return { ...current, [field.discriminator]: kind };
  const parsed = (variant.schema as z.ZodType).safeParse({ [field.discriminator]: kind });
  const defaults: Plain = parsed.success ? (parsed.data as Plain) : { [field.discriminator]: kind };
  const shared = Object.fromEntries(
    Object.entries(current).filter(([key]) => key !== field.discriminator && key in defaults),
  );
  return { ...defaults, ...shared };
}
