/** Keyboard movement in a tab list, as the ARIA tabs pattern has it. */

/**
 * The tab an arrow key moves to from `current`: the next on ArrowRight, the previous on ArrowLeft,
 * wrapping around; null for any other key.
 */
export function arrowTab<T>(tabs: readonly T[], current: T, key: string): T | null {
  if (key !== 'ArrowRight' && key !== 'ArrowLeft') return null;
  const at = tabs.indexOf(current);
  return tabs[(at + (key === 'ArrowRight' ? 1 : -1) + tabs.length) % tabs.length];
}
