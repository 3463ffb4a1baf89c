import { describe, expect, it } from 'vitest';
import { initBackend, type Tfjs } from '../../../main/engine/backend';
import { compileGraph } from '../../../main/engine/compile';
import { everyLayerGraph } from './everyLayerGraph';
import { expectMatchesAnalysis } from '../../unit/main/engine/expectMatchesAnalysis';

type Artifacts = Parameters<Tfjs['io']['fromMemory']>[0];

describe('model.json round trip of a compiled graph', () => {
  it('matches the analysis, then reloads every layer family (custom classes included) with the same classes, names and predictions', async () => {
    const { tf } = await initBackend({ preference: 'wasm' });
    const model = compileGraph(everyLayerGraph(), tf, { seed: 11 });
    // Shapes, Keras weight names and order, and parameter counts of every layer family.
    expectMatchesAnalysis(everyLayerGraph(), model);
    let saved: Artifacts | undefined;
    await model.save(tf.io.withSaveHandler(async (artifacts) => {
      saved = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }));
    const loaded = await tf.loadLayersModel(tf.io.fromMemory(saved as Artifacts));
    expect(loaded.layers.map((layer) => [layer.name, layer.getClassName()])).toEqual(model.layers.map((layer) => [layer.name, layer.getClassName()]));
    const x = tf.randomUniform([2, 8, 8, 3], 0, 1, 'float32', 4);
    const expected = (model.predict(x) as ReturnType<Tfjs['tensor2d']>).arraySync();
    const actual = (loaded.predict(x) as ReturnType<Tfjs['tensor2d']>).arraySync();
    actual.flat().forEach((value, i) => expect(value).toBeCloseTo(expected.flat()[i] as number, 5));
    model.dispose();
    loaded.dispose();
  });
});
