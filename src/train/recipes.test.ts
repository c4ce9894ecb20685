import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkRecipe, isRecipePath, loadRecipe, recipeNames } from './recipes.js';

test('recipes: shipped ones by name or path; anything else is refused naming the file and the field', async () => {
  assert.ok(recipeNames().includes('mnist-mlp'));
  const byName = await loadRecipe('mnist-mlp');
  assert.equal(byName.experiment, 'mnist-mlp');
  assert.equal(isRecipePath('mnist-mlp'), false);
  assert.equal(isRecipePath('../package'), true);
  assert.equal(isRecipePath('mine.json'), true);
  const ok = { experiment: 'x', dataset: 'mnist', model: { name: 'mnist-mlp' }, train: { epochs: 1, batchSize: 1, lr: 1, lrEnd: 1, seed: 1, loss: 'squaredHinge', scale: 'unit' } };
  assert.equal(checkRecipe(ok, 'ok.json').experiment, 'x');
  const bad: [unknown, RegExp][] = [
    [[], /expected a JSON object/],
    [{ ...ok, experiment: '../up' }, /"experiment" must be a name/],
    [{ ...ok, dataset: 'cifar' }, /"dataset" must be one of mnist, cifar10, svhn/],
    [{ ...ok, model: { name: 'nope' } }, /"model" must be an object whose "name" is one of mnist-mlp/],
    [{ ...ok, train: { ...ok.train, lr: '1' } }, /"train\.lr" must be a number/],
    [{ ...ok, limit: 0 }, /"limit" must be a positive integer/],
    [{ ...ok, data: 3 }, /"data" must be a folder path/],
  ];
  for (const [json, message] of bad) assert.throws(() => checkRecipe(json, 'bad.json'), (e: unknown) => e instanceof Error && /recipe: bad\.json is not a lowbit recipe/.test(e.message) && message.test(e.message));
  await assert.rejects(loadRecipe('./no-such.json'), /recipe: no such file: \.\/no-such\.json/);
});
