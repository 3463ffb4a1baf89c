/**
 * Constructor arguments Keras requires (no default in the Python signature). Generated
 * code writes these even when they equal the catalog's palette default, because leaving
 * them out is a TypeError in Keras.
 */
const REQUIRED_ARGUMENTS: Record<string, readonly string[]> = {
  Conv1D: ['filters', 'kernel_size'],
  Conv2D: ['filters', 'kernel_size'],
  Conv2DTranspose: ['filters', 'kernel_size'],
  SeparableConv2D: ['filters', 'kernel_size'],
  DepthwiseConv2D: ['kernel_size'],
  Dense: ['units'],
  Dropout: ['rate'],
  SpatialDropout1D: ['rate'],
  SpatialDropout2D: ['rate'],
  GaussianDropout: ['rate'],
  AlphaDropout: ['rate'],
  GaussianNoise: ['stddev'],
  Activation: ['activation'],
  Reshape: ['target_shape'],
  Permute: ['dims'],
  Rescaling: ['scale'],
  RepeatVector: ['n'],
  Embedding: ['input_dim', 'output_dim'],
};

/** The Keras-required arguments of a layer type (empty when every argument has a default). */
export function requiredArguments(type: string): readonly string[] {
  return REQUIRED_ARGUMENTS[type] ?? [];
}
