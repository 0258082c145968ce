/**
 * Arithmetic task families. Operands are zero-padded to `size` digits so every prompt of a task has
 * the same length; answers are numerals without leading zeros (`0579` is wrong for 579).
 *  add      `a+b=`     answer a + b (one correct answer)
 *  mod      `a*b%m=`   answer (a * b) mod m, m in [10, 99]
 *  divisor  `n:`       n a composite with exactly `size` digits; answer any d with 1 < d < n that
 *                      divides n (several correct answers, so exploration matters)
 */
import type { Rng } from '../types';
import { isCanonicalNumber, type ProblemFamily } from './sequence';

const pad = (x: number, size: number) => String(x).padStart(size, '0');

export interface AddProblem {
  a: number;
  b: number;
}

export const addFamily: ProblemFamily<AddProblem> = {
  kind: 'add',
  space: (size) => 10 ** (2 * size),
  problem: (index, size) => ({ a: Math.floor(index / 10 ** size), b: index % 10 ** size }),
  prompt: ({ a, b }, size) => `${pad(a, size)}+${pad(b, size)}=`,
  check: ({ a, b }, answer) => isCanonicalNumber(answer) && answer === String(a + b),
  solve: ({ a, b }) => String(a + b),
};

export interface ModProblem {
  a: number;
  b: number;
  m: number;
}

const MODULI = 90; // 10..99

/** Reduce first: a * b can exceed 2^53 for large sizes, (a mod m)(b mod m) < 99^2 cannot. */
const modAnswer = ({ a, b, m }: ModProblem) => String(((a % m) * (b % m)) % m);

export const modFamily: ProblemFamily<ModProblem> = {
  kind: 'mod',
  space: (size) => 10 ** (2 * size) * MODULI,
  problem: (index, size) => {
    const n = 10 ** size;
    return { a: Math.floor(index / (n * MODULI)), b: Math.floor(index / MODULI) % n, m: 10 + (index % MODULI) };
  },
  prompt: ({ a, b, m }, size) => `${pad(a, size)}*${pad(b, size)}%${m}=`,
  check: (p, answer) => isCanonicalNumber(answer) && answer === modAnswer(p),
  solve: modAnswer,
};

export interface DivisorProblem {
  n: number;
  /** Prime factorisation [prime, exponent][] of n. */
  factors: [number, number][];
}

/** Prime factorisation by trial division (n < 10^12, so at most 10^6 trial divisors). */
export function factorise(n: number): [number, number][] {
  const out: [number, number][] = [];
  let rest = n;
  for (let p = 2; p * p <= rest; p += p === 2 ? 1 : 2) {
    let k = 0;
    while (rest % p === 0) {
      rest /= p;
      k++;
    }
    if (k > 0) out.push([p, k]);
  }
  if (rest > 1) out.push([rest, 1]);
  return out;
}

/** A divisor chosen uniformly among all divisors except 1 and n (n composite, so one exists). */
function randomProperDivisor({ n, factors }: DivisorProblem, rng: Rng): number {
  for (;;) {
    const d = factors.reduce((acc, [p, k]) => acc * p ** rng.int(k + 1), 1);
    if (d !== 1 && d !== n) return d;
  }
}

export const divisorFamily: ProblemFamily<DivisorProblem> = {
  kind: 'divisor',
  space: (size) => 9 * 10 ** (size - 1),
  problem: (index, size) => {
    const n = 10 ** (size - 1) + index;
    if (n < 4) return null;
    const factors = factorise(n);
    const composite = factors.length > 1 || factors[0][1] > 1;
    return composite ? { n, factors } : null;
  },
  prompt: ({ n }) => `${n}:`,
  check: ({ n }, answer) => {
    if (!isCanonicalNumber(answer)) return false;
    const d = Number(answer);
    return d > 1 && d < n && n % d === 0;
  },
  solve: (p, rng) => String(randomProperDivisor(p, rng)),
};
