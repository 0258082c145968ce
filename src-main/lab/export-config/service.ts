/** The `runs.exportConfig` handler: a local run's config as verl overrides or a TRL GRPOConfig. */
import { ApiError, type ApiHandlers } from '../../contract';
import type { LabContext } from '../context';
import { readRun } from '../records';
import { exportConfig } from './index';

export function exportConfigHandlers(ctx: LabContext): Pick<ApiHandlers, 'runs.exportConfig'> {
  return {
    'runs.exportConfig': ({ id, to, probe }) => {
      const run = readRun(ctx, id);
      if (run.origin === 'imported') {
        throw new ApiError(
          'bad_request',
          `run ${id} was imported from a ${run.source.format} file; only runs made in cliplab have a config to export (its own settings are in the run's params)`,
        );
      }
      return exportConfig(run.config, to, run.name, { probe });
    },
  };
}
