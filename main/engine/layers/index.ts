/**
 * Layers and activations Keras has and TF.js 4.22 lacks. Importing this module registers
 * them with TF.js's serialization registry, which is what `compileGraph` and every
 * model.json loader resolve class names through; the imports are explicit so a bundler
 * cannot drop a registration nobody references by name.
 */
export { BatchNormalization } from './BatchNormalization';
export { Conv2D } from './Conv2D';
export { DepthwiseConv2D } from './DepthwiseConv2D';
export { GlobalAveragePooling2D, GlobalMaxPooling2D, type GlobalPooling2DArgs } from './GlobalPooling2D';
export { LeakyReluActivation } from './LeakyReluActivation';
export { ReLU, type ReLUArgs } from './ReLU';
export { SeparableConv2D } from './SeparableConv2D';
export { SpatialDropout2D, type SpatialDropout2DArgs } from './SpatialDropout2D';
export { Subtract } from './Subtract';
