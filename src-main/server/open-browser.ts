/** Opens a URL in the user's default browser. Failing to do so is not an error: the URL is printed anyway. */
import { spawn } from 'node:child_process';

type Opener = (url: string) => [command: string, args: string[]];

const OPENERS: Readonly<Record<string, Opener>> = {
  darwin: (url) => ['open', [url]],
  // `start` is a cmd built-in that re-parses its arguments; the URL handler takes the URL verbatim.
  win32: (url) => ['rundll32', ['url.dll,FileProtocolHandler', url]],
};
const xdgOpen: Opener = (url) => ['xdg-open', [url]];

/** Resolves true when the opener started, false when there is none (e.g. a headless box). */
export function openBrowser(url: string, platform: NodeJS.Platform = process.platform): Promise<boolean> {
  const [command, args] = (OPENERS[platform] ?? xdgOpen)(url);
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
