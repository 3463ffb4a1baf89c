import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  INITIALIZERS,
  LAYER_CATALOG,
  camelCase,
  LAYER_FAMILIES,
  defaultLayerName,
  findLayerSpec,
  getLayerSpec,
  layerParamCount,
  resolveLayerParams,
} from '../../../../common/catalog';
import { LabError } from '../../../../common/errors';

const ALL_TYPES = [
  'Input', 'Rescaling', 'Conv2D', 'SeparableConv2D', 'DepthwiseConv2D', 'Conv2DTranspose', 'MaxPooling2D', 'AveragePooling2D',
  'GlobalAveragePooling2D', 'GlobalMaxPooling2D', 'ZeroPadding2D', 'Cropping2D', 'UpSampling2D', 'Flatten', 'Reshape', 'Dense',
  'Dropout', 'SpatialDropout2D', 'BatchNormalization', 'LayerNormalization', 'Activation', 'LeakyReLU', 'ReLU', 'PReLU', 'Add',
  'Subtract', 'Multiply', 'Average', 'Maximum', 'Concatenate',
];

describe('LAYER_CATALOG', () => {
  it('holds every layer type exactly once', () => {
    const types = LAYER_CATALOG.map((spec) => spec.type);
    expect(new Set(types).size).toBe(types.length);
    expect([...types].sort()).toEqual([...ALL_TYPES].sort());
  });

  it('is grouped in palette (family) order', () => {
    const familyIndexes = LAYER_CATALOG.map((spec) => LAYER_FAMILIES.indexOf(spec.family));
    expect(familyIndexes.every((index) => index >= 0)).toBe(true);
    expect(familyIndexes).toEqual([...familyIndexes].sort((a, b) => a - b));
  });

  it.each(LAYER_CATALOG.map((spec) => [spec.type, spec] as const))('%s is complete: schema, docs, key params, arity', (_type, spec) => {
    expect(spec.params).toBeInstanceOf(z.ZodObject);
    const fields = Object.keys((spec.params as z.ZodObject).shape);
    for (const key of spec.keyParams) expect(fields).toContain(key);
    expect(spec.summary.length).toBeGreaterThan(10);
    expect(spec.docs.input.length).toBeGreaterThan(0);
    expect(spec.docs.output.length).toBeGreaterThan(0);
    expect(spec.arity.min).toBeLessThanOrEqual(spec.arity.max);
    for (const field of fields) expect((spec.params as z.ZodObject).shape[field]?.description, field).toBeTruthy();
    expect(typeof spec.outputShape).toBe('function');
    expect(typeof spec.weights).toBe('function');
    expect(typeof spec.kerasConfig).toBe('function');
  });

  it.each(LAYER_CATALOG.map((spec) => [spec.type, spec] as const))('%s describes its TF.js layer, which its defaults can build', (type, spec) => {
    const { params } = resolveLayerParams(spec, {});
    if (type === 'Input') {
      // tf.input makes the model's inputs; there is no layer to describe.
      expect(spec.tfjsConfig).toBeUndefined();
      return;
    }
    expect(spec.tfjsConfig, `${type} has no tfjsConfig`).toBeTypeOf('function');
    const config = spec.tfjsConfig?.(params);
    expect(config?.factory === null || /^[a-z][A-Za-z0-9]*$/.test(config?.factory ?? '')).toBe(true);
    expect(config?.unsupported ?? []).toEqual([]);
    expect(config?.ownClassOnly ?? []).toEqual([]);
    // Generated code writes each required Keras argument under its TF.js name.
    for (const required of spec.requiredArguments ?? []) expect(Object.keys(config?.args ?? {}), required).toContain(camelCase(required));
  });

  it.each(LAYER_CATALOG.map((spec) => [spec.type, spec] as const))('%s lists only its own params as required arguments', (_type, spec) => {
    const fields = Object.keys((spec.params as z.ZodObject).shape);
    for (const required of spec.requiredArguments ?? []) expect(fields).toContain(required);
  });

  it.each(LAYER_CATALOG.map((spec) => [spec.type, spec] as const))('%s reads back its own Keras config', (_type, spec) => {
    const defaults = resolveLayerParams(spec, {});
    expect(defaults.errors).toEqual([]);
    const config = { name: defaultLayerName(spec.type), ...spec.kerasConfig(defaults.params) };
    const roundTrip = resolveLayerParams(spec, config);
    expect(roundTrip.errors.map((e) => e.message)).toEqual([]);
    // Pooling writes strides=None as the resolved pair, so compare what Keras would see.
    expect(spec.kerasConfig(roundTrip.params)).toEqual(spec.kerasConfig(defaults.params));
  });
});

describe('lookup', () => {
  it('finds known types and returns undefined for others', () => {
    expect(findLayerSpec('Conv2D')?.type).toBe('Conv2D');
    expect(findLayerSpec('Conv3D')).toBeUndefined();
    expect(getLayerSpec('Dense').type).toBe('Dense');
  });

  it('throws LAYER_UNKNOWN_TYPE naming the type and close matches', () => {
    const attempt = (type: string) => {
      try {
        getLayerSpec(type);
      } catch (error) {
        return error as LabError;
      }
      throw new Error(`getLayerSpec(${type}) did not throw`);
    };
    const error = attempt('Conv2d');
    expect(error).toBeInstanceOf(LabError);
    expect(error.code).toBe('LAYER_UNKNOWN_TYPE');
    expect(error.message).toContain('"Conv2d"');
    expect(error.details?.['suggestions']).toContain('Conv2D');
    expect(attempt('BatchNorm').details?.['suggestions']).toContain('BatchNormalization');
    expect(attempt('Zzzzzzzzzzzz').details?.['suggestions']).toEqual([]);
  });
});

describe('defaultLayerName', () => {
  it.each([
    ['Conv2D', 'conv2d'],
    ['BatchNormalization', 'batch_normalization'],
    ['ReLU', 're_lu'],
    ['PReLU', 'p_re_lu'],
    ['LeakyReLU', 'leaky_re_lu'],
    ['GlobalAveragePooling2D', 'global_average_pooling2d'],
    ['Conv2DTranspose', 'conv2d_transpose'],
    ['SeparableConv2D', 'separable_conv2d'],
    ['DepthwiseConv2D', 'depthwise_conv2d'],
    ['UpSampling2D', 'up_sampling2d'],
    ['ZeroPadding2D', 'zero_padding2d'],
    ['MaxPooling2D', 'max_pooling2d'],
    ['Dense', 'dense'],
    ['Input', 'input'],
  ])('%s -> %s', (type, name) => {
    expect(defaultLayerName(type)).toBe(name);
  });
});

describe('resolveLayerParams', () => {
  const conv = getLayerSpec('Conv2D');

  it('accepts a full tf.keras 2.x Conv2D config', () => {
    const { params, errors } = resolveLayerParams(conv, {
      name: 'conv2d_3',
      trainable: false,
      dtype: 'float32',
      filters: 64,
      kernel_size: [3, 3],
      strides: [1, 1],
      padding: 'same',
      data_format: 'channels_last',
      dilation_rate: [1, 1],
      groups: 1,
      activation: 'relu',
      use_bias: true,
      kernel_initializer: { class_name: 'HeUniform', config: { seed: null } },
      bias_initializer: { module: 'keras.initializers', class_name: 'Zeros', config: {}, registered_name: null },
      kernel_regularizer: { class_name: 'L2', config: { l2: 0.0005 } },
      bias_regularizer: null,
      activity_regularizer: null,
      kernel_constraint: null,
      bias_constraint: null,
    });
    expect(errors).toEqual([]);
    expect(params).toMatchObject({ filters: 64, padding: 'same', kernel_initializer: 'he_uniform', bias_initializer: 'zeros', kernel_regularizer: { l1: 0, l2: 0.0005 } });
  });

  it('refuses what it cannot honour instead of dropping it', () => {
    const codes = (raw: Record<string, unknown>) => resolveLayerParams(conv, raw).errors.map((e) => [e.code, e.details?.field]);
    expect(codes({ data_format: 'channels_first' })).toEqual([['LAYER_BAD_PARAM', 'data_format']]);
    expect(codes({ bias_regularizer: { class_name: 'L2', config: { l2: 0.1 } } })).toEqual([['LAYER_BAD_PARAM', 'bias_regularizer']]);
    expect(codes({ kernel_initializer: { class_name: 'RandomNormal', config: { mean: 0, stddev: 0.02, seed: null } } })).toEqual([
      ['LAYER_BAD_PARAM', 'kernel_initializer'],
    ]);
    expect(codes({ filterz: 3 })).toEqual([['LAYER_BAD_PARAM', 'filterz']]);
  });

  it('keeps the valid fields and defaults the rest when some are bad', () => {
    const { params, errors } = resolveLayerParams(conv, { filters: 'many', kernel_size: 5 });
    expect(errors.map((e) => e.details?.field)).toEqual(['filters']);
    expect(params).toMatchObject({ filters: 32, kernel_size: [5, 5] });
  });

  it('reports each bad field with its value', () => {
    const [error] = resolveLayerParams(conv, { filters: 0 }).errors;
    expect(error?.code).toBe('LAYER_BAD_PARAM');
    expect(error?.details).toMatchObject({ field: 'filters', received: 0 });
    expect(error?.message).toContain('Received: filters=0');
  });

  it('offers the Keras initializers', () => {
    expect(INITIALIZERS).toContain('glorot_uniform');
    expect(INITIALIZERS).toContain('he_normal');
    for (const name of INITIALIZERS) {
      expect(resolveLayerParams(conv, { kernel_initializer: name }).errors).toEqual([]);
    }
  });
});

describe('layerParamCount', () => {
  it('counts trainable weights, or none when frozen', () => {
    const dense = getLayerSpec('Dense');
    const { params } = resolveLayerParams(dense, { units: 10 });
    expect(layerParamCount(dense, [[null, 128]], params, true)).toEqual({ trainable: 1290, nonTrainable: 0 });
    expect(layerParamCount(dense, [[null, 128]], params, false)).toEqual({ trainable: 0, nonTrainable: 1290 });
  });

  it('throws the shape error of an incompatible input', () => {
    const dense = getLayerSpec('Dense');
    expect(() => layerParamCount(dense, [[null, null]], resolveLayerParams(dense, {}).params, true)).toThrow(expect.objectContaining({ code: 'SHAPE_UNKNOWN' }));
  });
});
