/**
 * Containers: files that wrap a training log rather than being one (a Kaggle kernel log, a Jupyter
 * notebook). The text inside is unwrapped first, then detected and decoded like any log; errors in
 * it are reported at the record or cell it came from.
 */
import type { ImportContainerName } from '../../../contract';
import type { Head } from '../formats';
import type { StreamText } from './streams';

export interface Unwrapped {
  /** The text the program printed, every line ended, each line knowing its record or cell. */
  text: StreamText;
  /** What the container is, for the detection reason: "a Jupyter notebook (12 cells)". */
  description: string;
}

export interface Container {
  name: ImportContainerName;
  /** Why the head looks like this container, or null. */
  sniff(head: Head): string | null;
  /** The text inside; throws an ImportError naming the record or cell at fault. */
  unwrap(bytes: Buffer, file: string, warn: (message: string) => void): Unwrapped;
}
