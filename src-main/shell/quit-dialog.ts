/** The native dialog behind `beforeQuit`: leave runs to resume later (default), stop them, or keep the app open. */
import { dialog, type BrowserWindow } from 'electron';
import type { RunRecord } from '../contract';
import type { AskQuitChoice, QuitChoice } from './quit';

export function quitDialog(parent: () => BrowserWindow | null): AskQuitChoice {
  return async (active: RunRecord[], canStop: boolean): Promise<QuitChoice> => {
    const choices: { label: string; choice: QuitChoice }[] = [
      { label: 'Leave to resume later', choice: 'leave' },
      ...(canStop ? [{ label: 'Stop runs', choice: 'stop' as const }] : []),
      { label: 'Keep cliplab open', choice: 'cancel' },
    ];
    const names = active.slice(0, 5).map((r) => `• ${r.name} (${r.status})`);
    if (active.length > 5) names.push(`… and ${active.length - 5} more`);
    const options = {
      type: 'question' as const,
      title: 'Runs are still training',
      message: `${active.length} run${active.length === 1 ? ' is' : 's are'} queued or training.`,
      detail: `${names.join('\n')}\n\nLeft runs continue from their last checkpoint with "Resume" or \`cliplab resume RUN\`.`,
      buttons: choices.map((c) => c.label),
      defaultId: 0,
      cancelId: choices.length - 1,
      noLink: true,
    };
    const win = parent();
    const { response } = win ? await dialog.showMessageBox(win, options) : await dialog.showMessageBox(options);
    return choices[response]?.choice ?? 'leave';
  };
}
