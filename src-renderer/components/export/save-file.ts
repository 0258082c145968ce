/**
 * Saving a file the renderer holds. In the desktop app the lab's `files.saveAs` shows the native
 * save dialog and writes the file; in a browser (web mode) the file is downloaded through a Blob
 * and an object URL, which the page's CSP allows (blob: is a same-document URL, not a fetch).
 */
import type { LabClient } from '../../lib/transport';

export interface FileToSave {
  filename: string;
  mime: string;
  base64: string;
  /** What the save dialog calls the type, e.g. "PDF figure". */
  kind: string;
}

export type SaveOutcome = { saved: true; message: string } | { saved: false; message: string };

export function base64ToBytes(base64: string): Uint8Array<ArrayBuffer> {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

export function textToBase64(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let binary = '';
  // In slices: String.fromCharCode takes its bytes as arguments, and argument lists are bounded.
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

function extensionOf(filename: string): string {
  return filename.includes('.') ? (filename.split('.').pop() as string) : '';
}

/** Hands the bytes to the browser as a download named `file.filename`. */
export function downloadFile(file: FileToSave, doc: Document = document): void {
  const url = URL.createObjectURL(new Blob([base64ToBytes(file.base64)], { type: file.mime }));
  const link = doc.createElement('a');
  link.href = url;
  link.download = file.filename;
  link.hidden = true;
  doc.body.append(link);
  link.click();
  link.remove();
  // The download has started from the click; the URL is released once the browser has read it.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** Saves through the desktop dialog, or downloads in a browser; says what happened. */
export async function saveFile(client: LabClient, file: FileToSave): Promise<SaveOutcome> {
  if (client.transport === 'bridge') {
    const extension = extensionOf(file.filename);
    const filters = extension ? [{ name: file.kind, extensions: [extension] }] : [];
    const { path } = await client.api['files.saveAs']({ filename: file.filename, base64: file.base64, filters });
    return path ? { saved: true, message: `Saved ${path}` } : { saved: false, message: 'Not saved: cancelled' };
  }
  downloadFile(file);
  return { saved: true, message: `Downloaded ${file.filename}` };
}
