/**
 * Compare's chart settings with a real keyboard in Chromium (issue 14): the x-axis radios move with
 * the arrow keys, the smoothing slider steps with them, the check boxes toggle with Space and the
 * band select takes a choice. userEvent drives Playwright's keyboard: trusted input events.
 */
import { cleanup, render, screen } from '@testing-library/svelte';
import { userEvent } from 'vitest/browser';
import { afterEach, describe, expect, it } from 'vitest';
import CompareControls from '../../src-renderer/components/compare/CompareControls.svelte';
import { DEFAULT_SETTINGS, type CompareSettings } from '../../src-renderer/components/compare/compare-query';

afterEach(() => cleanup());

describe("Compare's chart settings with a keyboard", () => {
  it('moves the x axis, steps the smoothing, toggles log scale and seed groups, picks a band', async () => {
    let settings: CompareSettings = { ...DEFAULT_SETTINGS, runs: [1], metrics: ['entropy'] };
    const patches: Partial<CompareSettings>[] = [];
    const view = render(CompareControls, {
      props: {
        settings,
        onchange: (patch: Partial<CompareSettings>) => {
          patches.push(patch);
          settings = { ...settings, ...patch };
          void view.rerender({ settings });
        },
      },
    });

    // The radios sit hidden inside their labels (a segmented control): a click lands on the label.
    await userEvent.click(screen.getByRole('radio', { name: 'Step' }).closest('label')!);
    await userEvent.keyboard('{ArrowRight}');
    await expect.poll(() => settings.xAxis).toBe('tokens');
    expect((screen.getByRole('radio', { name: 'Tokens' }) as HTMLInputElement).checked).toBe(true);

    const slider = screen.getByRole('slider') as HTMLInputElement;
    await userEvent.click(slider);
    const clicked = Number(slider.value);
    await userEvent.keyboard('{ArrowRight}{ArrowRight}');
    await expect.poll(() => settings.smoothing).toBeCloseTo(clicked + 0.02, 10);

    await userEvent.tab();
    await userEvent.keyboard(' ');
    await expect.poll(() => settings.logY).toBe(true);
    await userEvent.tab();
    await userEvent.keyboard(' ');
    await expect.poll(() => settings.groupSeeds).toBe(true);

    const band = (await screen.findByRole('combobox')) as HTMLSelectElement;
    await userEvent.selectOptions(band, 'min–max');
    await expect.poll(() => settings.band).toBe('minmax');
    expect(patches.map((p) => Object.keys(p)[0])).toEqual(
      expect.arrayContaining(['xAxis', 'smoothing', 'logY', 'groupSeeds', 'band']),
    );
  });
});
