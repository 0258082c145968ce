/**
 * GSM8K-style arithmetic word problems made here, from a seed (issue 21: no dataset download):
 * two- and three-step problems about everyday quantities, each with a worked answer in GSM8K's
 * format (calculator annotations `<<a*b=c>>`, the final number after "####"), so the dataset task
 * and its GSM8K answer checker read them like the real file.
 */
import { createRng, type SeededRng } from '../../rng';

export interface WordProblem {
  question: string;
  answer: string;
}

const NAMES = ['Natalia', 'Tom', 'Aisha', 'Mateo', 'Priya', 'Liam', 'Sofia', 'Kenji', 'Grace', 'Omar', 'Elena', 'Ben'];
const ITEMS = ['apples', 'stickers', 'marbles', 'pencils', 'cookies', 'stamps', 'seashells', 'cards', 'beads', 'books'];
const CONTAINERS = [
  ['box', 'boxes'],
  ['bag', 'bags'],
  ['crate', 'crates'],
  ['jar', 'jars'],
  ['basket', 'baskets'],
] as const;

/** a..b inclusive. */
const between = (rng: SeededRng, a: number, b: number) => a + rng.int(b - a + 1);
const pick = <T>(rng: SeededRng, xs: readonly T[]) => xs[rng.int(xs.length)];

/** One worked step: "a op b = c" as GSM8K writes it (`<<a*b=c>>c`). */
const step = (expr: string, value: number) => `${expr} = <<${expr.replace(/ /g, '')}=${value}>>${value}`;

type Template = (rng: SeededRng) => WordProblem;

const TEMPLATES: Template[] = [
  (rng) => {
    const [name, friend, item] = [pick(rng, NAMES), pick(rng, NAMES), pick(rng, ITEMS)];
    const [a, b] = [between(rng, 5, 60), between(rng, 3, 40)];
    const c = between(rng, 1, a + b - 1);
    return {
      question: `${name} has ${a} ${item}. ${name} buys ${b} more and then gives ${c} to ${friend}. How many ${item} does ${name} have now?`,
      answer: `After buying: ${step(`${a} + ${b}`, a + b)}.\nAfter giving: ${step(`${a + b} - ${c}`, a + b - c)}.\n#### ${a + b - c}`,
    };
  },
  (rng) => {
    const [name, item, [box, boxes]] = [pick(rng, NAMES), pick(rng, ITEMS), pick(rng, CONTAINERS)];
    const [a, b] = [between(rng, 3, 24), between(rng, 2, 12)];
    const c = between(rng, 1, a * b - 1);
    return {
      question: `A ${box} holds ${a} ${item}. ${name} fills ${b} ${boxes} and then uses ${c} of the ${item}. How many ${item} are left?`,
      answer: `In all: ${step(`${a} * ${b}`, a * b)}.\nLeft: ${step(`${a * b} - ${c}`, a * b - c)}.\n#### ${a * b - c}`,
    };
  },
  (rng) => {
    const name = pick(rng, NAMES);
    const [rate, hours, days] = [between(rng, 8, 30), between(rng, 2, 9), between(rng, 2, 7)];
    return {
      question: `${name} earns $${rate} per hour and works ${hours} hours a day for ${days} days. How many dollars does ${name} earn?`,
      answer: `Per day: ${step(`${rate} * ${hours}`, rate * hours)}.\nIn ${days} days: ${step(`${rate * hours} * ${days}`, rate * hours * days)}.\n#### ${rate * hours * days}`,
    };
  },
  (rng) => {
    const name = pick(rng, NAMES);
    const [a, times] = [between(rng, 4, 50), between(rng, 2, 4)];
    const word = ['', '', 'twice', 'three times', 'four times'][times];
    return {
      question: `${name} read ${a} pages on Monday and ${word} as many pages on Tuesday. How many pages did ${name} read in the two days?`,
      answer: `Tuesday: ${step(`${a} * ${times}`, a * times)}.\nTotal: ${step(`${a} + ${a * times}`, a + a * times)}.\n#### ${a + a * times}`,
    };
  },
  (rng) => {
    const [students, pencils] = [between(rng, 12, 40), between(rng, 2, 9)];
    const g = between(rng, 1, students - 1);
    const boys = students - g;
    return {
      question: `There are ${students} students in a class and ${g} of them are girls. Each boy has ${pencils} pencils. How many pencils do the boys have altogether?`,
      answer: `Boys: ${step(`${students} - ${g}`, boys)}.\nPencils: ${step(`${boys} * ${pencils}`, boys * pencils)}.\n#### ${boys * pencils}`,
    };
  },
  (rng) => {
    const name = pick(rng, NAMES);
    const lunch = between(rng, 3, 20);
    const rest = 2 * between(rng, 5, 40);
    const money = lunch + rest;
    return {
      question: `${name} has $${money}. ${name} spends $${lunch} on lunch and half of the rest on a book. How many dollars does ${name} have left?`,
      answer: `After lunch: ${step(`${money} - ${lunch}`, rest)}.\nLeft after the book: ${step(`${rest} / 2`, rest / 2)}.\n#### ${rest / 2}`,
    };
  },
  (rng) => {
    const [name, item] = [pick(rng, NAMES), pick(rng, ITEMS)];
    const [friends, each] = [between(rng, 2, 8), between(rng, 2, 15)];
    // A pack size that divides the total (friends and each always do).
    const perPack = pick(
      rng,
      [2, 3, 4, 5, 6, 10, 12, friends, each].filter((p) => (friends * each) % p === 0),
    );
    const packs = (friends * each) / perPack;
    return {
      question: `${name} buys ${packs} packs of ${item} with ${perPack} in each pack and shares them equally among ${friends} friends. How many ${item} does each friend get?`,
      answer: `In all: ${step(`${packs} * ${perPack}`, packs * perPack)}.\nEach friend: ${step(`${packs * perPack} / ${friends}`, each)}.\n#### ${each}`,
    };
  },
  (rng) => {
    const [rows, perRow] = [between(rng, 3, 15), between(rng, 4, 20)];
    const dead = between(rng, 1, rows * perRow - 1);
    return {
      question: `A farmer plants ${rows} rows of ${perRow} trees. Then ${dead} of the trees die. How many trees are still alive?`,
      answer: `Planted: ${step(`${rows} * ${perRow}`, rows * perRow)}.\nAlive: ${step(`${rows * perRow} - ${dead}`, rows * perRow - dead)}.\n#### ${rows * perRow - dead}`,
    };
  },
];

/** `count` problems, the same for the same seed; templates taken in turn so every kind appears. */
export function wordProblems(count: number, seed: number): WordProblem[] {
  const rng = createRng(seed, 'word-problems');
  return Array.from({ length: count }, (_, i) => TEMPLATES[i % TEMPLATES.length](rng));
}

/** The problems as a GSM8K-format JSONL file's text. */
export function wordProblemsJsonl(count: number, seed: number): string {
  return wordProblems(count, seed)
    .map((p) => JSON.stringify(p))
    .join('\n')
    .concat('\n');
}
