import { DataError } from './data-error.js';

/** Words and their ids: `words[id]`, `ids.get(word)`; `unk` is the id of `<unk>` where the
 *  vocabulary has one (out-of-vocabulary words map to it), else undefined. */
export interface Vocabulary {
  readonly words: readonly string[];
  readonly ids: ReadonlyMap<string, number>;
  readonly unk: number | undefined;
}

/** Marks the end of every line; a word of the vocabulary like any other. */
export const EOS = '<eos>';
/** The word PTB writes for every rare word. */
export const UNK = '<unk>';

/** The lines of a text as word lists, `<eos>` ending each (a final newline ends the last line,
 *  it does not start an empty one). Words are separated by any run of spaces or tabs. */
function lines(text: string): string[][] {
  const rows = text.split(/\r?\n/);
  if (rows[rows.length - 1] === '') rows.pop();
  return rows.map((row) => [...row.split(/[ \t]+/).filter((w) => w !== ''), EOS]);
}

/** The vocabulary of a training text: every word (and `<eos>`), most frequent first, ties in order
 *  of first appearance, so the ids are the same on every machine.
 *  @example buildVocabulary('b a\na\n', 'train.txt').words  // ['a', '<eos>', 'b'] */
export function buildVocabulary(text: string, file: string, fix = ''): Vocabulary {
  const counts = new Map<string, number>();
  let words = 0;
  for (const line of lines(text)) {
    for (const w of line) counts.set(w, (counts.get(w) ?? 0) + 1);
    words += line.length - 1;
  }
  if (words === 0) throw new DataError(`ptb: ${file} holds no words, so the vocabulary would be empty. ${fix}`.trimEnd());
  // Map iterates in insertion order (first appearance) and the sort is stable
  const sorted = [...counts].sort((a, b) => b[1] - a[1]).map(([w]) => w);
  return vocabularyOf(sorted);
}

/** A vocabulary from its words in id order (a checkpoint's copy).
 *  @example vocabularyOf(['the', '<eos>', '<unk>']).unk  // 2 */
export function vocabularyOf(words: readonly string[]): Vocabulary {
  const ids = new Map(words.map((w, i) => [w, i]));
  if (ids.size !== words.length) throw new DataError('ptb: a vocabulary lists a word twice; each word must appear once');
  return { words: Object.freeze([...words]), ids, unk: ids.get(UNK) };
}

/** The word ids of a text, `<eos>` ending each line. A word outside the vocabulary becomes
 *  `<unk>` where the vocabulary has one; without `<unk>` it is an error naming file, line and word. */
export function encode(text: string, vocabulary: Vocabulary, file: string, fix = ''): Int32Array {
  const rows = lines(text), out: number[] = [];
  let words = 0;
  for (const [i, line] of rows.entries()) {
    words += line.length - 1;
    for (const w of line) {
      const id = vocabulary.ids.get(w) ?? vocabulary.unk;
      if (id === undefined) {
        throw new DataError(`ptb: ${file} line ${i + 1} has the word '${w}', which the training file never uses, and the `
          + `vocabulary has no ${UNK} to stand for it. Replace rare words by ${UNK} in every file (as PTB does). ${fix}`.trimEnd());
      }
      out.push(id);
    }
  }
  if (words === 0) throw new DataError(`ptb: ${file} holds no words. ${fix}`.trimEnd());
  return Int32Array.from(out);
}
