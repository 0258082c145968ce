/** `cliplab serve`: the workbench in a browser, from a Node process hosting the lab (design.md, web mode). */
import { createLab } from '../lab';
import { startServer, type RunningServer } from '../server';
import { findRendererDir } from '../server/renderer-dir';
import { UsageError, type CliIo, type Command, type ParsedArgs } from './command';
import { dbPathOf } from './lab';
import { flagOption, stringOption } from './options';

/** Tried first when --port is not given; the next few are tried if it is taken (as Jupyter does). */
const DEFAULT_PORT = 8471;
const PORT_RETRIES = 20;

const USAGE = `cliplab serve [--port N] [--no-open] [--db FILE]

Serves the workbench to a browser on 127.0.0.1 and prints its address, which carries a fresh access
token (anyone without it is refused). Ctrl+C stops the server.

  --port N    port to listen on (default ${DEFAULT_PORT}, or the next free one; 0 picks any free port)
  --no-open   do not open the system browser
  --db FILE   database (default: the app's; CLIPLAB_DB overrides)

On a remote machine, forward the port (ssh -L N:127.0.0.1:N HOST) and open the printed address locally.`;

export function parsePort(text: string): number {
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65535) {
    throw new UsageError(`--port expects an integer from 0 to 65535 (0 picks a free port), got "${text}"`);
  }
  return port;
}

function isPortInUse(err: unknown): boolean {
  return (err as NodeJS.ErrnoException | null)?.code === 'EADDRINUSE';
}

/** An explicit port must be free; the default slides to the next free one. */
async function listenOnFreePort(
  start: (port: number) => Promise<RunningServer>,
  port: number | undefined,
): Promise<RunningServer> {
  if (port !== undefined) {
    return start(port).catch((err: unknown) => {
      if (isPortInUse(err)) throw new UsageError(`--port ${port} is in use; choose another, or 0 for any free port`);
      throw err;
    });
  }
  for (let p = DEFAULT_PORT; ; p++) {
    try {
      return await start(p);
    } catch (err) {
      if (!isPortInUse(err) || p >= DEFAULT_PORT + PORT_RETRIES) throw err;
    }
  }
}

/** Resolves on the first SIGINT or SIGTERM; a second Ctrl+C while shutting down exits at once. */
function untilStopped(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      process.once('SIGINT', () => process.exit(130));
      resolve(signal);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

async function serve(args: ParsedArgs, io: CliIo): Promise<number> {
  if (args.positionals.length > 0) throw new UsageError(`unexpected argument "${args.positionals[0]}"`);
  const portText = stringOption(args, 'port');
  const port = portText === undefined ? undefined : parsePort(portText);
  const rendererDir = findRendererDir();
  // Web mode hosts the lab: queued runs train here, in worker processes; remote runs are followed here.
  const lab = createLab({
    dbPath: dbPathOf(args, io),
    training: { runQueue: true },
    remote: { follow: true, env: io.env },
  });
  try {
    const open = !flagOption(args, 'no-open');
    const server = await listenOnFreePort((p) => startServer({ lab, rendererDir, port: p, open }), port);
    io.stdout.write(
      `cliplab is serving ${lab.dbPath}\n\n    ${server.url}\n\n` +
        'Open that address (it carries the access token). Ctrl+C stops the server.\n',
    );
    const signal = await untilStopped();
    io.stderr.write(`cliplab serve: ${signal}, stopping\n`);
    await server.close();
  } finally {
    await lab.close();
  }
  return 0;
}

export const serveCommand: Command = {
  name: 'serve',
  summary: 'Serve the workbench to a browser on 127.0.0.1, behind a per-start token',
  usage: USAGE,
  flags: ['no-open'],
  options: ['port'],
  run: serve,
};
