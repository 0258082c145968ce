/**
 * The Diagnostics view's random-reward control card with a real keyboard and mouse in Chromium
 * (issue 14): its p box types, steps with the arrow keys, clears back to "the run's mean reward",
 * and keeps a p outside 0 to 1 visible with a plain message while the launch button waits.
 */
import { cleanup, render, screen } from '@testing-library/svelte';
import { userEvent } from 'vitest/browser';
import { afterEach, describe, expect, it } from 'vitest';
import type { ClipSettingsInfo } from '../../src-main/contract';
import ControlCard from '../../src-renderer/components/diagnostics/ControlCard.svelte';
import { appContext } from '../../src-renderer/lib/context';
import { localRun } from '../support/run-records';
import { scriptedApi } from './scripted-api';

afterEach(() => cleanup());

const settings: ClipSettingsInfo = {
  clipLow: 0.2,
  clipHigh: 0.2,
  clipHighOff: false,
  dualClip: null,
  updatesPerRollout: 4,
  rewardKind: 'verifier',
  lr: 1e-3,
  sources: {},
};

function mount() {
  const lab = scriptedApi({ 'runs.control': ({ id }) => localRun(id + 1, { name: 'sym control' }) });
  render(ControlCard, {
    props: {
      control: { status: 'unavailable', reason: 'No random-reward control of this run yet.' },
      run: { id: 4, name: 'sym', origin: 'local', seed: 1, groupKey: null },
      settings,
    },
    context: appContext(lab.client),
  });
  return lab;
}

describe("the control card's p with a keyboard", () => {
  it('types, steps, clears and refuses p outside 0 to 1 until fixed', async () => {
    const lab = mount();
    const p = screen.getByRole('spinbutton', { name: 'Reward probability p' }) as HTMLInputElement;
    const launch = screen.getByRole('button', { name: 'Launch random-reward control' }) as HTMLButtonElement;

    await userEvent.click(p);
    await userEvent.keyboard('1.5');
    expect(p.value).toBe('1.5');
    expect(document.getElementById('control-p-4-error')?.textContent).toBe(
      'Enter a probability from 0 to 1, or leave it empty.',
    );
    expect(launch.disabled).toBe(true);

    await userEvent.keyboard('{Backspace}{Backspace}{Backspace}');
    expect(p.value).toBe('');
    expect(launch.disabled).toBe(false);

    await userEvent.keyboard('0.3x');
    expect(p.value).toBe('0.3x');
    expect(document.getElementById('control-p-4-error')?.textContent).toMatch(/number/);
    expect(launch.disabled).toBe(true);
    await userEvent.keyboard('{Backspace}{ArrowUp}{ArrowUp}{ArrowDown}');
    expect(p.value).toBe('0.35');
    expect(document.getElementById('control-p-4-error')).toBeNull();

    await userEvent.click(launch);
    await expect.poll(() => lab.callsOf('runs.control')).toEqual([{ id: 4, p: 0.35 }]);
    expect(await screen.findByText(/Queued control “sym control” \(#5\)/)).toBeTruthy();
  });

  it('with the box left empty, queues the control at the run’s mean reward', async () => {
    const lab = mount();
    await userEvent.click(screen.getByRole('button', { name: 'Launch random-reward control' }));
    await expect.poll(() => lab.callsOf('runs.control')).toEqual([{ id: 4 }]);
  });
});
