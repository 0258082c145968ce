/** Opens a database in a separate process (as another user when readonly-access.test.ts asks) and reports. */
import { openStore, StoreError } from '../../src-main/store';

const [file, mode] = process.argv.slice(2);
try {
  const store = openStore(file, { readonly: mode === 'read' });
  const runs = store.listRuns().length;
  store.close();
  process.stdout.write(JSON.stringify({ ok: true, runs }));
} catch (err) {
  const kind = err instanceof StoreError ? err.kind : 'other';
  process.stdout.write(JSON.stringify({ ok: false, kind, message: (err as Error).message }));
}
