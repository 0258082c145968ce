/** A lab on a fresh temporary database, with the events it emitted. */
import { afterEach } from 'vitest';
import type { LabEvent } from '../../src-main/contract';
import { createLab, type LabService } from '../../src-main/lab';
import { tempDbPath } from '../support/temp';

const open: LabService[] = [];

afterEach(async () => {
  for (const lab of open.splice(0)) await lab.close();
});

export function testLab(): { lab: LabService; events: LabEvent[] } {
  const lab = createLab({ dbPath: tempDbPath() });
  open.push(lab);
  const events: LabEvent[] = [];
  lab.subscribe((e) => events.push(e));
  return { lab, events };
}
