import assert from 'node:assert/strict';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { DataError } from './data-error.js';
import { loadPtb } from './ptb.js';
import { batchify, windows } from './ptb-batches.js';
import { vocabularyOf } from './ptb-vocabulary.js';

async function folder(files: Record<string, string | Uint8Array>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'lowbit-ptb-'));
  for (const [name, body] of Object.entries(files)) await writeFile(join(dir, name), body);
  return dir;
}

const rejects = (p: Promise<unknown>, pattern: RegExp) => assert.rejects(p, (e: Error) => e instanceof DataError && pattern.test(e.message));

test('ptb: vocabulary in frequency order, ties by first appearance; <eos> at line ends; gzipped or not', async () => {
  const dir = await folder({
    'ptb.train.txt': ' b a <unk>\n a c\n',
    'ptb.valid.txt.gz': gzipSync(' a zebra\n'),
    'ptb.test.txt': 'c  b\n',
  });
  try {
    const { vocabulary, train, validation, test: testIds } = await loadPtb({ dir });
    // counts: a 2, <eos> 2, b 1, <unk> 1, c 1; a appears before <eos>
    assert.deepEqual(vocabulary.words, ['a', '<eos>', 'b', '<unk>', 'c']);
    assert.equal(vocabulary.unk, 3);
    assert.deepEqual([...train], [2, 0, 3, 1, 0, 4, 1]);
    assert.deepEqual([...validation], [0, 3, 1]); // zebra is not in train: <unk>
    assert.deepEqual([...testIds], [4, 2, 1]);
  } finally { await rm(dir, { recursive: true }); }
});

test('ptb: clear errors for missing, empty or wordless files and unknown words without <unk>', async () => {
  const ok = ' a b\n';
  const cases: [Record<string, string>, RegExp][] = [
    [{ 'ptb.train.txt': ok, 'ptb.valid.txt': ok }, /no such file: .*ptb\.test\.txt \(nor .*ptb\.test\.txt\.gz\)\. Point --data/],
    [{ 'ptb.train.txt': '', 'ptb.valid.txt': ok, 'ptb.test.txt': ok }, /ptb\.train\.txt is empty/],
    [{ 'ptb.train.txt': ' \n\n', 'ptb.valid.txt': ok, 'ptb.test.txt': ok }, /ptb\.train\.txt holds no words, so the vocabulary would be empty/],
    [{ 'ptb.train.txt': ok, 'ptb.valid.txt': '\n', 'ptb.test.txt': ok }, /ptb\.valid\.txt holds no words/],
    [{ 'ptb.train.txt': ok, 'ptb.valid.txt': ok, 'ptb.test.txt': ' a\n b zebra\n' }, /ptb\.test\.txt line 2 has the word 'zebra'.*no <unk>/],
  ];
  for (const [files, pattern] of cases) {
    const dir = await folder(files);
    try { await rejects(loadPtb({ dir }), pattern); } finally { await rm(dir, { recursive: true }); }
  }
  const dir = await folder({ 'ptb.valid.txt': ok, 'ptb.test.txt': ok });
  try {
    await mkdir(join(dir, 'ptb.train.txt'));
    await rejects(loadPtb({ dir }), /ptb\.train\.txt is a folder/);
    await writeFile(join(dir, 'ptb.valid.txt'), Uint8Array.from([0x1f, 0x8b, 1, 2, 3]));
    await rm(join(dir, 'ptb.train.txt'), { recursive: true });
    await writeFile(join(dir, 'ptb.train.txt'), ok);
    await rejects(loadPtb({ dir }), /ptb\.valid\.txt looks gzipped but does not inflate/);
  } finally { await rm(dir, { recursive: true }); }
  assert.throws(() => vocabularyOf(['a', 'a']), DataError);
});

test('ptb: the official split (929k/73k/82k words, vocabulary 10,000)', async () => {
  const { vocabulary, train, validation, test: testIds } = await loadPtb();
  assert.equal(vocabulary.words.length, 10_000);
  assert.deepEqual([train.length, validation.length, testIds.length], [929_589, 73_760, 82_430]); // SOURCE.md's token counts
  assert.equal(vocabulary.words[0], 'the');
  assert.ok(vocabulary.unk !== undefined);
  for (const ids of [train, validation, testIds]) assert.ok(ids.every((id) => id >= 0 && id < 10_000));
});

test('ptb: batchify cuts rows; windows predict each next word once, the last window shorter', () => {
  const stream = Int32Array.from({ length: 23 }, (_, i) => i);
  const data = batchify(stream, 3); // rows of 7: 0..6, 7..13, 14..20; 21, 22 dropped
  assert.equal(data.length, 7);
  const got = [...windows(data, 4)];
  assert.deepEqual(got.map((w) => w.steps), [4, 2]);
  assert.deepEqual([...got[0]!.inputs], [0, 1, 2, 3, 7, 8, 9, 10, 14, 15, 16, 17]);
  assert.deepEqual([...got[0]!.targets], [1, 2, 3, 4, 8, 9, 10, 11, 15, 16, 17, 18]);
  assert.deepEqual([...got[1]!.inputs], [4, 5, 11, 12, 18, 19]);
  assert.deepEqual([...got[1]!.targets], [5, 6, 12, 13, 19, 20]);
  assert.throws(() => batchify(stream, 12), /cannot be cut into 12 rows/);
  assert.throws(() => batchify(stream, 0), DataError);
  assert.throws(() => windows(data, 0).next(), DataError);
});
