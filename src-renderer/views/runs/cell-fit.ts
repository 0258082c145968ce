/**
 * Fitting the Runs table's long cells into their columns without making them useless: a run's name
 * keeps the part that tells it from similar names in view (`… seed 12`), and tags show whole, as
 * many as fit, with a count of the rest.
 */

export interface NameParts {
  /** The start the name shares with another; cut first (with an ellipsis) when the column is narrow. */
  head: string;
  /** From where the name differs from the most similar other name; kept in view. */
  tail: string;
}

/** Characters that end a word of a name: `sweep clipLow=0.1 seed 2`, `grpo_gsm8k-lr1e-6/seed1`. */
const SEPARATOR = /[\s_/,;:|·()[\]-]/;

/** True when `name` starts a word at `i`; a minus inside an exponent (`1e-6`) is not a separator. */
function startsWord(name: string, i: number): boolean {
  if (i === 0) return true;
  const before = name[i - 1];
  if (!SEPARATOR.test(before)) return false;
  return !(before === '-' && /\d[eE]$/.test(name.slice(0, i - 1)));
}

/** The start of the word at `i`; at a separator, the start of the word after it. */
function wordStartAt(name: string, i: number): number {
  let after = i;
  while (after < name.length && SEPARATOR.test(name[after])) after++;
  if (after > i && after < name.length) return after;
  let at = Math.min(i, name.length);
  while (at > 0 && !startsWord(name, at)) at--;
  return at;
}

/** A number alone (`12` of `seed 12`) takes the word before it along: `seed 12`, `run-3`. */
function withLabel(name: string, start: number): number {
  if (start < 2 || !/\d/.test(name[start] ?? '')) return start;
  const label = /[A-Za-z]+[\s_-]$/.exec(name.slice(0, start));
  return label ? start - label[0].length : start;
}

function commonPrefix(a: string, b: string): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}

/**
 * Each distinct name split where it starts to differ from the most similar other name, moved back
 * to the start of that word. A name that differs from all others at its start (or is alone) has an
 * empty head: it reads from the start, as any cut text does.
 */
export function nameParts(names: readonly string[]): Map<string, NameParts> {
  const sorted = [...new Set(names)].sort();
  const parts = new Map<string, NameParts>();
  sorted.forEach((name, i) => {
    // Sorted, the name sharing the longest start with this one is a neighbour.
    const shared = Math.max(
      i > 0 ? commonPrefix(name, sorted[i - 1]) : 0,
      i + 1 < sorted.length ? commonPrefix(name, sorted[i + 1]) : 0,
    );
    // All of it is shared (`run` beside `run 2`): its last word is what it has of its own.
    const differs = shared >= name.length ? name.trimEnd().length - 1 : shared;
    const start = withLabel(name, wordStartAt(name, Math.max(0, differs)));
    parts.set(name, { head: name.slice(0, start), tail: name.slice(start) });
  });
  return parts;
}

/** Width estimates of a tag chip at the table's tag size (11 px system font), in CSS pixels. */
const CHAR_WIDTH = 6.4;
const CHIP_PADDING = 14;
const CHIP_GAP = 4;
/** The "+3" chip that stands for the tags left out. */
const MORE_WIDTH = 30;

export interface FittedTags {
  shown: string[];
  hidden: string[];
}

const chipWidth = (tag: string) => tag.length * CHAR_WIDTH + CHIP_PADDING;

/**
 * The tags that fit whole in `lines` lines `width` pixels wide, in their order, with room left on the
 * last line for the count of those that do not. A tag longer than a line gets a line of its own
 * (and an ellipsis); at least one tag always shows.
 */
export function fitTags(tags: readonly string[], width: number, lines = 2): FittedTags {
  let line = 1;
  let used = 0;
  const shown: string[] = [];
  for (const [i, tag] of tags.entries()) {
    const w = Math.min(chipWidth(tag), width);
    const restAfter = i < tags.length - 1 ? CHIP_GAP + MORE_WIDTH : 0;
    if (used > 0 && used + CHIP_GAP + w > width) {
      line++;
      used = 0;
    }
    const last = line === lines;
    if (line > lines || (last && shown.length > 0 && used + (used > 0 ? CHIP_GAP : 0) + w + restAfter > width)) break;
    used += (used > 0 ? CHIP_GAP : 0) + w;
    shown.push(tag);
  }
  return { shown, hidden: tags.slice(shown.length) };
}
