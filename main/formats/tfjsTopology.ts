/** TF.js saves Keras's named initializers as the VarianceScaling they stand for, with a drawn seed. */
const VARIANCE_SCALING_NAMES: { scale: number; mode: string; distributions: string[]; name: string }[] = [
  { scale: 1, mode: 'fan_avg', distributions: ['uniform'], name: 'glorot_uniform' },
  { scale: 1, mode: 'fan_avg', distributions: ['normal', 'truncated_normal'], name: 'glorot_normal' },
  { scale: 2, mode: 'fan_in', distributions: ['uniform'], name: 'he_uniform' },
  { scale: 2, mode: 'fan_in', distributions: ['normal', 'truncated_normal'], name: 'he_normal' },
  { scale: 1, mode: 'fan_in', distributions: ['uniform'], name: 'lecun_uniform' },
  { scale: 1, mode: 'fan_in', distributions: ['normal', 'truncated_normal'], name: 'lecun_normal' },
];

function initializerName(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  const { class_name: className, config } = value as { class_name?: unknown; config?: Record<string, unknown> };
  if (className !== 'VarianceScaling' || config === undefined) return value;
  const match = VARIANCE_SCALING_NAMES.find((entry) => entry.scale === config['scale'] && entry.mode === config['mode'] && entry.distributions.includes(String(config['distribution'])));
  return match?.name ?? value;
}

/**
 * A TF.js `modelTopology` made readable as a Keras config: initializers TF.js expanded to
 * `VarianceScaling` get their Keras names back (the weights are in the file, so the seed
 * TF.js drew does not matter).
 */
export function kerasConfigFromTfjsTopology(topology: Record<string, unknown>): unknown {
  const modelConfig = (topology['model_config'] ?? topology) as { config?: { layers?: { config?: Record<string, unknown> }[] } };
  const copy = JSON.parse(JSON.stringify(modelConfig)) as typeof modelConfig;
  for (const layer of copy.config?.layers ?? []) {
    const config = layer.config;
    if (config === undefined) continue;
    for (const key of Object.keys(config)) if (key.endsWith('_initializer')) config[key] = initializerName(config[key]);
  }
  return copy;
}
