/** Entropy-collapse diagnostics (issue 5): pure analysis over stored series. */
export {
  diagnoseRun,
  diagnoseGroup,
  runInputMeta,
  type RunInput,
  type RunInputMeta,
  type GroupRunInput,
} from './diagnose';
export { compareGroups, diagnoseGroupOf, aggregate } from './groups';
export { keysToFetch, resolveQuantity, QUANTITY_KEYS, type SeriesByKey } from './keys';
export { formatRunReport, formatGroupReport, formatComparisonReport } from './report';
