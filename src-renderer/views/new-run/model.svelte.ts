/**
 * The New run form's model panel as a session: reads the chosen model folder through the lab
 * (`models.inspect`: size, vocabulary, the memory estimate of the form's run) and chooses folders
 * and data files with the desktop's dialogs. Answers that arrive after a newer request are dropped.
 */
import { ApiError, type ModelInspection } from '../../../src-main/contract';
import type { LabClient } from '../../lib/api';

/** Typing pauses this long before the folder is read. */
const DEBOUNCE_MS = 300;

export class ModelSession {
  inspection: ModelInspection | null = $state.raw(null);
  error: string | null = $state(null);
  busy = $state(false);
  private latest = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly client: LabClient) {}

  /** Only the desktop app has dialogs; in a browser the path is typed (a path on the server). */
  get canChoose(): boolean {
    return this.client.transport === 'bridge';
  }

  /** Reads `path` (after a pause in typing) and estimates `config`'s memory. */
  schedule(path: string, config: unknown): void {
    if (this.timer) clearTimeout(this.timer);
    const request = ++this.latest;
    if (path.trim() === '') {
      [this.inspection, this.error, this.busy] = [null, null, false];
      return;
    }
    this.timer = setTimeout(() => void this.inspect(request, path, config), DEBOUNCE_MS);
  }

  private async inspect(request: number, path: string, config: unknown): Promise<void> {
    this.busy = true;
    try {
      const answer = await this.client.api['models.inspect']({ path, config });
      if (request !== this.latest) return;
      [this.inspection, this.error] = [answer, null];
    } catch (err) {
      if (request !== this.latest) return;
      [this.inspection, this.error] = [
        null,
        err instanceof ApiError || err instanceof Error ? err.message : String(err),
      ];
    } finally {
      if (request === this.latest) this.busy = false;
    }
  }

  /** The desktop's folder dialog; null when cancelled. */
  async chooseFolder(): Promise<string | null> {
    return (await this.client.api['files.openPath']({ kind: 'folder', title: 'Choose a Hugging Face model folder' }))
      .path;
  }

  /** The desktop's file dialog for a JSONL or Parquet data file; null when cancelled. */
  async chooseDataFile(): Promise<string | null> {
    const filters = [{ name: 'Problems (JSONL, Parquet)', extensions: ['jsonl', 'json', 'parquet'] }];
    return (await this.client.api['files.openPath']({ title: 'Choose a data file', filters })).path;
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.latest++;
  }
}
