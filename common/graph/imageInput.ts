/**
 * True when a model input of `inputShape` (without the batch axis) takes images of
 * `imageShape` ([height, width, channels]): the same shape, or (height, width) for
 * one-channel images, as Keras users write grayscale models
 * (`Flatten(input_shape=[28, 28])` on data shaped (N, 28, 28)).
 */
export function inputTakesImages(inputShape: readonly (number | null)[], imageShape: readonly [number, number, number]): boolean {
  const [height, width, channels] = imageShape;
  if (inputShape.length === 3) return inputShape[0] === height && inputShape[1] === width && inputShape[2] === channels;
  return inputShape.length === 2 && channels === 1 && inputShape[0] === height && inputShape[1] === width;
}
