/**
 * Digit-list task families: the prompt is `size` digits and a separator; the answer is exactly
 * `size` digits (leading zeros are list elements here, not formatting).
 *  sort     `3021>`  answer 0123
 *  reverse  `3021|`  answer 1203
 */
import type { ProblemFamily } from './sequence';

export interface DigitList {
  digits: string;
}

function digitFamily(
  kind: 'sort' | 'reverse',
  separator: string,
  solve: (d: string) => string,
): ProblemFamily<DigitList> {
  return {
    kind,
    space: (size) => 10 ** size,
    problem: (index, size) => ({ digits: String(index).padStart(size, '0') }),
    prompt: ({ digits }) => `${digits}${separator}`,
    check: ({ digits }, answer) => answer === solve(digits),
    solve: ({ digits }) => solve(digits),
  };
}

export const sortFamily = digitFamily('sort', '>', (d) => [...d].sort().join(''));
export const reverseFamily = digitFamily('reverse', '|', (d) => [...d].reverse().join(''));
