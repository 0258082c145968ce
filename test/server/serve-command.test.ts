import { createServer, type Server } from 'node:net';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { parsePort } from '../../src-main/cli/serve';
import { runCli as run } from '../support/cli';
import { tempDir } from '../support/temp';

let dir: string;
beforeEach(() => {
  dir = tempDir();
});

describe('cliplab serve arguments', () => {
  it('reads ports from 0 to 65535', () => {
    expect(parsePort('0')).toBe(0);
    expect(parsePort('65535')).toBe(65535);
    for (const bad of ['', '-1', '65536', '80.5', 'http', '1e3']) expect(() => parsePort(bad), bad).toThrow(/--port/);
  });

  it('refuses a bad port with a usage error naming the option', async () => {
    const { code, stderr: err } = await run(['serve', '--no-open', '--port', 'eighty', '--db', path.join(dir, 'a.db')]);
    expect(code).toBe(2);
    expect(err).toContain('--port expects an integer from 0 to 65535');
  });

  it('says so when the chosen port is taken', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const { code, stderr: err } = await run([
        'serve',
        '--no-open',
        '--port',
        String(port),
        '--db',
        path.join(dir, 'a.db'),
      ]);
      expect(code).toBe(2);
      expect(err).toContain(`--port ${port} is in use`);
    } finally {
      blocker.close();
    }
  });

  it('rejects unknown options and stray arguments', async () => {
    expect((await run(['serve', '--host', '0.0.0.0'])).code).toBe(2);
    expect((await run(['serve', 'extra', '--db', path.join(dir, 'a.db')])).code).toBe(2);
  });
});
