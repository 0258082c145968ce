/** Handlers of the remote calls (contract/api/remote.ts). */
import type { ApiHandlers } from '../../contract';
import type { RemoteService } from './service';

type RemoteCalls = 'remote.check' | 'remote.plan' | 'remote.submit' | 'remote.sweep' | 'remote.logs';

export function remoteHandlers(remote: RemoteService): Pick<ApiHandlers, RemoteCalls> {
  return {
    'remote.check': ({ target, allowInsecureHttp }) => remote.check(target, allowInsecureHttp),
    'remote.plan': ({ config, name, job }) => remote.plan(config, job, name),
    'remote.submit': ({ config, name, tags, job }) => remote.submit(config, job, name, tags),
    'remote.sweep': ({ config, preset, grid, seeds, name, tags, job }) =>
      remote.sweep({ config, preset, grid, seeds, name }, job, tags),
    'remote.logs': ({ id, lines }) => remote.logs(id, lines),
  };
}
