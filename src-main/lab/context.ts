/**
 * What every lab feature works with: the store, the database path and the event emitter. Feature
 * files (runs, config, and the training features that come next) build their handlers from it.
 */
import type { LabEvent, LabEventName, LabEvents } from '../contract';
import type { Store } from '../store';
import type { LabListener } from './types';

export interface LabContext {
  readonly store: Store;
  readonly dbPath: string;
  /** Pushes an event to every subscriber (UI windows, web clients). */
  emit<K extends LabEventName>(name: K, payload: LabEvents[K]): void;
}

export interface Emitter {
  emit<K extends LabEventName>(name: K, payload: LabEvents[K]): void;
  subscribe(listener: LabListener): () => void;
}

export function createEmitter(onListenerError: (err: unknown) => void = () => {}): Emitter {
  const listeners = new Set<LabListener>();
  return {
    emit(name, payload) {
      const event = { name, payload } as LabEvent;
      // A failing subscriber (a closed window, a dropped web client) must not stop the others.
      for (const listener of [...listeners]) {
        try {
          listener(event);
        } catch (err) {
          onListenerError(err);
        }
      }
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
