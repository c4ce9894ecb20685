import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { CheckpointError } from './checkpoint-error.js';
import { loadCheckpoint, saveCheckpoint, type Checkpoint } from './checkpoint.js';

const dir = await mkdtemp(join(tmpdir(), 'lowbit-ckpt-tmp-'));
after(() => rm(dir, { recursive: true, force: true }));

/** The id of a process that has exited: what a writer killed mid-write leaves in its temporary's name. */
const deadPid = spawnSync(process.execPath, ['-e', '0']).pid!;
const ckpt = (): Checkpoint => ({ meta: { epoch: 1 }, tensors: new Map([['w', Float32Array.from([1, 2])]]) });

test('saveCheckpoint removes the temporaries a killed writer left for the same target, and only those', async () => {
  const run = join(dir, 'run');
  await mkdir(run);
  const left = [`last.ckpt.${deadPid}.tmp`, `last.ckpt.${process.pid}.tmp`];
  const kept = [`last.ckpt.${process.ppid}.tmp`, `best.ckpt.${deadPid}.tmp`, `last.ckpt.x.tmp`, 'notes.tmp']; // a live writer, another target, not ours
  for (const f of [...left, ...kept]) await writeFile(join(run, f), new Uint8Array(1000));
  await saveCheckpoint(join(run, 'last.ckpt'), ckpt());
  assert.deepEqual((await readdir(run)).sort(), ['last.ckpt', ...kept].sort());
});

test('loadCheckpoint of a checkpoint whose first write was interrupted says so, instead of a bare ENOENT', async () => {
  const run = join(dir, 'killed');
  await mkdir(run);
  const tmp = join(run, `last.ckpt.${deadPid}.tmp`);
  await writeFile(tmp, new Uint8Array(4096));
  await assert.rejects(loadCheckpoint(join(run, 'last.ckpt')), (e: Error) => {
    assert.ok(e instanceof CheckpointError, `${e.name}: ${e.message}`);
    assert.ok(e.message.includes(tmp) && e.message.includes('4096 bytes'), e.message);
    assert.match(e.message, /stopped while writing this checkpoint.*Train again/);
    return true;
  });
  await saveCheckpoint(join(run, 'last.ckpt'), ckpt()); // the next write cleans up
  assert.deepEqual(await readdir(run), ['last.ckpt']);
});

test('saveCheckpoint: a write that fails removes its own temporary', async () => {
  const run = join(dir, 'fails');
  await mkdir(join(run, 'last.ckpt'), { recursive: true }); // a folder where the file should go: rename fails
  await writeFile(join(run, 'last.ckpt', 'x'), 'keeps the folder non-empty');
  await assert.rejects(saveCheckpoint(join(run, 'last.ckpt'), ckpt()));
  assert.deepEqual(await readdir(run), ['last.ckpt']);
});
