/** The committed icons are what scripts/make-icons.mjs renders from resources/icon.svg, in every size. */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LINUX_SIZES, MAC_ENTRIES, renderIcons, WINDOWS_SIZES } from '../../scripts/make-icons.mjs';

const root = path.resolve(import.meta.dirname, '..', '..');
const read = (file: string) => fs.readFileSync(path.join(root, file));

/** Width and height from a PNG's IHDR chunk. */
function pngSize(png: Buffer): [number, number] {
  expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
  return [png.readUInt32BE(16), png.readUInt32BE(20)];
}

describe('app icons', () => {
  it('are up to date with resources/icon.svg', () => {
    const files = renderIcons(read('resources/icon.svg').toString('utf8'));
    for (const [file, data] of files)
      expect(read(file).equals(data), `${file} is stale: run scripts/make-icons.mjs`).toBe(true);
  });

  it('has the PNG sizes Linux desktops look for', () => {
    for (const size of LINUX_SIZES) expect(pngSize(read(`resources/icons/${size}x${size}.png`))).toEqual([size, size]);
  });

  it('has an ICO whose directory lists 16 to 256 px PNG images', () => {
    const ico = read('resources/icon.ico');
    expect(ico.readUInt16LE(2)).toBe(1);
    const count = ico.readUInt16LE(4);
    const sizes = Array.from({ length: count }, (_, i) => {
      const at = 6 + 16 * i;
      const png = ico.subarray(ico.readUInt32LE(at + 12), ico.readUInt32LE(at + 12) + ico.readUInt32LE(at + 8));
      const side = ico[at] || 256;
      expect(pngSize(png)).toEqual([side, side]);
      return side;
    });
    expect(sizes).toEqual(WINDOWS_SIZES);
  });

  it('has an ICNS with every entry type macOS uses, up to 1024 px', () => {
    const icns = read('resources/icon.icns');
    expect(icns.subarray(0, 4).toString('latin1')).toBe('icns');
    expect(icns.readUInt32BE(4)).toBe(icns.length);
    const found = new Map<string, number>();
    for (let at = 8; at < icns.length; at += icns.readUInt32BE(at + 4)) {
      const png = icns.subarray(at + 8, at + icns.readUInt32BE(at + 4));
      found.set(icns.subarray(at, at + 4).toString('latin1'), pngSize(png)[0]);
    }
    expect(found).toEqual(new Map(MAC_ENTRIES));
  });
});
