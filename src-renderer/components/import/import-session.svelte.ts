/**
 * The Import dialog's workflow, apart from its markup: where the file comes from, its preview
 * (`imports.detect`, the newest answer winning while the user changes the source), the import with
 * its progress events, and each error beside the field it is about. Testable without a DOM.
 */
import { ApiError, type ImportPreview, type ImportProgressEvent, type RunRecord } from '../../../src-main/contract';
import { LiveResult } from '../../lib/live.svelte';
import type { LabClient } from '../../lib/transport';
import {
  detectArgs,
  errorsByField,
  importRequest,
  isProgressOf,
  performImport,
  progressFraction,
  readUpload,
  uploadProblem,
  type FieldMessages,
  type FormatChoice,
  type ImportSourceChoice,
  type Upload,
} from './import-model';

export class ImportSession {
  /** The desktop reads files where they are; a browser uploads them unless told a path on the server. */
  readonly desktop: boolean;
  mode: 'upload' | 'path' = $state('upload');
  upload: Upload | null = $state.raw(null);
  /** The browser is reading the picked file. */
  reading = $state(false);
  path = $state('');
  follow = $state(false);
  format: FormatChoice = $state('auto');
  name = $state('');
  /** A preview is being read. */
  previewing = $state(false);
  errors: FieldMessages = $state({});
  importing = $state(false);
  progress: ImportProgressEvent | null = $state.raw(null);
  #preview = new LiveResult<ImportPreview>();
  #client: LabClient;

  constructor(client: LabClient) {
    this.#client = client;
    this.desktop = client.transport === 'bridge';
    this.mode = this.desktop ? 'path' : 'upload';
  }

  get source(): ImportSourceChoice | null {
    if (this.mode === 'upload') return this.upload ? { kind: 'upload', upload: this.upload } : null;
    return this.path.trim() ? { kind: 'path', path: this.path } : null;
  }

  /** What the file would import as; null until read, and after a failed read. */
  get preview(): ImportPreview | null {
    return this.#preview.state === 'ready' ? this.#preview.value : null;
  }

  get following(): boolean {
    return this.mode === 'path' && this.follow;
  }

  /** A log with no metrics yet cannot be previewed, but can be followed once its format is chosen. */
  get ready(): boolean {
    return (
      this.source !== null &&
      !this.previewing &&
      !this.reading &&
      (this.preview !== null || (this.following && this.format !== 'auto'))
    );
  }

  /** Share of the file read while importing, 0..1; null before any progress. */
  get fraction(): number | null {
    return progressFraction(this.progress);
  }

  setMode(mode: 'upload' | 'path'): void {
    this.mode = mode;
    this.reset();
  }

  setPath(path: string): void {
    this.path = path;
    this.reset();
  }

  /** Forgets the preview of a source that changed (a preview still in flight included). */
  reset(): void {
    this.#preview.reset();
    this.previewing = false;
    this.errors = {};
  }

  async runPreview(): Promise<void> {
    const source = this.source;
    const args = source && detectArgs(source, this.format);
    if (!args || !source) return;
    this.previewing = true;
    this.errors = {};
    const reading = this.#preview.load(() => this.#client.api['imports.detect'](args));
    const current = this.#preview.guard();
    await reading;
    if (!current()) return;
    this.previewing = false;
    if (this.#preview.error) this.errors = errorsByField(this.#preview.error, source.kind);
  }

  /** A file picked in the browser: checked, read, then previewed. */
  async pickFile(file: File | null): Promise<void> {
    this.reset();
    this.upload = null;
    if (!file) return;
    const problem = uploadProblem(file);
    if (problem) {
      this.errors = { file: problem };
      return;
    }
    this.reading = true;
    try {
      this.upload = await readUpload(file);
    } catch (err) {
      this.errors = { file: `Could not read ${file.name}: ${ApiError.of(err).message}` };
    } finally {
      this.reading = false;
    }
    if (this.upload) await this.runPreview();
  }

  /** The desktop's own file dialog: a path, previewed at once. */
  async chooseOnDesktop(): Promise<void> {
    try {
      const chosen = await this.#client.api['files.openPath']({ title: 'Import a training log' });
      if (!chosen.path) return;
      this.setPath(chosen.path);
      await this.runPreview();
    } catch (err) {
      this.errors = errorsByField(err, 'path');
    }
  }

  /** A new format is previewed again once the source has been read (or refused). */
  changeFormat(): void {
    if (this.source && (this.preview !== null || Object.keys(this.errors).length > 0)) void this.runPreview();
  }

  /** Imports (or starts following) the source; resolves with the new run, or null when it failed. */
  async submit(): Promise<RunRecord | null> {
    const source = this.source;
    if (!this.ready || !source || this.importing) return null;
    const request = importRequest(source, { format: this.format, name: this.name, follow: this.following });
    this.importing = true;
    this.progress = null;
    this.errors = {};
    const off = this.#client.onEvent((e) => {
      if (e.name === 'import.progress' && isProgressOf(e.payload, source)) this.progress = e.payload;
    });
    try {
      return await performImport(this.#client, request);
    } catch (err) {
      this.errors = errorsByField(err, source.kind);
      return null;
    } finally {
      off();
      this.importing = false;
    }
  }
}
