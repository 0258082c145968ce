/** The Export config dialog's pieces apart from its markup: tab texts, file names, the clipboard. */
import type { ExportTarget } from '../../../src-main/contract';

export const TARGETS: Record<ExportTarget, { label: string; about: string; kind: string; extension: string }> = {
  verl: {
    label: 'verl',
    about: 'Hydra overrides for verl.trainer.main_ppo; add your data files and model path.',
    kind: 'Shell script',
    extension: 'sh',
  },
  trl: {
    label: 'TRL',
    about: 'A GRPOConfig for TRL’s GRPOTrainer; pass it with your model, dataset and reward function.',
    kind: 'Python file',
    extension: 'py',
  },
};

/** `eps 0.2/0.28 seed 3` -> `eps-0.2-0.28-seed-3-verl.sh`. */
export function configFileName(runName: string, target: ExportTarget): string {
  const slug = runName
    .toLowerCase()
    .replace(/[^a-z0-9.]+/g, '-')
    .replace(/^[-.]+|[-.]+$/g, '')
    .slice(0, 80);
  const suffix = target === 'trl' ? 'grpo_config' : 'verl';
  return `${slug || 'run'}-${suffix}.${TARGETS[target].extension}`;
}

/** Copies through the async clipboard API; false where the page may not use it. */
export async function copyText(text: string, nav: Navigator = navigator): Promise<boolean> {
  if (!nav.clipboard?.writeText) return false;
  try {
    await nav.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}
