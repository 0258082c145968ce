/** Database maintenance for `cliplab db check`. */
import { openStore, type CheckReport } from '../store';

/**
 * Checks integrity, foreign keys and schema through a read-only connection, so checking never
 * changes (or creates, or migrates) the file. Throws a StoreError when the file cannot be opened.
 */
export function checkDatabase(dbPath: string): CheckReport {
  const store = openStore(dbPath, { readonly: true });
  try {
    return store.check();
  } finally {
    store.close();
  }
}
