/** Source code for a model graph: Keras Python and TF.js JavaScript. */
export { generateKerasCode } from './keras';
export { generateTfjsCode } from './tfjs';
