/** Types of scripts/make-icons.mjs, for the tests that check the committed icons. */
export const ICON_SOURCE: string;
export const LINUX_SIZES: number[];
export const WINDOWS_SIZES: number[];
export const MAC_ENTRIES: [type: string, size: number][];
export function renderPng(svg: string, size: number): Buffer;
export function icoFile(pngs: { size: number; png: Buffer }[]): Buffer;
export function icnsFile(entries: { type: string; png: Buffer }[]): Buffer;
export function renderIcons(svg: string): Map<string, Buffer>;
