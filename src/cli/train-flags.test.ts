import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadRecipe } from '../train/recipes.js';
import { applyFlags, checkConflicts, checkResumeFlags } from './train-flags.js';

test('image flags: --augment switches crops and flips on, --no-augment off whatever the recipe says; a resume takes neither', async () => {
  const cnv = await loadRecipe('cifar10-cnv'), mlp = await loadRecipe('mnist-mlp');
  assert.deepEqual(cnv.train.augment, { pad: 4, flip: true }, 'the CNV recipe augments');
  assert.equal(applyFlags(cnv, { augment: false }).train.augment, undefined);
  assert.deepEqual(applyFlags(cnv, {}).train.augment, { pad: 4, flip: true });
  assert.deepEqual(applyFlags(mlp, { augment: true }).train.augment, { pad: 4, flip: true });
  assert.equal(applyFlags(mlp, {}).train.augment, undefined);
  for (const [augment, name] of [[true, '--augment'], [false, '--no-augment']] as const) {
    assert.throws(() => checkResumeFlags({ resume: 'runs/x', augment }), (e: unknown) => e instanceof Error && e.name === 'UsageError' && e.message.endsWith(`drop ${name}`));
  }
});

test('--lr-schedule cosine reaches the trainer; the recipe\'s exponential decay stays without it; --lr-halve-every refuses it', async () => {
  const cnv = await loadRecipe('cifar10-cnv');
  assert.equal(applyFlags(cnv, {}).train.lrSchedule, undefined);
  assert.equal(applyFlags(cnv, { lrSchedule: 'cosine' }).train.lrSchedule, 'cosine');
  assert.throws(() => checkConflicts({ lrSchedule: 'cosine', lrHalveEvery: 5 }), (e: unknown) => e instanceof Error && e.name === 'UsageError' && /--lr-halve-every replaces the decay that --lr-schedule shapes/.test(e.message));
  assert.throws(() => checkResumeFlags({ resume: 'runs/x', lrSchedule: 'cosine' }), (e: unknown) => e instanceof Error && e.message.endsWith('drop --lr-schedule'));
});
