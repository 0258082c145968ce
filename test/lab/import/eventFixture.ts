/**
 * The generated TensorBoard fixture (test/fixtures/import/generated.tfevents): PyTorch-style
 * simple_value scalars and TF2-style tensor scalars (float, double, int64; the scalars plugin named
 * only on a tag's first value, as TF2 writes it), a TrainingArguments text summary, a non-scalar
 * tensor and a histogram-like value with neither field set. Regenerate with
 * `npx tsx test/lab/import/writeFixtures.ts`; a test checks the committed file matches.
 */
import path from 'node:path';
import {
  DT_DOUBLE,
  DT_FLOAT,
  DT_INT64,
  eventFile,
  fileVersionEvent,
  GENERATED,
  simpleScalar,
  tensorScalar,
  textSummary,
} from './helpers';

export const EVENT_FIXTURE = path.join(GENERATED, 'generated.tfevents');

const T0 = 1_700_000_000;

export function generatedEventFile(): Buffer {
  return eventFile([
    fileVersionEvent(T0),
    textSummary(0, T0 + 0.5, 'args/text_summary', JSON.stringify({ learning_rate: 1e-6, epsilon: 0.2, beta: 0 })),
    simpleScalar(1, T0 + 1, 'train/reward', 0.25),
    tensorScalar(1, T0 + 1, 'train/entropy', 0.75, DT_FLOAT, true),
    tensorScalar(1, T0 + 1, 'train/kl', 0.001, DT_DOUBLE, true),
    tensorScalar(1, T0 + 1, 'train/num_tokens', 2 ** 40, DT_INT64, true),
    simpleScalar(2, T0 + 2, 'train/reward', 0.5),
    tensorScalar(2, T0 + 2, 'train/entropy', 0.625, DT_FLOAT),
    tensorScalar(2, T0 + 2, 'train/kl', 0.002, DT_DOUBLE),
    {
      wall_time: T0 + 2,
      step: 2,
      summary: {
        value: [
          { tag: 'weights', tensor: { dtype: DT_FLOAT, tensor_shape: { dim: [{ size: 3 }] }, float_val: [1, 2, 3] } },
          { tag: 'histogram_without_fields' },
        ],
      },
    },
    simpleScalar(3, T0 + 3.5, 'train/reward', 0.75),
    tensorScalar(3, T0 + 3.5, 'train/entropy', 0.5, DT_FLOAT),
  ]);
}
