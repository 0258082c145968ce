/**
 * Where the app's own files are, and how to tell its page from anything else. The window, the IPC
 * sender check and the CSP header all ask the same question, so it is answered once here.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';

export interface AppPages {
  /** The built renderer's entry, `out/renderer/index.html`. */
  indexHtml: string;
  /** The same as a file: URL. */
  indexUrl: string;
  /** The built CommonJS preload, `out/preload/index.cjs`. */
  preload: string;
  /** True for the app's page itself (any hash or query), and nothing else. */
  isAppPage(url: string): boolean;
  /** True for any file of the built renderer (the page, its scripts, styles, fonts). */
  isAppResource(url: string): boolean;
}

function fileUrlPath(url: string): string | null {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'file:' && parsed.host === '' ? parsed.pathname : null;
  } catch {
    return null;
  }
}

/** `appPath` is the folder holding package.json (Electron's `app.getAppPath()`). */
export function resolveAppPages(appPath: string): AppPages {
  const rendererDir = path.join(appPath, 'out', 'renderer');
  const indexHtml = path.join(rendererDir, 'index.html');
  const indexPath = pathToFileURL(indexHtml).pathname;
  const rendererPath = pathToFileURL(rendererDir).pathname + '/';
  return {
    indexHtml,
    indexUrl: pathToFileURL(indexHtml).href,
    preload: path.join(appPath, 'out', 'preload', 'index.cjs'),
    isAppPage: (url) => fileUrlPath(url) === indexPath,
    isAppResource: (url) => {
      const p = fileUrlPath(url);
      return p !== null && p.startsWith(rendererPath) && !p.split('/').includes('..');
    },
  };
}

/** Links the page may hand to the system browser: plain http(s) with a host and no credentials. */
export function isSafeExternalUrl(url: string): boolean {
  try {
    const u = new URL(url);
    return (u.protocol === 'https:' || u.protocol === 'http:') && u.hostname !== '' && !u.username && !u.password;
  } catch {
    return false;
  }
}
