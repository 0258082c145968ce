/** Base models: reusable starting policies, keyed by what made them (a hash of their spec). */
import type { Db } from './db';

export interface BaseModelInfoRow {
  key: string;
  /** JSON text of what made the model. */
  spec: string;
  /** JSON text of what training it measured (accuracy, steps...). */
  info: string;
  createdAt: string;
}

export interface BaseModelRow extends BaseModelInfoRow {
  weights: Buffer;
}

export interface NewBaseModel {
  key: string;
  spec: unknown;
  weights: Uint8Array;
  info: unknown;
  at?: Date;
}

export function baseModelQueries(db: Db) {
  return {
    getBaseModel(key: string): BaseModelRow | undefined {
      const sql = 'SELECT key, spec, weights, info, created_at AS createdAt FROM base_models WHERE key = ?';
      return db.prepare<BaseModelRow>(sql).get(key);
    },

    /** Stores a base model (replacing one with the same key) in one statement. */
    putBaseModel(model: NewBaseModel): void {
      const w = model.weights;
      db.prepare(
        'INSERT OR REPLACE INTO base_models (key, spec, weights, info, created_at) VALUES (?, ?, ?, ?, ?)',
      ).run(
        model.key,
        JSON.stringify(model.spec),
        Buffer.from(w.buffer, w.byteOffset, w.byteLength),
        JSON.stringify(model.info),
        (model.at ?? new Date()).toISOString(),
      );
    },

    /** Every base model without its weights, newest first. */
    listBaseModels(): BaseModelInfoRow[] {
      const sql = 'SELECT key, spec, info, created_at AS createdAt FROM base_models ORDER BY created_at DESC, key';
      return db.prepare<BaseModelInfoRow>(sql).all();
    },

    deleteBaseModel(key: string): boolean {
      return db.prepare('DELETE FROM base_models WHERE key = ?').run(key).changes > 0;
    },
  };
}

export type BaseModelQueries = ReturnType<typeof baseModelQueries>;
