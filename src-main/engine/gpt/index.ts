/** The GPT policy (issue 3): a small decoder-only transformer laid out for wasm's fast path. */
export { createGptPolicy, gptDims, GptPolicy, type GptConfig, type GptPolicyOptions } from './policy';
export { weightShapes, initialWeights, type GptDims } from './model';
