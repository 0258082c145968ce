/**
 * Opens `policy.path` whatever it holds: a .gguf file (issue 21; its parser reads asynchronously)
 * or what `openModelSource` opens (a Hugging Face folder). The one place the file kind decides.
 */
import fs from 'node:fs';
import { isGgufPath, openGgufFile } from './gguf';
import { openModelSource, type ModelSource } from './source';

export async function loadModelSource(p: string): Promise<ModelSource> {
  const stat = fs.statSync(p, { throwIfNoEntry: false });
  if (stat && isGgufPath(p, stat)) return openGgufFile(p);
  return openModelSource(p);
}
