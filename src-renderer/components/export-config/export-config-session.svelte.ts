/**
 * The Export config dialog's workflow, apart from its markup: the trainer tab shown, each tab's text
 * read from the lab once (`runs.exportConfig`), and copying or saving it with what happened said.
 */
import { ApiError, type ExportTarget, type LocalRun } from '../../../src-main/contract';
import { LiveResult } from '../../lib/live.svelte';
import type { LabClient } from '../../lib/transport';
import { saveFile, textToBase64 } from '../export/save-file';
import { configFileName, copyText, TARGETS } from './export-config';

export class ExportConfigSession {
  target: ExportTarget = $state('verl');
  message: { text: string; error: boolean } | null = $state(null);
  readonly run: LocalRun;
  /** One read per tab, made the first time the tab is shown. */
  #texts: Partial<Record<ExportTarget, LiveResult<string>>> = $state({});
  #client: LabClient;

  constructor(client: LabClient, run: LocalRun) {
    this.#client = client;
    this.run = run;
    this.select(this.target);
  }

  /** Whether saving shows the desktop's dialog (else the browser downloads). */
  get desktop(): boolean {
    return this.#client.transport === 'bridge';
  }

  /** The shown tab's text; undefined while it is read, or when it could not be. */
  get text(): string | undefined {
    return this.#texts[this.target]?.value ?? undefined;
  }

  /** Why the shown tab has no text. */
  get failure(): string | undefined {
    return this.#texts[this.target]?.error?.message;
  }

  select(target: ExportTarget): void {
    this.target = target;
    this.message = null;
    if (this.#texts[target]) return;
    const text = new LiveResult<string>();
    this.#texts = { ...this.#texts, [target]: text };
    void text.load(() => this.#client.api['runs.exportConfig']({ id: this.run.id, to: target }));
  }

  async copy(nav?: Navigator): Promise<void> {
    const text = this.text;
    if (text === undefined) return;
    this.message = (await copyText(text, nav))
      ? { text: 'Copied to the clipboard', error: false }
      : { text: 'The clipboard is not available here; select the text and copy it', error: true };
  }

  async save(): Promise<void> {
    const text = this.text;
    if (text === undefined) return;
    const target = this.target;
    try {
      const file = { filename: configFileName(this.run.name, target), mime: 'text/plain', base64: textToBase64(text) };
      this.message = {
        text: (await saveFile(this.#client, { ...file, kind: TARGETS[target].kind })).message,
        error: false,
      };
    } catch (err) {
      this.message = { text: ApiError.of(err).message, error: true };
    }
  }
}
