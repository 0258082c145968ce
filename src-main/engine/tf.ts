/**
 * The one place the engine imports TensorFlow.js from. The union package is used (not tfjs-core
 * alone) because its Node bundle registers every gradient and chained op; tfjs-core's own
 * registration modules are extensionless ESM that plain Node cannot load.
 */
import * as tf from '@tensorflow/tfjs';

// Production mode only silences tfjs's console banners (e.g. the cpu backend's advert for
// tfjs-node on first use), which would otherwise land in the CLI's stderr between progress lines.
tf.env().set('PROD', true);

export { tf };
