/** Launch settings for Debian's Chromium (playwright-core cannot download browsers here). */
import { existsSync } from 'node:fs';

export function chromiumPath(): string {
  const fromEnv = process.env.CLIPLAB_CHROMIUM;
  if (fromEnv) return fromEnv;
  for (const p of ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome']) {
    if (existsSync(p)) return p;
  }
  return '/usr/bin/chromium';
}

/** Flags that keep a headless Chromium off the network and quiet in a sandboxed CI machine. */
export function chromiumArgs(): string[] {
  return [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ];
}
