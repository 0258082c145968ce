/** The lab as its transports (Electron shell, web server, CLI) see it. */
import type { ApiHandlers, LabEvent } from '../contract';

export type LabListener = (event: LabEvent) => void;

export interface Lab {
  /** One handler per API call; arguments arrive already validated (see dispatch.ts). */
  readonly handlers: ApiHandlers;
  /** Subscribes to every pushed event; returns the unsubscribe function. */
  subscribe(listener: LabListener): () => void;
  /** Where the database lives. */
  readonly dbPath: string;
  close(): Promise<void>;
}
