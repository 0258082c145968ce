/**
 * `serve` without --no-open: the token URL never appears on the opener's command line (public to
 * every local user through ps and /proc); the opener gets a private redirect file instead.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { startServer } from '../../src-main/server';
import { openerCommand, redirectPage, writeRedirectFile } from '../../src-main/server/open-browser';
import { waitFor } from '../lab/runner/helpers';
import { tempDir } from '../support/temp';
import { createTempLab } from '../support/temp-lab';

describe('opening the browser privately', () => {
  it('writes a redirect page only this user can read', () => {
    const url = 'http://127.0.0.1:8471/?token=abc"<x>';
    const redirect = writeRedirectFile(url, tempDir());
    expect(fs.statSync(redirect.file).mode & 0o777).toBe(0o600);
    expect(fs.statSync(path.dirname(redirect.file)).mode & 0o777).toBe(0o700);
    expect(fs.readFileSync(redirect.file, 'utf8')).toBe(redirectPage(url));
    expect(redirectPage(url)).toContain('content="0;url=http://127.0.0.1:8471/?token=abc&#34;&#60;x&#62;"');
    redirect.remove();
    expect(fs.existsSync(path.dirname(redirect.file))).toBe(false);
  });

  it('has an opener on every platform that takes the file, not the URL', () => {
    expect(openerCommand('file:///t/open.html', 'linux')).toEqual(['xdg-open', ['file:///t/open.html']]);
    expect(openerCommand('file:///t/open.html', 'darwin')).toEqual(['open', ['file:///t/open.html']]);
    expect(openerCommand('file:///C:/t/open.html', 'win32')[1]).toEqual([
      'url.dll,FileProtocolHandler',
      'file:///C:/t/open.html',
    ]);
  });

  // A stand-in `xdg-open` on PATH records its command line, as `ps` would show it to anyone.
  it.skipIf(process.platform !== 'linux')('serve hands the opener a file whose page carries the token', async () => {
    const bin = tempDir();
    const seen = path.join(bin, 'argv.txt');
    fs.writeFileSync(path.join(bin, 'xdg-open'), `#!/bin/sh\nprintf '%s\\n' "$@" > '${seen}'\n`, { mode: 0o755 });
    const renderer = tempDir();
    fs.writeFileSync(path.join(renderer, 'index.html'), '<!doctype html>');
    const temp = createTempLab();
    const savedPath = process.env.PATH;
    process.env.PATH = `${bin}${path.delimiter}${savedPath}`;
    try {
      const server = await startServer({ lab: temp.lab, rendererDir: renderer, open: true });
      // The stand-in writes its line in one go: wait for the whole line, not just the file.
      const argv = await waitFor(
        'the opener to run',
        () => {
          const text = fs.existsSync(seen) ? fs.readFileSync(seen, 'utf8') : '';
          return text.endsWith('\n') ? text : undefined;
        },
        10_000,
      );
      expect(argv).not.toContain(server.token);
      const file = fileURLToPath(argv.trim());
      expect(fs.statSync(file).mode & 0o777).toBe(0o600);
      expect(fs.readFileSync(file, 'utf8')).toContain(server.url);
      await server.close();
      expect(fs.existsSync(file)).toBe(false); // removed with the server
    } finally {
      process.env.PATH = savedPath;
      await temp.cleanup();
    }
  });
});
