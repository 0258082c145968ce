import { describe, expect, it } from 'vitest';
import {
  ApiError,
  buildFigureData,
  figureSpecSchema,
  type FigureRunInput,
  type FigureSpecInput,
  MAX_PNG_PIXELS,
  pngPixels,
  pngSizeProblem,
  type RunRecord,
} from '../../../src-main/contract';
import { figureHandlers, type FigureRunReader } from '../../../src-main/lab/export/service';
import { renderFigure } from '../../../src-main/lab/export/render';
import { openStore } from '../../../src-main/store';
import { tempDbPath } from '../../support/temp';
import { syntheticRun, twoGroups } from '../../contract/chart/fixtures';

/** The run calls over an in-memory list of runs with series (what the lab answers from its store). */
function readerOver(inputs: FigureRunInput[]): FigureRunReader {
  const find = (id: number) => {
    const input = inputs.find((i) => i.run.id === id);
    if (!input) throw new ApiError('not_found', `no run with id ${id}`);
    return input;
  };
  return {
    'runs.get': async ({ id }) => find(id).run as RunRecord,
    'runs.list': async () => inputs.map((i) => i.run as RunRecord),
    'runs.series': async ({ id, keys }) => find(id).series.filter((s) => keys.includes(s.key)),
  };
}

const spec = (input: FigureSpecInput) => figureSpecSchema.parse(input);

describe('figure handlers', () => {
  it('saves, lists, updates and deletes figures by name with validated specs', async () => {
    const store = openStore(tempDbPath());
    try {
      const h = figureHandlers(readerOver(twoGroups()), store);
      const saved = await h['figures.save']({ name: 'Entropy', spec: spec({ runs: [1, 4], metrics: ['entropy'] }) });
      expect(saved).toMatchObject({ name: 'Entropy', spec: { runs: [1, 4], smoothing: 0.6 } });
      const renamed = await h['figures.save']({
        id: saved.id,
        name: 'Entropy, smoothed',
        spec: spec({ runs: [1, 4], metrics: ['entropy'], smoothing: 0.9 }),
      });
      expect(renamed).toMatchObject({ id: saved.id, name: 'Entropy, smoothed', spec: { smoothing: 0.9 } });
      expect((await h['figures.list']({})).map((f) => f.id)).toEqual([saved.id]);
      expect(await h['figures.get']({ id: saved.id })).toEqual(renamed);
      await expect(h['figures.get']({ id: 999 })).rejects.toMatchObject({ code: 'not_found' });
      await expect(h['figures.save']({ id: 999, name: 'x', spec: renamed.spec })).rejects.toMatchObject({
        code: 'not_found',
      });
      expect(await h['figures.delete']({ ids: [saved.id, 999] })).toEqual({ deleted: [saved.id] });
      expect(await h['figures.list']({})).toEqual([]);
    } finally {
      store.close();
    }
  });

  it('renders the same bytes as the renderer given the same data', async () => {
    const inputs = twoGroups();
    const h = figureHandlers(readerOver(inputs), openStoreStub());
    const s = spec({ runs: [1, 2, 3, 4, 5, 6], groupSeeds: true, metrics: ['entropy'] });
    const file = await h['figures.render']({ spec: s, format: 'pdf' });
    expect(file).toMatchObject({ mime: 'application/pdf', filename: 'entropy.pdf', widthIn: 3.25, pixels: null });
    const direct = renderFigure(s, buildFigureData(s, inputs), 'pdf').bytes;
    expect(Buffer.from(file.base64, 'base64').equals(direct)).toBe(true);
  });

  it("re-renders a saved group figure with the group's current runs", async () => {
    const inputs = twoGroups();
    const h = figureHandlers(readerOver(inputs), openStoreStub());
    const s = spec({ groups: [inputs[3].run.groupKey], metrics: ['entropy'] });
    const before = await h['figures.data']({ spec: s, format: 'json' });
    inputs.push(syntheticRun(7, { clipLow: 0.1, seed: 4 }));
    const after = await h['figures.data']({ spec: s, format: 'json' });
    expect(JSON.parse(before.text).series[0].runIds).toEqual([4, 5, 6]);
    expect(JSON.parse(after.text).series[0].runIds).toEqual([4, 5, 6, 7]);
    expect(JSON.parse(after.text).series[0].group.n[0]).toBe(4);
    expect(after.mime).toBe('application/json');
  });

  it('answers a bad request that names the run missing data', async () => {
    const bare = syntheticRun(1);
    bare.series = bare.series.filter((x) => x.key !== 'tokens');
    const h = figureHandlers(readerOver([bare]), openStoreStub());
    const s = spec({ runs: [1], metrics: ['entropy'], xAxis: 'tokens' });
    await expect(h['figures.data']({ spec: s, format: 'csv' })).rejects.toMatchObject({
      code: 'bad_request',
      message: expect.stringMatching(/run 1 has no "tokens" metric/),
    });
    await expect(
      h['figures.render']({ spec: spec({ runs: [5], metrics: ['entropy'] }), format: 'svg' }),
    ).rejects.toMatchObject({ code: 'not_found' });
  });

  it('refuses a PNG too large to draw before reading any data, and says what dpi would fit', async () => {
    const h = figureHandlers(readerOver([]), openStoreStub());
    const huge = spec({ runs: [1], metrics: ['entropy'], size: { width: 40, height: 40 }, dpi: 1200 });
    expect(pngPixels(huge)).toEqual({ width: 48000, height: 48000 }); // ~9.2 GB of RGBA
    const refused = h['figures.render']({ spec: huge, format: 'png' });
    await expect(refused).rejects.toMatchObject({ code: 'bad_request', fields: [{ path: 'spec.dpi' }] });
    await expect(refused).rejects.toThrow(/48000 x 48000 px PNG \(2304 megapixels\).*use at most 250 dpi/);
    expect(() => renderFigure(huge, { traces: [] } as never, 'png')).toThrow(/megapixel limit/);
    // The largest paper figure (double column, three panels) at the highest dpi still fits.
    const paper = spec({ runs: [1], metrics: ['a', 'b', 'c'], size: { width: 'double' }, dpi: 1200 });
    expect(pngSizeProblem(paper)).toBeNull();
    expect(pngPixels(paper).width * pngPixels(paper).height).toBeLessThanOrEqual(MAX_PNG_PIXELS);
  });
});

/** Rendering and data calls never touch saved figures. */
function openStoreStub() {
  const unused = () => {
    throw new Error('the store is not used by this call');
  };
  return { createFigure: unused, getFigure: unused, listFigures: unused, updateFigure: unused, deleteFigure: unused };
}
