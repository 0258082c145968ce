/**
 * Points Dawn at the software Vulkan driver (Mesa's lavapipe) that scripts/setup-webgpu.sh unpacks
 * into .vendor/mesa/, so the WebGPU tests run on machines without a GPU. The Vulkan loader reads
 * VK_ICD_FILENAMES when Dawn first asks for an adapter: the variables must be set before that, in
 * a process where nothing has loaded Dawn yet (vitest gives each test file its own process).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const repoRoot = path.resolve(import.meta.dirname, '../../..');
export const lavapipeIcd = path.join(repoRoot, '.vendor', 'mesa', 'lvp_icd.json');

/** Why the WebGPU tests cannot run here, or null when the software driver is in place. */
export function missingSoftwareAdapter(): string | null {
  if (existsSync(lavapipeIcd)) return null;
  return `no software WebGPU adapter (${path.relative(repoRoot, lavapipeIcd)} is missing): run scripts/setup-webgpu.sh`;
}

/** Prints why a WebGPU suite is skipped, so a skip is never silent. Returns whether to skip. */
export function skipWithoutSoftwareAdapter(suite: string): boolean {
  const missing = missingSoftwareAdapter();
  if (missing) console.warn(`[${suite}] WebGPU tests skipped: ${missing}`);
  return missing !== null;
}

/** The environment that selects lavapipe, for this process or a child. */
export function softwareAdapterEnv(runtimeDir: string, icd = lavapipeIcd): Record<string, string> {
  return { VK_ICD_FILENAMES: icd, XDG_RUNTIME_DIR: runtimeDir };
}

/**
 * Selects lavapipe for this process. Returns a cleanup that removes the runtime dir (Mesa warns
 * without one; it must be private to the user, so a fresh temp dir rather than the shared tmp).
 */
export function useSoftwareAdapter(): () => void {
  if ((globalThis as { navigator?: { gpu?: unknown } }).navigator?.gpu) {
    throw new Error('Dawn is already loaded in this process: VK_ICD_FILENAMES would be ignored');
  }
  const runtimeDir = mkdtempSync(path.join(os.tmpdir(), 'cliplab-xdg-'));
  Object.assign(process.env, softwareAdapterEnv(runtimeDir));
  return () => rmSync(runtimeDir, { recursive: true, force: true });
}
