/** Saved figures: a name and a figure spec (JSON), with creation and update times. */
import type { Db } from './db';

export interface FigureRow {
  id: number;
  name: string;
  /** Figure spec JSON text. */
  spec: string;
  createdAt: string;
  updatedAt: string;
}

const COLUMNS = 'id, name, spec, created_at AS createdAt, updated_at AS updatedAt';

export function figureQueries(db: Db) {
  return {
    createFigure(name: string, spec: unknown, at = new Date()): number {
      const t = at.toISOString();
      const sql = 'INSERT INTO figures (name, spec, created_at, updated_at) VALUES (?, ?, ?, ?)';
      return Number(db.prepare(sql).run(name, JSON.stringify(spec), t, t).lastInsertRowid);
    },

    getFigure(id: number): FigureRow | undefined {
      return db.prepare<FigureRow>(`SELECT ${COLUMNS} FROM figures WHERE id = ?`).get(id);
    },

    /** Every figure, most recently updated first. */
    listFigures(): FigureRow[] {
      return db.prepare<FigureRow>(`SELECT ${COLUMNS} FROM figures ORDER BY updated_at DESC, id DESC`).all();
    },

    /** Changes the name and/or spec; returns false when there is no such figure. */
    updateFigure(id: number, patch: { name?: string; spec?: unknown }, at = new Date()): boolean {
      const sql = `UPDATE figures SET name = coalesce(?, name), spec = coalesce(?, spec), updated_at = ?
        WHERE id = ?`;
      const spec = patch.spec === undefined ? null : JSON.stringify(patch.spec);
      return db.prepare(sql).run(patch.name ?? null, spec, at.toISOString(), id).changes > 0;
    },

    deleteFigure(id: number): boolean {
      return db.prepare('DELETE FROM figures WHERE id = ?').run(id).changes > 0;
    },
  };
}

export type FigureQueries = ReturnType<typeof figureQueries>;
