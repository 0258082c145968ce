/** Why a database file cannot be used. Every message names the file. */
export type StoreErrorKind =
  /** No file where one must exist (read-only open). */
  | 'missing'
  /** Not an SQLite file, or an SQLite file whose pages are damaged. */
  | 'corrupt'
  /** An SQLite file that belongs to some other program. */
  | 'foreign'
  /** Written by a newer cliplab (schema version above the one this build knows). */
  | 'newer'
  /** Needs migrating, which a read-only open cannot do. */
  | 'outdated'
  /** The native SQLite module cannot load in this runtime. */
  | 'native'
  /** This user cannot write the file, its -wal or -shm, or the folder they go in. */
  | 'readonly';

export class StoreError extends Error {
  constructor(
    readonly kind: StoreErrorKind,
    readonly file: string,
    detail: string,
  ) {
    super(`database ${file}: ${detail}`);
    this.name = 'StoreError';
  }
}
