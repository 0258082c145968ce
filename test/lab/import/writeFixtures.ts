/** Writes the generated import fixtures: `npx tsx test/lab/import/writeFixtures.ts`. */
import fs from 'node:fs';
import { EVENT_FIXTURE, generatedEventFile } from './eventFixture';

fs.writeFileSync(EVENT_FIXTURE, generatedEventFile());
console.log(`wrote ${EVENT_FIXTURE}`);
