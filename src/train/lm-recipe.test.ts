import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ptbLm } from '../models/ptb-lm.js';
import { checkLmRecipe, isLmRecipeJson, loadLmRecipe, readRecipeJson, resultName } from './lm-recipe.js';

test('language-model recipes: ptb-lstm and ptb-gru ship, 1x300, and build; bad files name the field', async () => {
  for (const [name, cell] of [['ptb-lstm', 'lstm'], ['ptb-gru', 'gru']] as const) {
    const r = await loadLmRecipe(name);
    assert.deepEqual([r.experiment, r.dataset, r.model.cell, r.model.hidden, r.model.embed, r.model.layers, r.train.steps, r.train.batchSize], [name, 'ptb', cell, 300, 300, 1, 35, 20]);
    assert.equal(isLmRecipeJson(await readRecipeJson(name)), true);
    assert.equal(ptbLm({ ...r.model, vocabulary: 10_000 }).config().type, 'PtbLm');
    assert.equal(resultName(r), `${name}-float`);
    assert.equal(resultName({ ...r, model: { ...r.model, bitsW: 2, bitsA: 3 } }), `${name}-w2a3`);
  }
  assert.equal(isLmRecipeJson(await readRecipeJson('mnist-mlp')), false);
  const ok = await loadLmRecipe('ptb-lstm');
  const bad: [unknown, RegExp][] = [
    [[], /expected a JSON object/],
    [{ ...ok, dataset: 'mnist' }, /"dataset" must be "ptb"/],
    [{ ...ok, model: { ...ok.model, cell: 'rnn' } }, /"model\.cell" must be "lstm" or "gru"/],
    [{ ...ok, model: { ...ok.model, hidden: '300' } }, /"model\.hidden" must be a number/],
    [{ ...ok, train: { ...ok.train, clipNorm: undefined } }, /"train\.clipNorm" must be a number/],
    [{ ...ok, limitWords: 1 }, /"limitWords" must be an integer >= 2/],
  ];
  for (const [json, message] of bad) assert.throws(() => checkLmRecipe(json, 'bad.json'), (e: unknown) => e instanceof Error && /bad\.json is not a language-model recipe/.test(e.message) && message.test(e.message));
  await assert.rejects(loadLmRecipe('./no-such.json'), /cannot read \.\/no-such\.json as JSON/);
});
