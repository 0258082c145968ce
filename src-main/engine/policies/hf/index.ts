/**
 * The `hf` policy kind: a pretrained causal LM from a local Hugging Face folder (issue 16).
 * Preparing opens the source (architecture and tokenizer, no weights); once the task exists the
 * run's memory is planned and refused if it cannot fit, and only then are the weights loaded, once,
 * for the policy and its frozen reference together.
 */
export { HfPolicy } from './policy';
export { LoadedCheckpoint } from './checkpoint';
export { openModelSource, type ModelSource } from './source';
export { loadModelSource } from './open';
export { planMemory, describePlan, memoryBudget, type MemoryPlan } from './memory';
export { parameterCount, type ModelSpec } from './spec';
export { TextTokenizer } from './tokenizer';
export { estimateRun, inspectModel } from './inspect';
export { HfPrepared, prepareHf } from './prepared';
