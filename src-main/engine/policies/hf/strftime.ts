/**
 * The `strftime_now(format)` helper transformers gives chat templates (Llama 3.x templates print
 * today's date with "%d %b %Y"): the C library's directives that templates use, in local time.
 */
const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

const DIRECTIVES: Record<string, (d: Date) => string> = {
  d: (d) => pad(d.getDate()),
  e: (d) => String(d.getDate()).padStart(2, ' '),
  m: (d) => pad(d.getMonth() + 1),
  b: (d) => MONTHS[d.getMonth()].slice(0, 3),
  B: (d) => MONTHS[d.getMonth()],
  y: (d) => pad(d.getFullYear() % 100),
  Y: (d) => String(d.getFullYear()),
  a: (d) => DAYS[d.getDay()].slice(0, 3),
  A: (d) => DAYS[d.getDay()],
  H: (d) => pad(d.getHours()),
  I: (d) => pad(d.getHours() % 12 || 12),
  M: (d) => pad(d.getMinutes()),
  S: (d) => pad(d.getSeconds()),
  p: (d) => (d.getHours() < 12 ? 'AM' : 'PM'),
  j: (d) => pad(Math.floor((+d - +new Date(d.getFullYear(), 0, 1)) / 86_400_000) + 1, 3),
  '%': () => '%',
};

export function strftime(date: Date, format: string): string {
  return format.replace(/%(.)/g, (whole, code: string) => DIRECTIVES[code]?.(date) ?? whole);
}
