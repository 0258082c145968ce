/** Stores on fresh temporary databases for the store tests, and run rows with only the fields a row needs. */
import { afterEach } from 'vitest';
import { openStore, type NewRun, type Store } from '../../src-main/store';
import { tempDbPath } from './temp';

const open: Store[] = [];

// Registered after temp.ts's hook, so it runs first: stores close before their folders go.
afterEach(() => {
  for (const store of open.splice(0)) store.close();
});

/** A store on a new database, closed (and its folder removed) after the current test. */
export function tempStore(): Store {
  const store = openStore(tempDbPath());
  open.push(store);
  return store;
}

/** A run with a placeholder name and group, for tests of what hangs off a run. */
export function bareRun(store: Store, overrides: Partial<NewRun> = {}): number {
  return store.createRun({
    name: 'r',
    origin: 'local',
    status: 'queued',
    groupKey: 'g',
    appVersion: '0',
    ...overrides,
  });
}
