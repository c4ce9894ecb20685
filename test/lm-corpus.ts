/** Sentences of a small grammar, seeded: 'the cat sat on a mat', … (a tiny corpus for language-model tests). */
export function corpus(lines: number, seed: number): string {
  let s = seed;
  const pick = (xs: string[]): string => { s = (s * 1103515245 + 12345) >>> 0; return xs[(s >>> 16) % xs.length]!; };
  return Array.from({ length: lines }, () => ['the', pick(['cat', 'dog', 'bird']), pick(['sat', 'ran']), pick(['on', 'to']), 'a', pick(['mat', 'red house'])].join(' ')).join('\n') + '\n';
}
