/**
 * The Export dialog's workflow without its markup: a chart opens as a paper figure, the draft's
 * settings make the spec that is saved, files go through the desktop's save dialog, and figures
 * saved by name are listed, opened and deleted, with what happened said after each step.
 */
import { describe, expect, it } from 'vitest';
import { ApiError, figureSpecSchema, type FigureSpec, type SavedFigure } from '../../../src-main/contract';
import { ExportSession } from '../../../src-renderer/components/export/export-session.svelte';
import { scriptedApi } from '../scripted-api';

const screen = figureSpecSchema.parse({ runs: [1, 2], metrics: ['entropy'], style: 'screen' });

function savedLab() {
  const saved: SavedFigure[] = [];
  const api = scriptedApi({
    'figures.render': ({ format }) => ({
      filename: `entropy.${format}`,
      mime: 'application/pdf',
      base64: 'JVBERg==',
      widthIn: 3.25,
      heightIn: 2.4,
      pixels: null,
    }),
    'figures.data': () => ({ filename: 'entropy.csv', mime: 'text/csv', text: 'step,entropy\n' }),
    'files.saveAs': ({ filename }) => ({ path: `/home/me/${filename}` }),
    'figures.list': () => [...saved].reverse(),
    'figures.save': ({ id, name, spec }) => {
      const figure = { id: id ?? saved.length + 1, name, spec: spec as FigureSpec, createdAt: '', updatedAt: '' };
      saved.splice(id ? saved.findIndex((f) => f.id === id) : saved.length, id ? 1 : 0, figure);
      return figure;
    },
    'figures.delete': ({ ids }) => {
      ids.forEach((id) =>
        saved.splice(
          saved.findIndex((f) => f.id === id),
          1,
        ),
      );
      return { deleted: ids };
    },
  });
  return { api, saved, client: { ...api.client, transport: 'bridge' as const } };
}

describe('ExportSession', () => {
  it('opens a screen chart as a paper figure and makes its spec from the draft', () => {
    const session = new ExportSession(scriptedApi().client, screen);
    expect(session.base.style).toBe('paper');
    expect(session.current).toEqual(session.base);
    session.draft.title = '  Entropy  ';
    expect(session.current?.title).toBe('Entropy');
    session.draft.size = 'custom';
    session.draft.width = null;
    expect(session.current).toBeNull();
    expect(session.errors.map((e) => e.path)).toEqual(['size.width']);
  });

  it('saves the figure and its data through the desktop dialog, saying where', async () => {
    const { api, client } = savedLab();
    const session = new ExportSession(client, screen);
    await session.saveFigure(session.current!, 'pdf');
    expect(session.message).toEqual({ text: 'Saved /home/me/entropy.pdf', error: false });
    expect(api.callsOf('figures.render')).toEqual([{ spec: session.current, format: 'pdf' }]);
    await session.saveData(session.current!, 'csv');
    expect(session.message?.text).toBe('Saved /home/me/entropy.csv');
    expect(api.callsOf('files.saveAs').map((a) => a.filters)).toEqual([
      [{ name: 'PDF figure', extensions: ['pdf'] }],
      [{ name: 'CSV data', extensions: ['csv'] }],
    ]);
    expect(session.busy).toBeNull();
  });

  it('says what went wrong when the lab refuses', async () => {
    const api = scriptedApi({
      'figures.render': () => {
        throw new ApiError('bad_request', 'the PNG would be 48000 x 36000 px; lower the dpi');
      },
    });
    const session = new ExportSession(api.client, screen);
    await session.saveFigure(session.current!, 'png');
    expect(session.message).toEqual({ text: 'the PNG would be 48000 x 36000 px; lower the dpi', error: true });
  });

  it('saves by name, updates the figure it opened, and lists, opens and deletes saved figures', async () => {
    const { client, saved } = savedLab();
    const session = new ExportSession(client, screen);
    await session.readFigures();
    expect(session.figures.value).toEqual([]);
    session.name = 'entropy sym';
    await session.saveSpec(session.current!, true);
    expect(session.message?.text).toBe('Saved figure “entropy sym”');
    await expect.poll(() => session.figures.value?.map((f) => f.name)).toEqual(['entropy sym']);

    session.draft.title = 'Entropy, two seeds';
    await session.saveSpec(session.current!, false);
    expect(saved.map((f) => [f.id, f.spec.title])).toEqual([[1, 'Entropy, two seeds']]);

    const other = new ExportSession(client, figureSpecSchema.parse({ runs: [7], metrics: ['eval/acc'] }));
    other.draft.format = 'svg';
    other.open(saved[0]);
    expect([other.name, other.base.runs, other.draft.title, other.draft.format]).toEqual([
      'entropy sym',
      [1, 2],
      'Entropy, two seeds',
      'svg',
    ]);
    await other.deleteFigure(1);
    expect(other.figures.value).toEqual([]);
  });
});
