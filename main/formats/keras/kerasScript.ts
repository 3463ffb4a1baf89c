import type { ModelGraph } from '../../../common/graph/schema';
import type { Hyperparameters } from '../../../common/training/hyperparameters';
import type { LrScheduleConfig } from '../../../common/training/schedules';
import type { AugmentationOptions } from '../../../common/data/augmentation';
import type { Preprocessing } from '../../../common/data/preprocessing';
import type { DatasetInfo } from '../../../common/api/methods/datasets';
import { generateKerasCode } from '../../../common/codegen';
import { pythonValue } from '../../../common/codegen/keras';
import { kerasOptimizer } from './kerasOptimizer';

/** What the script reproduces besides the architecture. */
export interface KerasScriptOptions {
  graph: ModelGraph;
  hyperparameters: Hyperparameters;
  /** Null when the model was never trained on a dataset: size and colour mode then follow the model's input. */
  preprocessing: Preprocessing | null;
  classNames: readonly string[] | null;
  /** The split counts of the run's dataset; null without a run (or when its cache is gone). */
  datasetSplits: DatasetInfo['splits'] | null;
}

/** The validation fraction the script uses, and the comment saying where it comes from. */
export function scriptValidationSplit(hp: Pick<Hyperparameters, 'validationSplit'>, datasetSplits: DatasetInfo['splits'] | null): { fraction: number | null; note: string } {
  if (hp.validationSplit !== null && hp.validationSplit > 0) {
    return { fraction: hp.validationSplit, note: `The run held out the last ${formatPercent(hp.validationSplit)} of its training images (validation_split).` };
  }
  if (datasetSplits !== null) {
    const total = datasetSplits.train + datasetSplits.validation + datasetSplits.test;
    if (datasetSplits.validation === 0 || total === 0) return { fraction: null, note: 'The run had no validation images.' };
    const fraction = Number((datasetSplits.validation / total).toFixed(4));
    return { fraction, note: `The run validated on its dataset's own validation split: ${datasetSplits.validation} of ${total} images (${formatPercent(fraction)}).` };
  }
  return { fraction: 0.2, note: 'No run to follow: a fifth of the images validate, as in the Keras examples.' };
}

function formatPercent(fraction: number): string {
  return `${Number((fraction * 100).toFixed(2))} %`;
}

/** The generated architecture as the body of `build_model()`. */
function buildModelFunction(graph: ModelGraph): string {
  const code = generateKerasCode(graph);
  const body = code
    .split('\n')
    .filter((line) => !line.startsWith('"""') && !line.startsWith('from tensorflow import keras') && line.trim() !== 'model.summary()')
    .join('\n')
    .trim();
  const indented = body.split('\n').map((line) => (line === '' ? '' : `    ${line}`)).join('\n');
  return `def build_model():\n    """The architecture designed in Model Lab (functional API, same layer names)."""\n${indented}\n    return model\n`;
}

function scheduleCode(schedule: LrScheduleConfig, learningRate: number): { optimizerRate: string; callback: string | null } {
  switch (schedule.type) {
    case 'constant':
      return { optimizerRate: pythonValue(learningRate), callback: null };
    case 'step':
      return {
        optimizerRate: pythonValue(learningRate),
        callback: `keras.callbacks.LearningRateScheduler(lambda epoch: ${pythonValue(learningRate)} * ${pythonValue(schedule.gamma)} ** (epoch // ${schedule.stepSize}))`,
      };
    case 'exponential':
      return { optimizerRate: `keras.optimizers.schedules.ExponentialDecay(${pythonValue(learningRate)}, decay_steps=${schedule.decaySteps}, decay_rate=${pythonValue(schedule.decayRate)}, staircase=${pythonValue(schedule.staircase)})`, callback: null };
    case 'cosine':
      return {
        optimizerRate: `warmup_cosine(${pythonValue(learningRate)}, warmup_steps=${schedule.warmupSteps}, decay_steps=${schedule.decaySteps === null ? 'None' : schedule.decaySteps}, alpha=${pythonValue(schedule.alpha)}, total_steps=steps_per_epoch * epochs)`,
        callback: null,
      };
    case 'reduce_on_plateau':
      return {
        optimizerRate: pythonValue(learningRate),
        callback: `keras.callbacks.ReduceLROnPlateau(monitor=${pythonValue(schedule.monitor)}, factor=${pythonValue(schedule.factor)}, patience=${schedule.patience}, mode=${pythonValue(schedule.mode)}, min_delta=${pythonValue(schedule.minDelta)}, cooldown=${schedule.cooldown}, min_lr=${pythonValue(schedule.minLr)})`,
      };
  }
}

function augmentationCode(augmentation: AugmentationOptions | null): string[] {
  if (augmentation === null) return [];
  const a = augmentation;
  const fill = `fill_mode=${pythonValue(a.fillMode)}, fill_value=${pythonValue(a.fillValue)}`;
  const layers: string[] = [];
  const flip = a.horizontalFlip && a.verticalFlip ? 'horizontal_and_vertical' : a.horizontalFlip ? 'horizontal' : a.verticalFlip ? 'vertical' : null;
  if (flip !== null) layers.push(`keras.layers.RandomFlip(${pythonValue(flip)}, seed=SEED)`);
  if (a.rotationRange > 0) layers.push(`keras.layers.RandomRotation(${pythonValue(a.rotationRange / 360)}, ${fill}, seed=SEED)`);
  if (a.widthShiftRange > 0 || a.heightShiftRange > 0) layers.push(`keras.layers.RandomTranslation(${pythonValue(a.heightShiftRange)}, ${pythonValue(a.widthShiftRange)}, ${fill}, seed=SEED)`);
  if (a.shearRange > 0) layers.push(`random_shear(${pythonValue(a.shearRange)})`);
  if (a.zoomRange > 0) layers.push(`keras.layers.RandomZoom(${pythonValue(a.zoomRange)}, ${pythonValue(a.zoomRange)}, ${fill}, seed=SEED)`);
  if (a.contrastRange > 0) layers.push(`keras.layers.RandomContrast(${pythonValue(a.contrastRange)}, seed=SEED)`);
  const steps = layers.map((layer) => `        ${layer},`);
  const extra: string[] = [];
  if (a.brightnessRange !== null) extra.push(`    images = images * tf.random.uniform([tf.shape(images)[0], 1, 1, 1], ${pythonValue(a.brightnessRange[0])}, ${pythonValue(a.brightnessRange[1])}, seed=SEED)`);
  if (a.cutoutSize > 0) extra.push(`    images = cutout(images, ${pythonValue(a.cutoutSize)}, ${pythonValue(a.cutoutValue)})`);
  return [
    'AUGMENTATION = keras.Sequential(',
    '    [',
    ...steps,
    '    ],',
    '    name="augmentation",',
    ')',
    '',
    '',
    'def augment(images):',
    '    """Training-time augmentation on pixels in [0, 1], as Model Lab applies it."""',
    '    images = AUGMENTATION(images, training=True)',
    ...extra,
    '    return images',
  ];
}

const HELPERS = `def warmup_cosine(learning_rate, warmup_steps, decay_steps, alpha, total_steps):
    """Linear warm-up from 0, then cosine decay to alpha * learning_rate (Model Lab's schedule)."""
    decay = decay_steps if decay_steps is not None else max(1, total_steps - warmup_steps)
    return keras.optimizers.schedules.CosineDecay(
        0.0, decay, alpha=alpha, warmup_target=learning_rate, warmup_steps=warmup_steps
    )


def random_shear(degrees):
    """A random shear in [-degrees, degrees] (keras.layers.RandomShear where Keras has it)."""
    if not hasattr(keras.layers, "RandomShear"):
        raise SystemExit("Shear augmentation needs Keras 3.8 or later (keras.layers.RandomShear).")
    factor = float(np.tan(np.deg2rad(degrees)))
    return keras.layers.RandomShear(x_factor=factor, y_factor=0.0, seed=SEED)


def cutout(images, size, value):
    """Erases one square of side size * image side per image, filled with value."""
    shape = tf.shape(images)
    height, width = shape[1], shape[2]
    side_h = tf.cast(tf.cast(height, tf.float32) * size, tf.int32)
    side_w = tf.cast(tf.cast(width, tf.float32) * size, tf.int32)
    top = tf.random.uniform([shape[0], 1, 1, 1], 0, tf.maximum(1, height - side_h + 1), dtype=tf.int32)
    left = tf.random.uniform([shape[0], 1, 1, 1], 0, tf.maximum(1, width - side_w + 1), dtype=tf.int32)
    rows = tf.reshape(tf.range(height), [1, -1, 1, 1])
    cols = tf.reshape(tf.range(width), [1, 1, -1, 1])
    inside = (rows >= top) & (rows < top + side_h) & (cols >= left) & (cols < left + side_w)
    return tf.where(inside, tf.cast(value, images.dtype), images)


def make_strategy(name):
    """default: one device; mirrored: every GPU of this machine; multi-worker: the cluster in TF_CONFIG."""
    if name == "mirrored":
        return tf.distribute.MirroredStrategy()
    if name == "multi-worker":
        return tf.distribute.MultiWorkerMirroredStrategy()
    return tf.distribute.get_strategy()
`;

/**
 * A standalone Keras training script: the architecture (from the code generator), data
 * loading with `keras.utils.image_dataset_from_directory` for the same folder layout, size,
 * colour and resize mode, the same normalisation and augmentation, optimizer, schedule,
 * callbacks, and a `--strategy default|mirrored|multi-worker` switch.
 */
export function generateKerasTrainingScript(options: KerasScriptOptions): string {
  const { graph, hyperparameters: hp, preprocessing, classNames } = options;
  const validation = scriptValidationSplit(hp, options.datasetSplits);
  const base = graph.metadata.inputPreprocessing;
  const optimizer = kerasOptimizer(hp.optimizer);
  const schedule = scheduleCode(hp.lrSchedule, hp.optimizer.learningRate);
  const optimizerArgs = Object.entries(optimizer.config)
    .filter(([key]) => key !== 'name')
    .map(([key, value]) => `${key}=${key === 'learning_rate' ? schedule.optimizerRate : pythonValue(value)}`);
  if (hp.clipnorm !== null) optimizerArgs.push(`clipnorm=${pythonValue(hp.clipnorm)}`);
  if (hp.clipvalue !== null) optimizerArgs.push(`clipvalue=${pythonValue(hp.clipvalue)}`);
  const labelMode = hp.loss === 'sparse_categorical_crossentropy' ? 'int' : hp.loss === 'categorical_crossentropy' ? 'categorical' : hp.loss === 'binary_crossentropy' ? 'binary' : 'int';
  const metrics = hp.metrics.map((metric) => (metric === 'accuracy' ? '"accuracy"' : `keras.metrics.SparseTopKCategoricalAccuracy(k=${hp.topK}, name="top_k_accuracy")`));
  const callbacks: string[] = [`keras.callbacks.ModelCheckpoint(args.output, monitor=${pythonValue(hp.checkpoint.monitor)}, mode=${pythonValue(hp.checkpoint.mode)}, save_best_only=True)`];
  if (schedule.callback !== null) callbacks.push(schedule.callback);
  if (hp.earlyStopping !== null) {
    const e = hp.earlyStopping;
    callbacks.push(`keras.callbacks.EarlyStopping(monitor=${pythonValue(e.monitor)}, min_delta=${pythonValue(e.minDelta)}, patience=${e.patience}, mode=${pythonValue(e.mode)}, restore_best_weights=${pythonValue(e.restoreBestWeights)}, start_from_epoch=${e.startFromEpoch})`);
  }
  const augmentation = augmentationCode(hp.augmentation);
  const lossClasses: Record<Hyperparameters['loss'], string> = {
    sparse_categorical_crossentropy: 'SparseCategoricalCrossentropy',
    categorical_crossentropy: 'CategoricalCrossentropy',
    binary_crossentropy: 'BinaryCrossentropy',
    mean_squared_error: 'MeanSquaredError',
  };
  const lossCode = hp.loss === 'mean_squared_error' ? 'keras.losses.MeanSquaredError()' : `keras.losses.${lossClasses[hp.loss]}(from_logits=${pythonValue(hp.fromLogits)})`;
  const classWeight = hp.classWeight === null ? 'None' : hp.classWeight === 'balanced' ? '"balanced"' : `{${Object.entries(hp.classWeight).map(([k, v]) => `${Number(k)}: ${pythonValue(v)}`).join(', ')}}`;
  const imageInput = graph.nodes.find((node) => node.type === 'Input' && Array.isArray(node.params['shape']) && [2, 3].includes((node.params['shape'] as unknown[]).length));
  const inputShape = (imageInput?.params['shape'] as (number | null)[] | undefined) ?? [null, null, null];
  // A model taking (height, width) is a grayscale model written the Keras way; it gets the images without their channel axis.
  const takesRank2 = inputShape.length === 2;
  const [inputHeight, inputWidth, inputChannels] = takesRank2 ? [inputShape[0] ?? null, inputShape[1] ?? null, 1] : inputShape;
  const size = preprocessing?.targetSize ?? (typeof inputHeight === 'number' && typeof inputWidth === 'number' ? [inputHeight, inputWidth] : null);
  const colorMode = preprocessing?.colorMode ?? (inputChannels === 1 ? 'grayscale' : inputChannels === 4 ? 'rgba' : 'rgb');
  const lines = [
    '#!/usr/bin/env python3',
    `"""Training script for "${graph.name}", exported by Model Lab.`,
    '',
    'Trains the same architecture on an image folder with one sub-folder per class, with the',
    'same image size, colour mode, resize mode, normalisation, augmentation, optimizer and',
    'schedule as the run it was exported from.',
    '',
    '    python train.py --data path/to/images [--strategy default|mirrored|multi-worker]',
    '',
    'multi-worker reads the cluster from the TF_CONFIG environment variable on every worker.',
    '"""',
    'import argparse',
    '',
    'import numpy as np',
    'import tensorflow as tf',
    'from tensorflow import keras',
    '',
    // A list, as image_dataset_from_directory documents class_names; JSON strings are valid Python literals.
    `CLASS_NAMES = ${classNames === null ? 'None' : `[${classNames.map((name) => JSON.stringify(name)).join(', ')}]`}`,
    `IMAGE_SIZE = ${size === null ? 'None' : `(${size[0]}, ${size[1]})`}`,
    `COLOR_MODE = ${pythonValue(colorMode)}`,
    `RESIZE_MODE = ${pythonValue(preprocessing?.resizeMode ?? 'squash')}`,
    '# Pixels reach the model as pixel * SCALE + OFFSET (pixel in [0, 255]), or through the',
    "# pretrained base's preprocess_input when it has one (what its ImageNet weights expect).",
    `SCALE = ${pythonValue(preprocessing?.scale ?? 1 / 255)}`,
    `OFFSET = ${pythonValue(preprocessing?.offset ?? 0)}`,
    `PREPROCESS_INPUT = ${base ? `keras.applications.${base.module}.preprocess_input` : 'None'}`,
    `BATCH_SIZE = ${hp.batchSize}`,
    `EPOCHS = ${hp.epochs}`,
    `SEED = ${hp.seed}`,
    `# ${validation.note}`,
    `VALIDATION_SPLIT = ${validation.fraction === null ? 'None' : pythonValue(validation.fraction)}`,
    `LABEL_MODE = ${pythonValue(labelMode)}`,
    `CLASS_WEIGHT = ${classWeight}`,
    '',
    '',
    buildModelFunction(graph),
    '',
    HELPERS,
    '',
    ...augmentation,
    '',
    '',
    'def load_datasets(data_dir, batch_size, image_size):',
    '    """Train and validation splits of an image folder, resized and coloured as in Model Lab."""',
    '    options = dict(',
    '        labels="inferred",',
    '        label_mode=LABEL_MODE,',
    '        class_names=CLASS_NAMES,',
    '        color_mode=COLOR_MODE,',
    '        image_size=image_size,',
    '        batch_size=batch_size,',
    `        shuffle=${pythonValue(hp.shuffle)},`,
    '        seed=SEED,',
    '        validation_split=VALIDATION_SPLIT,',
    '        crop_to_aspect_ratio=RESIZE_MODE == "center-crop",',
    '    )',
    '    if RESIZE_MODE == "letterbox":',
    '        options["pad_to_aspect_ratio"] = True',
    '    if VALIDATION_SPLIT is None:',
    '        train = keras.utils.image_dataset_from_directory(data_dir, **options)',
    '        validation = None',
    '    else:',
    '        train = keras.utils.image_dataset_from_directory(data_dir, subset="training", **options)',
    '        validation = keras.utils.image_dataset_from_directory(data_dir, subset="validation", **options)',
    '    class_names = train.class_names',
    '',
    '    def prepare(images, labels, training):',
    '        images = tf.cast(images, tf.float32) / 255.0',
    ...(augmentation.length > 0 ? ['        if training:', '            images = augment(images)'] : []),
    ...(takesRank2 ? ['        images = tf.squeeze(images, axis=-1)  # the model takes (height, width) images'] : []),
    '        if PREPROCESS_INPUT is not None:',
    '            return PREPROCESS_INPUT(images * 255.0), labels',
    '        return images * (255.0 * SCALE) + OFFSET, labels',
    '',
    '    autotune = tf.data.AUTOTUNE',
    '    train = train.map(lambda x, y: prepare(x, y, True), num_parallel_calls=autotune).prefetch(autotune)',
    '    if validation is not None:',
    '        validation = validation.map(lambda x, y: prepare(x, y, False), num_parallel_calls=autotune).prefetch(autotune)',
    '    return train, validation, class_names',
    '',
    '',
    'def balanced_class_weight(dataset, classes):',
    '    """n_samples / (n_classes * count) per class, as Keras users compute it."""',
    '    counts = np.zeros(classes)',
    '    for _, labels in dataset.unbatch():',
    '        counts[int(np.argmax(labels)) if LABEL_MODE == "categorical" else int(labels)] += 1',
    '    return {i: float(counts.sum() / (classes * max(c, 1))) for i, c in enumerate(counts)}',
    '',
    '',
    'def main():',
    '    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)',
    '    parser.add_argument("--data", required=True, help="image folder with one sub-folder per class")',
    '    parser.add_argument("--strategy", choices=["default", "mirrored", "multi-worker"], default="default")',
    '    parser.add_argument("--epochs", type=int, default=EPOCHS)',
    '    parser.add_argument("--batch-size", type=int, default=BATCH_SIZE, help="global batch size across replicas")',
    '    parser.add_argument("--output", default="model.keras", help="best checkpoint (.keras)")',
    '    args = parser.parse_args()',
    '',
    '    keras.utils.set_random_seed(SEED)',
    '    strategy = make_strategy(args.strategy)',
    '    print(f"Replicas in sync: {strategy.num_replicas_in_sync}")',
    '    epochs = args.epochs',
    '    with strategy.scope():',
    '        model = build_model()',
    '        image_size = IMAGE_SIZE or tuple(model.input_shape[1:3])',
    '        train, validation, class_names = load_datasets(args.data, args.batch_size, image_size)',
    '        steps_per_epoch = int(train.cardinality())',
    `        optimizer = keras.optimizers.${optimizer.class_name}(${optimizerArgs.join(', ')})`,
    `        model.compile(optimizer=optimizer, loss=${lossCode}, metrics=[${metrics.join(', ')}])`,
    '    class_weight = balanced_class_weight(train, len(class_names)) if CLASS_WEIGHT == "balanced" else CLASS_WEIGHT',
    '    callbacks = [',
    ...callbacks.map((callback) => `        ${callback},`),
    '    ]',
    '    model.fit(train, validation_data=validation, epochs=epochs, class_weight=class_weight, callbacks=callbacks)',
    '',
    '',
    'if __name__ == "__main__":',
    '    main()',
    '',
  ];
  return lines.join('\n').replace(/\n{4,}/g, '\n\n\n');
}
