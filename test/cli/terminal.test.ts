/**
 * Terminal manners: control characters from runs cannot drive the terminal; progress redraws in place
 * only on a real terminal (not in a pipe, not with TERM=dumb), stays whole at 0 columns, and shows one
 * line per run.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { escapeControl, escapingStream, fitLine, liveLines, usableColumns } from '../../src-main/cli/terminal';
import { cliOn } from '../support/cli';
import { tempDir } from '../support/temp';
import { createTempLab } from '../support/temp-lab';

const ESC = '\u001b';

/** A stream that records what is written, posing as a terminal of `columns` (or not a terminal). */
function fakeTerminal(opts: { tty: boolean; columns?: number; rows?: number }) {
  const stream = new PassThrough() as PassThrough & { isTTY?: boolean; columns?: number; rows?: number };
  let text = '';
  stream.on('data', (d: Buffer) => (text += d.toString()));
  Object.assign(stream, { isTTY: opts.tty, columns: opts.columns, rows: opts.rows ?? 24 });
  return { stream, text: () => text };
}

describe('control characters', () => {
  it('are written as escapes: C0 but newline and tab, DEL, C1, and bidirectional overrides', () => {
    expect(escapeControl('a\u001b[2Jb')).toBe('a\\u001b[2Jb');
    expect(escapeControl('tab\tand\nnewline stay')).toBe('tab\tand\nnewline stay');
    expect(escapeControl('\r\u0007\u007f\u009b')).toBe('\\u000d\\u0007\\u007f\\u009b');
    expect(escapeControl('file\u202egpj.exe')).toBe('file\\u202egpj.exe');
    expect(escapeControl('ε_low = 0.2, entropy ↓ 日本')).toBe('ε_low = 0.2, entropy ↓ 日本');
  });

  it('keep JSON valid and equal to what was stored', () => {
    const name = 'x\u009by\u202ez';
    const out = escapeControl(JSON.stringify({ name }));
    expect(out).not.toMatch(/[\u0080-\u009f\u202e]/);
    expect(JSON.parse(out)).toEqual({ name });
  });

  it('from a run name never reach the terminal raw, and tables stay aligned', async () => {
    const temp = createTempLab([{ name: `evil${ESC}[2J${ESC}]0;title\u0007name` }, { name: 'plain' }]);
    try {
      const cli = cliOn(temp.dbPath);
      const runs = await cli('runs');
      expect(runs.stdout).not.toContain(ESC);
      expect(runs.stdout).toContain('evil\\u001b[2J\\u001b]0;title\\u0007name');
      const [, first, second] = runs.stdout.split('\n');
      expect(first.indexOf('completed')).toBe(second.indexOf('completed'));
      const shown = await cli('show', '1');
      expect(shown.stdout).not.toContain(ESC);
      const json = await cli('runs', '--json');
      expect(JSON.parse(json.stdout)[0].name).toBe(`evil${ESC}[2J${ESC}]0;title\u0007name`);
    } finally {
      await temp.cleanup();
    }
  });

  it('pass through an escaping stream, which keeps what the terminal reports', () => {
    const term = fakeTerminal({ tty: true, columns: 80 });
    const safe = escapingStream(term.stream);
    safe.write(`a${ESC}b\n`);
    expect(term.text()).toBe('a\\u001bb\n');
    expect((safe as unknown as { isTTY: boolean; columns: number }).columns).toBe(80);
  });
});

describe('live progress lines', () => {
  const lines = ['sweep 1/3 ended', 'run 2 [####----] 4/8  entropy 2.1', 'run 3 [##------] 2/8  entropy 2.4'];

  it('redraws one line per run in place on a terminal, cut to its width', () => {
    const term = fakeTerminal({ tty: true, columns: 20 });
    const live = liveLines(term.stream, { TERM: 'xterm-256color' });
    live.update(lines);
    live.update(lines.map((l) => l.replace('4/8', '5/8')));
    live.done();
    expect(term.text()).toContain(ESC); // cursor movement
    const lastFrame = term.text().split(`${ESC}[?2026h`).at(-1)!;
    expect(lastFrame).toContain('run 2 [####----] 5…');
    const cursorCodes = new RegExp(`${ESC}\\[[0-9;?]*[A-Za-z]`, 'g');
    for (const line of term.text().replace(cursorCodes, '').split(/\n/)) {
      expect([...line].length).toBeLessThanOrEqual(19);
    }
  });

  it('writes no escape code where stderr is not a terminal, or TERM=dumb', () => {
    let clock = 0;
    for (const [term, env] of [
      [fakeTerminal({ tty: false }), { TERM: 'xterm' }],
      [fakeTerminal({ tty: true, columns: 80 }), { TERM: 'dumb' }],
    ] as const) {
      const live = liveLines(term.stream, env, () => clock);
      live.update(lines, true);
      clock += 1000;
      live.update(lines); // too soon for another plain report
      live.note(`run 1 completed: evil${ESC}[2Jname`);
      clock += 10_000;
      live.update(lines);
      live.done();
      expect(term.text()).not.toContain(ESC);
      expect(
        term
          .text()
          .split('\n')
          .filter((l) => l.startsWith('run 2')),
      ).toHaveLength(2);
      expect(term.text()).toContain('run 1 completed: evil\\u001b[2Jname\n');
    }
  });

  it('keeps lines whole on a terminal that reports 0 columns', () => {
    expect(usableColumns(fakeTerminal({ tty: true, columns: 0 }).stream)).toBeNull();
    expect(fitLine('a long progress line', null)).toBe('a long progress line');
    const term = fakeTerminal({ tty: true, columns: 0, rows: 0 });
    const live = liveLines(term.stream, { TERM: 'xterm' });
    live.update(lines);
    live.done();
    for (const line of lines) expect(term.text()).toContain(line);
  });
});

const BIN = path.join(import.meta.dirname, '..', '..', 'bin', 'cliplab.js');
const SCRIPT = ['/usr/bin/script', '/bin/script'].find((f) => fs.existsSync(f));
const TINY =
  '--preset tabular-random-sym --set steps=3 --set task.prompts=16 --set rollout.prompts=8 --set backend=cpu';

/** `cliplab train` in a real pseudo-terminal (util-linux `script`), with `setup` run first in its shell. */
function trainInTerminal(setup: string, term: string): string {
  const db = path.join(tempDir(), 'lab.db');
  const command = `${setup}; TERM=${term} ${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} train ${TINY} --db ${JSON.stringify(db)}`;
  const r = spawnSync(SCRIPT!, ['-qec', command, '/dev/null'], { encoding: 'utf8', timeout: 120_000 });
  expect(r.status, r.stdout + r.stderr).toBe(0);
  return r.stdout;
}

describe.skipIf(!SCRIPT)('cliplab train in a real terminal', () => {
  it('writes no escape code with TERM=dumb', () => {
    const out = trainInTerminal('stty cols 80', 'dumb');
    expect(out).not.toContain(ESC);
    expect(out).toMatch(/run 1 \[#+\] 3\/3/);
  });

  it('redraws in place on a terminal of 0 columns, keeping each line whole', () => {
    const out = trainInTerminal('stty cols 0', 'xterm');
    expect(out).toContain(ESC);
    expect(out).toMatch(/run 1 \[#{24}\] 3\/3 .*entropy [\d.]+ {2}reward [\d.]+/);
  });
});
