import type { Tfjs } from './backend';

/**
 * Turns off TF.js's own console advice (`tf.enableProdMode()`: its `warn` and `log` print
 * nothing in production mode). The lab chooses the backend itself and says which one runs,
 * on what device and why (`initBackend`'s report, the app's badge, the CLI's first lines),
 * so "Hi, looks like you are running TensorFlow.js in Node.js…" on the first tensor of a
 * CPU or WebAssembly run is noise in every process and test run.
 */
export function quietTfjsConsole(tf: Tfjs): void {
  tf.env().set('PROD', true);
}
