#!/usr/bin/env node
// Renders the app icon in every size the desktop packages need from the one source,
// resources/icon.svg, with @napi-rs/canvas (no system tools, works offline):
//   resources/icons/<N>x<N>.png   Linux (AppImage, .deb): electron-builder takes the folder
//   resources/icon.ico            Windows (NSIS, the .exe): PNG-compressed entries 16-256 px
//   resources/icon.icns           macOS (.dmg, the .app): PNG entries 16-1024 px
// The outputs are committed; test/packaging/icons.test.ts renders them again and fails when they
// are stale. Usage: node scripts/make-icons.mjs
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createCanvas, Image } from '@napi-rs/canvas';

const root = path.resolve(import.meta.dirname, '..');
export const ICON_SOURCE = 'resources/icon.svg';
export const LINUX_SIZES = [16, 24, 32, 48, 64, 128, 256, 512];
export const WINDOWS_SIZES = [16, 24, 32, 48, 64, 128, 256];
/** ICNS entry types holding PNG data, by pixel size (the @2x types share sizes with the 1x ones). */
export const MAC_ENTRIES = [
  ['icp4', 16],
  ['icp5', 32],
  ['ic11', 32],
  ['icp6', 64],
  ['ic12', 64],
  ['ic07', 128],
  ['ic08', 256],
  ['ic13', 256],
  ['ic09', 512],
  ['ic14', 512],
  ['ic10', 1024],
];

/** One PNG of the SVG at size x size pixels. */
export function renderPng(svg, size) {
  const image = new Image();
  image.src = Buffer.from(svg);
  const canvas = createCanvas(size, size);
  canvas.getContext('2d').drawImage(image, 0, 0, size, size);
  return canvas.toBuffer('image/png');
}

/** An ICO file: a 6-byte header, a 16-byte entry per image, then the PNGs (Windows Vista and later). */
export function icoFile(pngs) {
  const header = Buffer.alloc(6 + 16 * pngs.length);
  header.writeUInt16LE(0, 0);
  header.writeUInt16LE(1, 2); // 1 = icon
  header.writeUInt16LE(pngs.length, 4);
  let offset = header.length;
  pngs.forEach(({ size, png }, i) => {
    const at = 6 + 16 * i;
    header.writeUInt8(size >= 256 ? 0 : size, at); // 0 means 256
    header.writeUInt8(size >= 256 ? 0 : size, at + 1);
    header.writeUInt16LE(1, at + 4); // colour planes
    header.writeUInt16LE(32, at + 6); // bits per pixel
    header.writeUInt32LE(png.length, at + 8);
    header.writeUInt32LE(offset, at + 12);
    offset += png.length;
  });
  return Buffer.concat([header, ...pngs.map((p) => p.png)]);
}

/** An ICNS file: 'icns' and the total length, then (type, length incl. 8-byte head, PNG) per entry. */
export function icnsFile(entries) {
  const chunks = entries.map(({ type, png }) => {
    const head = Buffer.alloc(8);
    head.write(type, 0, 'latin1');
    head.writeUInt32BE(png.length + 8, 4);
    return Buffer.concat([head, png]);
  });
  const head = Buffer.alloc(8);
  head.write('icns', 0, 'latin1');
  head.writeUInt32BE(8 + chunks.reduce((n, c) => n + c.length, 0), 4);
  return Buffer.concat([head, ...chunks]);
}

/** Every generated file (path relative to the checkout -> contents) from the SVG's text. */
export function renderIcons(svg) {
  const sizes = new Set([...LINUX_SIZES, ...WINDOWS_SIZES, ...MAC_ENTRIES.map(([, s]) => s)]);
  const png = new Map([...sizes].map((s) => [s, renderPng(svg, s)]));
  const files = new Map(LINUX_SIZES.map((s) => [`resources/icons/${s}x${s}.png`, png.get(s)]));
  files.set('resources/icon.ico', icoFile(WINDOWS_SIZES.map((size) => ({ size, png: png.get(size) }))));
  files.set('resources/icon.icns', icnsFile(MAC_ENTRIES.map(([type, s]) => ({ type, png: png.get(s) }))));
  return files;
}

function main() {
  const files = renderIcons(fs.readFileSync(path.join(root, ICON_SOURCE), 'utf8'));
  for (const [file, data] of files) {
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    fs.writeFileSync(path.join(root, file), data);
  }
  const bytes = [...files.values()].reduce((n, d) => n + d.length, 0);
  process.stdout.write(`wrote ${files.size} icon files (${Math.round(bytes / 1024)} KiB) from ${ICON_SOURCE}\n`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) main();
