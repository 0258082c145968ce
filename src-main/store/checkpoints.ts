/** Checkpoints: a run's full training state (weights, optimizer, RNG) at a step, as one blob. */
import type { Db } from './db';

export interface Checkpoint {
  step: number;
  createdAt: string;
  data: Buffer;
}

export interface SaveCheckpointOptions {
  /** How many of the newest checkpoints to keep; older ones are deleted in the same transaction. @default 3 */
  keep?: number;
  at?: Date;
}

export function checkpointQueries(db: Db) {
  return {
    /**
     * Saves a checkpoint and prunes old ones in one transaction: a crash leaves either the previous
     * set or the new one, never a partial blob.
     */
    saveCheckpoint(runId: number, step: number, data: Uint8Array, opts: SaveCheckpointOptions = {}): void {
      const keep = opts.keep ?? 3;
      if (!Number.isInteger(keep) || keep < 1)
        throw new Error(`saveCheckpoint: keep must be an integer >= 1, got ${keep}`);
      db.transaction(() => {
        db.prepare('INSERT OR REPLACE INTO checkpoints (run_id, step, created_at, data) VALUES (?, ?, ?, ?)').run(
          runId,
          step,
          (opts.at ?? new Date()).toISOString(),
          Buffer.from(data.buffer, data.byteOffset, data.byteLength),
        );
        db.prepare(
          `DELETE FROM checkpoints WHERE run_id = ? AND step NOT IN
            (SELECT step FROM checkpoints WHERE run_id = ? ORDER BY step DESC LIMIT ?)`,
        ).run(runId, runId, keep);
      });
    },

    /** The newest checkpoint, or undefined. */
    latestCheckpoint(runId: number): Checkpoint | undefined {
      const sql = `SELECT step, created_at AS createdAt, data FROM checkpoints WHERE run_id = ?
        ORDER BY step DESC LIMIT 1`;
      return db.prepare<Checkpoint>(sql).get(runId);
    },

    /** Steps that have a checkpoint, ascending. */
    checkpointSteps(runId: number): number[] {
      const sql = 'SELECT step FROM checkpoints WHERE run_id = ? ORDER BY step';
      return db
        .prepare<{ step: number }>(sql)
        .all(runId)
        .map((r) => r.step);
    },
  };
}

export type CheckpointQueries = ReturnType<typeof checkpointQueries>;
