/** Samples: a few prompts with their responses per step, stored as one JSON document per step. */
import type { Db } from './db';

export function sampleQueries(db: Db) {
  return {
    /** Stores a step's samples (replacing any earlier ones for that step). */
    putSamples(runId: number, step: number, samples: readonly unknown[]): void {
      db.prepare('INSERT OR REPLACE INTO samples (run_id, step, data) VALUES (?, ?, ?)').run(
        runId,
        step,
        JSON.stringify(samples),
      );
    },

    /** Steps that have samples, ascending. */
    sampleSteps(runId: number): number[] {
      const sql = 'SELECT step FROM samples WHERE run_id = ? ORDER BY step';
      return db
        .prepare<{ step: number }>(sql)
        .all(runId)
        .map((r) => r.step);
    },

    /** The step's samples as stored JSON text (the lab parses it), or undefined. */
    samplesJson(runId: number, step: number): string | undefined {
      const sql = 'SELECT data FROM samples WHERE run_id = ? AND step = ?';
      return db.prepare<{ data: string }>(sql).get(runId, step)?.data;
    },
  };
}

export type SampleQueries = ReturnType<typeof sampleQueries>;
