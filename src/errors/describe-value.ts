/** A short, safe description of any value for an error message: what a hostile file put where a
 *  number or a name belongs. Never throws and never walks the value, so a value nested thousands
 *  deep or holding millions of entries costs nothing (`JSON.stringify` would overflow the stack
 *  on the one and print megabytes of the other).
 *  @example describeValue('x'.repeat(500))  // → "xxxx…" (500 chars)
 *  @example describeValue({ a: 1, b: [2] })  // → an object {a, b} */
export function describeValue(v: unknown, maxChars = 40): string {
  if (typeof v === 'string') return v.length <= maxChars ? JSON.stringify(v) : `${JSON.stringify(v.slice(0, maxChars))}… (${v.length} chars)`;
  if (typeof v === 'function') return 'a function';
  if (typeof v === 'symbol') return 'a symbol';
  if (typeof v !== 'object' || v === null) return String(v);
  if (Array.isArray(v)) return `an array of ${v.length}`;
  const keys: string[] = [];
  for (const k in v) { if (keys.length === 4) { keys.push('…'); break; } keys.push(k.length <= 20 ? k : `${k.slice(0, 20)}…`); }
  return `an object {${keys.join(', ')}}`;
}

/** A name as messages quote it, 'steSign'; anything else (not a string, very long) as describeValue.
 *  @example describeName('steSgn')  // → 'steSgn' */
export function describeName(v: unknown, maxChars = 40): string {
  return typeof v === 'string' && v.length <= maxChars && !/[\x00-\x1f']/.test(v) ? `'${v}'` : describeValue(v, maxChars);
}
