/**
 * `cliplab watch [RUN...]`: follows remote runs until their jobs end, catching up on what the cluster
 * did while no cliplab followed them (after `--detach`, a closed laptop, a lost tunnel).
 */
import { documentJson, type RunRecord } from '../contract';
import { createLab, dispatch } from '../lab';
import type { CliIo, Command, ParsedArgs } from './command';
import { dbPathOf, findRun } from './lab';
import { flagOption } from './options';
import { watchRemoteRuns } from './remote-watch';
import { runsTable } from './runs';

const USAGE = `cliplab watch [RUN...] [--json] [--db FILE]

Follows remote runs (by id or exact name; default: every remote run still queued or running) until
their Ray jobs end: their status, and the probe's metrics the jobs wrote meanwhile, reach the database.
Ctrl-C stops watching; the jobs keep running.

  --json      print the runs as JSON at the end
  --db FILE   database (default: the app's; CLIPLAB_DB overrides)`;

export const watchCommand: Command = {
  name: 'watch',
  summary: 'Follow remote runs on Ray until their jobs end',
  usage: USAGE,
  flags: ['json'],
  options: [],
  async run(args: ParsedArgs, io: CliIo): Promise<number> {
    const lab = createLab({ dbPath: dbPathOf(args, io), remote: { follow: [], env: io.env } });
    try {
      const chosen = await Promise.all(args.positionals.map((ref) => findRun(lab, ref)));
      const open = lab.context.store.openRemoteRuns().map((r) => r.runId);
      const ids = chosen.length > 0 ? chosen.map((r) => r.id) : open;
      const notRemote = chosen.filter((r) => r.origin !== 'remote');
      if (notRemote.length > 0) {
        io.stderr.write(`not remote runs (nothing to follow): ${notRemote.map((r) => r.id).join(', ')}\n`);
      }
      const remote = ids.filter((id) => !notRemote.some((r) => r.id === id));
      if (remote.length === 0) {
        io.stderr.write('no remote run is queued or running\n');
        return 0;
      }
      lab.remote.follow(remote);
      const { signalCode } = await watchRemoteRuns(lab, remote, io);
      const runs: RunRecord[] = await Promise.all(remote.map((id) => dispatch(lab, 'runs.get', { id })));
      io.stdout.write(flagOption(args, 'json') ? `${documentJson(runs, 2)}\n` : `${runsTable(runs)}\n`);
      if (signalCode !== null) return signalCode;
      return runs.every((r) => r.status === 'completed') ? 0 : 1;
    } finally {
      await lab.close();
    }
  },
};
