/**
 * Every `cliplab` subcommand, in the order `cliplab --help` lists them. A new command is a new file
 * exporting a Command, plus one line here. Keep heavy imports (TensorFlow.js, figure rendering)
 * inside a command's `run`, so that `cliplab runs` does not pay for them.
 */
import { cancelCommand } from './cancel';
import type { Command } from './command';
import { controlCommand } from './control';
import { dbCommand } from './db';
import { diagnoseCommand } from './diagnose';
import { exportConfigCommand } from './export-config';
import { exportDataCommand } from './export-data';
import { exportFigureCommand } from './export-figure';
import { importCommand } from './import';
import { logsCommand } from './logs';
import { presetsCommand } from './presets';
import { resumeCommand } from './resume';
import { runsCommand } from './runs';
import { serveCommand } from './serve';
import { showCommand } from './show';
import { submitCommand } from './submit';
import { sweepCommand } from './sweep';
import { trainCommand } from './train';
import { watchCommand } from './watch';

export const COMMANDS: readonly Command[] = [
  // Runs.
  trainCommand,
  sweepCommand,
  resumeCommand,
  cancelCommand,
  controlCommand,
  runsCommand,
  showCommand,
  presetsCommand,
  // Remote runs on Ray clusters.
  submitCommand,
  watchCommand,
  logsCommand,
  // Analysis and exchange.
  diagnoseCommand,
  importCommand,
  exportConfigCommand,
  exportFigureCommand,
  exportDataCommand,
  // App and maintenance.
  serveCommand,
  dbCommand,
];

export function findCommand(name: string): Command | undefined {
  return COMMANDS.find((c) => c.name === name);
}
