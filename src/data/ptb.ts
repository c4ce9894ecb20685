import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DataError } from './data-error.js';
import { readDataFile } from './read-data-file.js';
import { buildVocabulary, encode, type Vocabulary } from './ptb-vocabulary.js';

/** A word-level language-model corpus in the Penn Treebank layout: one sentence a line, words
 *  separated by spaces; `<eos>` ends every line; `<unk>` is an ordinary word of the files. */
export interface Ptb {
  /** Built from the training file (frequency order, ties by first appearance). */
  vocabulary: Vocabulary;
  /** Word ids of each file, one stream with `<eos>` at every line end. */
  train: Int32Array;
  validation: Int32Array;
  test: Int32Array;
}

export interface PtbOptions {
  /** Folder holding `ptb.train.txt`, `ptb.valid.txt`, `ptb.test.txt`, each as is or gzipped
   *  (`.gz`); default: the official split in ../shared/data/ptb. */
  dir?: string;
}

const SPLITS = { train: 'ptb.train.txt', validation: 'ptb.valid.txt', test: 'ptb.test.txt' } as const;
const FIX = 'Point --data at a folder holding ptb.train.txt, ptb.valid.txt and ptb.test.txt (each may end in .gz): '
  + 'one sentence a line, words separated by spaces.';
/** A gzipped file may not inflate past this: PTB's training file is 5 MB. */
const MAX_INFLATED_BYTES = 1 << 30;

/** The official PTB copy beside the repository (../shared/data/ptb, see its SOURCE.md). */
export function defaultPtbDir(): string {
  return join(fileURLToPath(new URL('../../../', import.meta.url)), '..', 'shared', 'data', 'ptb');
}

/** Load a PTB-style corpus: the vocabulary from the training file, every split as word ids. A
 *  validation or test word outside the vocabulary becomes `<unk>` when the vocabulary has it,
 *  and is an error otherwise.
 *  @example const { vocabulary, train } = await loadPtb()  // 10000 words, 929589 ids */
export async function loadPtb(opts: PtbOptions = {}): Promise<Ptb> {
  const dir = opts.dir ?? defaultPtbDir();
  // read together, but report the first failing file in this order, whichever fails first
  const settled = await Promise.allSettled(Object.values(SPLITS).map((f) => readText(join(dir, f))));
  const [train, validation, test] = settled.map((r) => { if (r.status === 'rejected') throw r.reason; return r.value; });
  const vocabulary = buildVocabulary(train!.text, train!.file, FIX);
  return {
    vocabulary,
    train: encode(train!.text, vocabulary, train!.file, FIX),
    validation: encode(validation!.text, vocabulary, validation!.file, FIX),
    test: encode(test!.text, vocabulary, test!.file, FIX),
  };
}

/** The text of `path`, else of `path.gz`, inflated when gzipped (readDataFile); an empty file is
 *  an error. Messages name the plain path. */
async function readText(path: string): Promise<{ file: string; text: string }> {
  const file = path, bytes = await readDataFile(path, 'ptb', FIX, MAX_INFLATED_BYTES);
  if (bytes.length === 0) throw new DataError(`ptb: ${file} is empty. ${FIX}`);
  try {
    return { file, text: new TextDecoder('utf-8', { fatal: true }).decode(bytes) };
  } catch {
    throw new DataError(`ptb: ${file} is not UTF-8 text. ${FIX}`);
  }
}
