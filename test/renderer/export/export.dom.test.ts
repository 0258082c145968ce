/**
 * The Export dialog's plumbing: its form state turns back into a figure spec with the schema's
 * errors by field, and files are saved through the desktop dialog (bridge) or downloaded (browser).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError, figureSpecSchema, type ApiMethod } from '../../../src-main/contract';
import { draftOf, paperSpecOf, specFromDraft } from '../../../src-renderer/components/export/draft';
import { previewPage } from '../../../src-renderer/components/export/preview';
import { base64ToBytes, saveFile, textToBase64 } from '../../../src-renderer/components/export/save-file';
import { clientFrom } from '../../../src-renderer/lib/api';

const spec = figureSpecSchema.parse({ runs: [1, 2], metrics: ['entropy', 'eval/acc'], style: 'screen', fontSize: 14 });

afterEach(() => vi.restoreAllMocks());

describe('export draft', () => {
  it('opens a screen chart as a paper figure and round-trips its settings', () => {
    const paper = paperSpecOf(spec);
    expect(paper).toMatchObject({ style: 'paper', fontSize: null, lineWidth: null, runs: [1, 2] });
    const draft = draftOf(paper);
    expect(draft).toMatchObject({
      size: 'single',
      width: null,
      title: '',
      yLabels: { entropy: '', 'eval/acc': '' },
      labels: {},
    });
    expect(specFromDraft(paper, draft)).toEqual({ ok: true, value: paper });
  });

  it('applies edits: a custom size, a title, a y label, and trims empty text to none', () => {
    const draft = { ...draftOf(spec), size: 'custom' as const, width: 5, height: 3, title: '  Entropy  ', xLabel: ' ' };
    draft.yLabels = { entropy: 'H (nats)', 'eval/acc': '' };
    draft.labels = { 'run:1': ' low 0.1 ', 'run:2': '' };
    const checked = specFromDraft(spec, draft);
    expect(checked.ok && checked.value).toMatchObject({
      size: { width: 5, height: 3 },
      title: 'Entropy',
      xLabel: null,
      yLabels: { entropy: 'H (nats)' },
      labels: { 'run:1': 'low 0.1' },
    });
    expect(checked.ok && previewPage(checked.value)).toEqual({ width: 360, height: 216 });
  });

  it('names the field of each invalid setting', () => {
    const draft = { ...draftOf(spec), size: 'custom' as const, width: null, fontSize: 100, dpi: 10 };
    const checked = specFromDraft(spec, draft);
    expect(checked.ok).toBe(false);
    expect(!checked.ok && checked.errors.map((e) => e.path).sort()).toEqual(['dpi', 'fontSize', 'size.width']);
  });
});

describe('saveFile', () => {
  it('asks the desktop app to save through its dialog, offering the file type', async () => {
    const calls: [ApiMethod, unknown][] = [];
    const client = clientFrom({
      kind: 'bridge',
      call: async (method, args) => {
        calls.push([method, args]);
        return { path: '/home/me/fig.pdf' };
      },
      onEvent: () => () => undefined,
      onResync: () => () => undefined,
    });
    const outcome = await saveFile(client, {
      filename: 'fig.pdf',
      mime: 'application/pdf',
      base64: 'JVBERg==',
      kind: 'PDF figure',
    });
    expect(outcome).toEqual({ saved: true, message: 'Saved /home/me/fig.pdf' });
    expect(calls).toEqual([
      [
        'files.saveAs',
        { filename: 'fig.pdf', base64: 'JVBERg==', filters: [{ name: 'PDF figure', extensions: ['pdf'] }] },
      ],
    ]);
  });

  it('downloads the bytes in a browser', async () => {
    const client = clientFrom({
      kind: 'http',
      call: async (method) => {
        throw new ApiError('unavailable', `${method} must not be called`);
      },
      onEvent: () => () => undefined,
      onResync: () => () => undefined,
    });
    const blobs: Blob[] = [];
    URL.createObjectURL = vi.fn((blob: Blob) => (blobs.push(blob), 'blob:figure'));
    URL.revokeObjectURL = vi.fn();
    const clicked: { href: string; download: string }[] = [];
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      clicked.push({ href: this.href, download: this.download });
    });
    const text = 'step,entropy\n0,2.5\n';
    const outcome = await saveFile(client, {
      filename: 'data.csv',
      mime: 'text/csv',
      base64: textToBase64(text),
      kind: 'CSV data',
    });
    expect(outcome).toEqual({ saved: true, message: 'Downloaded data.csv' });
    expect(clicked).toEqual([{ href: 'blob:figure', download: 'data.csv' }]);
    expect(blobs[0].type).toBe('text/csv');
    expect(new TextDecoder().decode(base64ToBytes(textToBase64(text)))).toBe(text);
    expect(document.querySelector('a[download]')).toBeNull();
  });
});
