/**
 * A model source loaded for training: the tokenizer and the base weights as tfjs tensors, read one
 * at a time from the source (no second copy of the checkpoint exists at any point). The policy and
 * its frozen reference share these tensors, so the checkpoint's weights are in memory once; the
 * last user to let go disposes them.
 */
import { tf } from '../../tf';
import { loadModelSource } from './open';
import { openModelSource, type ModelSource } from './source';
import { TextTokenizer } from './tokenizer';

export class LoadedCheckpoint {
  private users = 0;

  private constructor(
    readonly source: ModelSource,
    readonly tokenizer: TextTokenizer,
    /** Base weights by our name, frozen (plain tensors, not variables). */
    readonly weights: ReadonlyMap<string, tf.Tensor>,
  ) {}

  static fromSource(source: ModelSource, tokenizer = new TextTokenizer(source.tokenizer)): LoadedCheckpoint {
    const weights = new Map<string, tf.Tensor>();
    try {
      source.readWeights((name, shape, data) => weights.set(name, tf.tensor(data, shape, 'float32')));
    } catch (err) {
      tf.dispose([...weights.values()]);
      throw err;
    }
    return new LoadedCheckpoint(source, tokenizer, weights);
  }

  static open(path: string): LoadedCheckpoint {
    return LoadedCheckpoint.fromSource(openModelSource(path));
  }

  /** Any source `policy.path` may name, a GGUF file too. */
  static async load(path: string): Promise<LoadedCheckpoint> {
    return LoadedCheckpoint.fromSource(await loadModelSource(path));
  }

  get spec() {
    return this.source.spec;
  }

  acquire(): this {
    this.users++;
    return this;
  }

  release(): void {
    this.users--;
    if (this.users <= 0) tf.dispose([...this.weights.values()]);
  }
}
