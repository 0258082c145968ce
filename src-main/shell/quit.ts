/**
 * What happens to training runs when the app closes (issue 4): the user either leaves them to be
 * resumed later (the default: closing the lab checkpoints running runs and leaves them interrupted;
 * queued runs start again at the next launch) or stops them (`runs.cancel` on each: running runs
 * stop after their step in flight, queued ones are cancelled). Kept apart from Electron so the
 * decision logic is testable.
 */
import { isApiMethod, type RunRecord } from '../contract';
import { dispatch } from '../lab/dispatch';
import type { Lab } from '../lab/types';

export type QuitChoice = 'leave' | 'stop' | 'cancel';

/** Asks the user; `canStop` is false while the lab offers no way to cancel a run. */
export type AskQuitChoice = (active: RunRecord[], canStop: boolean) => Promise<QuitChoice>;

/** The API call that stops a run, once the lab has it. */
const CANCEL_CALL = 'runs.cancel';

export async function activeRuns(lab: Lab): Promise<RunRecord[]> {
  return (await dispatch(lab, 'runs.list', { status: ['running', 'queued'] })) as RunRecord[];
}

/**
 * The `before-quit` hook. Resolves true when the app may quit (the lab is then closed by the
 * caller), false when the user chose to keep it open.
 */
export async function beforeQuit(lab: Lab, ask: AskQuitChoice): Promise<boolean> {
  const active = await activeRuns(lab);
  if (active.length === 0) return true;
  const canStop = isApiMethod(CANCEL_CALL);
  const choice = await ask(active, canStop);
  if (choice === 'cancel') return false;
  if (choice === 'stop' && canStop) {
    for (const run of active) await dispatch(lab, CANCEL_CALL, { id: run.id });
  }
  return true;
}
