/**
 * What a link can prefill in the New run view: `#/new?preset=NAME`, `#/new?from=RUN` (that run's
 * config), and a sweep (`seeds=N`, `grid.<dotted key>=v1,v2`), e.g. the diagnostics' suggested sweep:
 * `#/new?from=12&seeds=3&grid.objective.clipLow=0.1,0.167`.
 */
export interface NewRunQuery {
  preset: string | null;
  from: number | null;
  seeds: number | null;
  /** Dotted key -> the value list as text (the sweep builder parses it). */
  grid: { path: string; text: string }[];
}

export function parseNewRunQuery(query: URLSearchParams): NewRunQuery {
  const from = Number(query.get('from'));
  const seeds = Number(query.get('seeds'));
  const grid: NewRunQuery['grid'] = [];
  for (const [key, text] of query) if (key.startsWith('grid.')) grid.push({ path: key.slice(5), text });
  return {
    preset: query.get('preset'),
    from: Number.isInteger(from) && from > 0 ? from : null,
    seeds: Number.isInteger(seeds) && seeds >= 1 ? seeds : null,
    grid,
  };
}

/** The link that opens the New run view prefilled; null grid values are written `off`. */
export function newRunHref(options: {
  preset?: string;
  from?: number | null;
  seeds?: number;
  grid?: Record<string, readonly (number | null)[]>;
}): string {
  const query = new URLSearchParams();
  if (options.preset) query.set('preset', options.preset);
  if (options.from) query.set('from', String(options.from));
  if (options.seeds) query.set('seeds', String(options.seeds));
  for (const [path, values] of Object.entries(options.grid ?? {})) {
    query.set(`grid.${path}`, values.map((v) => (v === null ? 'off' : String(v))).join(','));
  }
  const text = query.toString();
  return text ? `#/new?${text}` : '#/new';
}
