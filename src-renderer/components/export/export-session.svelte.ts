/**
 * The Export dialog's workflow, apart from its markup and preview: the figure being edited (a spec
 * restyled for paper, and the draft of its settings), saving it as a file (`figures.render`), its
 * plotted data (`figures.data`) or by name (`figures.save`), and the figures saved by name, with
 * what happened said after each step. Testable without a DOM.
 */
import {
  ApiError,
  type DataFormat,
  type FigureFormat,
  type FigureSpec,
  type SavedFigure,
} from '../../../src-main/contract';
import { LiveResult } from '../../lib/live.svelte';
import type { LabClient } from '../../lib/transport';
import { draftOf, paperSpecOf, specFromDraft, type FigureDraft } from './draft';
import { saveFile, textToBase64 } from './save-file';

export const FORMAT_INFO: Record<FigureFormat, { label: string; kind: string; note: string }> = {
  pdf: { label: 'PDF', kind: 'PDF figure', note: 'vector, fonts embedded, text selectable' },
  svg: { label: 'SVG', kind: 'SVG figure', note: 'vector; text as outlines for LaTeX pipelines if asked' },
  png: { label: 'PNG', kind: 'PNG image', note: 'bitmap at the chosen resolution' },
};

export const DATA_KINDS: Record<DataFormat, string> = { csv: 'CSV data', json: 'JSON data' };

/** What the dialog is doing: rendering a figure file, writing data, or saving the figure by name. */
export type ExportTask = 'figure' | 'data' | 'save';

export class ExportSession {
  /** The runs, metrics and axes of the figure: style edits live in the draft, so they never refetch. */
  base: FigureSpec = $state.raw() as FigureSpec;
  draft: FigureDraft = $state() as FigureDraft;
  /** The saved figure being edited, if one was opened. */
  opened: SavedFigure | null = $state.raw(null);
  /** The name to save the figure under. */
  name = $state('');
  busy: ExportTask | null = $state(null);
  message: { text: string; error: boolean } | null = $state(null);
  /** The spec the draft makes, or why it makes none. */
  readonly checked = $derived(specFromDraft(this.base, this.draft));
  readonly current: FigureSpec | null = $derived(this.checked.ok ? this.checked.value : null);
  readonly errors = $derived(this.checked.ok ? [] : this.checked.errors);
  /** Figures saved by name, newest first as the lab lists them. */
  readonly figures = new LiveResult<SavedFigure[]>();
  #client: LabClient;

  constructor(client: LabClient, spec: FigureSpec) {
    this.#client = client;
    this.base = paperSpecOf(spec);
    this.draft = draftOf(this.base);
  }

  /** Whether saving shows the desktop's dialog (else the browser downloads). */
  get desktop(): boolean {
    return this.#client.transport === 'bridge';
  }

  /** Writes the figure as PDF, SVG or PNG. */
  saveFigure(spec: FigureSpec, format: FigureFormat): Promise<void> {
    return this.#act('figure', async () => {
      const { filename, mime, base64 } = await this.#client.api['figures.render']({ spec, format });
      return (await saveFile(this.#client, { filename, mime, base64, kind: FORMAT_INFO[format].kind })).message;
    });
  }

  /** Writes the plotted data (raw, smoothed, group mean/std/n) as CSV or JSON. */
  saveData(spec: FigureSpec, format: DataFormat): Promise<void> {
    return this.#act('data', async () => {
      const { filename, mime, text } = await this.#client.api['figures.data']({ spec, format });
      const file = { filename, mime, base64: textToBase64(text), kind: DATA_KINDS[format] };
      return (await saveFile(this.#client, file)).message;
    });
  }

  /** Saves the figure by name: over the opened one, or `asNew`. */
  saveSpec(spec: FigureSpec, asNew: boolean): Promise<void> {
    return this.#act('save', async () => {
      const id = asNew ? undefined : this.opened?.id;
      const saved = await this.#client.api['figures.save']({ id, name: this.name, spec });
      this.opened = saved;
      void this.readFigures();
      return `Saved figure “${saved.name}”`;
    });
  }

  /** Edits a saved figure: its spec, drawn with the runs' data of today, in the format chosen now. */
  open(figure: SavedFigure): void {
    this.opened = figure;
    this.name = figure.name;
    this.base = figure.spec;
    this.draft = draftOf(figure.spec, this.draft.format);
    this.message = null;
  }

  async readFigures(): Promise<void> {
    await this.figures.load(() => this.#client.api['figures.list']({}));
  }

  /** Deletes a saved figure (the dialog asked first), then reads the list again. */
  async deleteFigure(id: number): Promise<void> {
    try {
      await this.#client.api['figures.delete']({ ids: [id] });
    } catch (err) {
      this.message = { text: ApiError.of(err).message, error: true };
    }
    await this.readFigures();
  }

  async #act(task: ExportTask, run: () => Promise<string>): Promise<void> {
    this.busy = task;
    this.message = null;
    try {
      this.message = { text: await run(), error: false };
    } catch (err) {
      this.message = { text: ApiError.of(err).message, error: true };
    } finally {
      this.busy = null;
    }
  }
}
