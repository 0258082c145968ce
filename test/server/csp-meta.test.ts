import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY, META_CONTENT_SECURITY_POLICY } from '../../src-main/server/csp';

const root = path.resolve(import.meta.dirname, '..', '..');

/** The content of the page's CSP meta tag, or null. */
function metaPolicy(html: string): string | null {
  const tag = /<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]*)"\s*\/?>/i.exec(html);
  return tag ? tag[1] : null;
}

describe('the page carries its CSP in a meta tag as well as the header', () => {
  it('index.html states the header policy, less what a meta tag cannot carry', () => {
    const html = fs.readFileSync(path.join(root, 'src-renderer', 'index.html'), 'utf8');
    expect(metaPolicy(html)).toBe(META_CONTENT_SECURITY_POLICY);
    expect(CONTENT_SECURITY_POLICY).toContain("frame-ancestors 'none'");
    expect(META_CONTENT_SECURITY_POLICY).not.toContain('frame-ancestors');
    // Everything else is the same list, in the same order.
    expect(CONTENT_SECURITY_POLICY.replace("; frame-ancestors 'none'", '')).toBe(META_CONTENT_SECURITY_POLICY);
  });

  it.skipIf(!fs.existsSync(path.join(root, 'out', 'renderer', 'index.html')))(
    'the built page keeps it, before any script or stylesheet',
    () => {
      const html = fs.readFileSync(path.join(root, 'out', 'renderer', 'index.html'), 'utf8');
      expect(metaPolicy(html)).toBe(META_CONTENT_SECURITY_POLICY);
      const meta = html.indexOf('Content-Security-Policy');
      for (const tag of ['<script', '<link rel="stylesheet"']) {
        if (html.includes(tag)) expect(meta).toBeLessThan(html.indexOf(tag));
      }
    },
  );
});
