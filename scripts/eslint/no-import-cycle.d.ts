import type { Rule } from 'eslint';

/** scripts/eslint/no-import-cycle.js: fails lint on an import cycle, type-only imports included. */
declare const rule: Rule.RuleModule;
export default rule;
