/**
 * Opens the workbench in the user's default browser without putting its token where other users can
 * read it. A command line is public on most systems (`ps`, /proc/<pid>/cmdline), so the opener gets
 * the path of a redirect page instead of the token URL, as Jupyter does: a file only this user may
 * read (0600, in a fresh 0700 folder) whose meta refresh goes to the token URL. It is removed when
 * the server stops. Failing to open a browser is not an error: the URL is printed anyway.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

type Opener = (target: string) => [command: string, args: string[]];

const OPENERS: Readonly<Record<string, Opener>> = {
  darwin: (target) => ['open', [target]],
  // `start` is a cmd built-in that re-parses its arguments; the URL handler takes its argument verbatim.
  win32: (target) => ['rundll32', ['url.dll,FileProtocolHandler', target]],
};
const xdgOpen: Opener = (target) => ['xdg-open', [target]];

/** The command that opens `target` (a URL or a file) with the user's default application. */
export function openerCommand(target: string, platform: NodeJS.Platform = process.platform): [string, string[]] {
  return (OPENERS[platform] ?? xdgOpen)(target);
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A page that sends the browser on to `url` (no script: a meta refresh and a link). */
export function redirectPage(url: string): string {
  const href = escapeHtml(url);
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta http-equiv="refresh" content="0;url=${href}" />
    <title>Opening cliplab…</title>
  </head>
  <body>
    <p>Opening <a href="${href}">cliplab</a>…</p>
  </body>
</html>
`;
}

export interface RedirectFile {
  file: string;
  remove(): void;
}

/** Writes the redirect page where only this user can read it. */
export function writeRedirectFile(url: string, parent = os.tmpdir()): RedirectFile {
  const dir = fs.mkdtempSync(path.join(parent, 'cliplab-open-'));
  fs.chmodSync(dir, 0o700);
  const file = path.join(dir, 'open.html');
  // 'wx': never follow or reuse something already there; the mode is set at creation.
  fs.writeFileSync(file, redirectPage(url), { mode: 0o600, flag: 'wx' });
  return { file, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

function launch(command: string, args: string[]): Promise<boolean> {
  return new Promise((resolve) => {
    try {
      const child = spawn(command, args, { stdio: 'ignore', detached: true });
      child.once('error', () => resolve(false));
      child.once('spawn', () => {
        child.unref();
        resolve(true);
      });
    } catch {
      resolve(false);
    }
  });
}

/**
 * Opens `url` through a private redirect file. Resolves with whether an opener started, and the
 * function that removes the file (call it when the server stops).
 */
export async function openBrowser(
  url: string,
  platform: NodeJS.Platform = process.platform,
): Promise<{ opened: boolean; cleanup: () => void }> {
  const redirect = writeRedirectFile(url);
  const [command, args] = openerCommand(pathToFileURL(redirect.file).href, platform);
  const opened = await launch(command, args);
  if (!opened) redirect.remove();
  return { opened, cleanup: opened ? redirect.remove : () => {} };
}
