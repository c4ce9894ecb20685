/** The JSON metadata of a binary file (.lbit, checkpoints), parsed with its nesting bounded.
 *  A hostile file can nest thousands of levels in a few kilobytes; JSON.parse takes it, but every
 *  recursive reader after it (messages, structuredClone, fromConfig) would overflow the stack with
 *  a RangeError. Real metadata nests a few levels; MAX_JSON_DEPTH leaves room for nested models. */
export const MAX_JSON_DEPTH = 64;

/** Parse utf-8 JSON `bytes`; `fail` gets what is wrong (invalid UTF-8 or JSON, nested too deep). */
export function parseJsonHeader(bytes: Uint8Array, fail: (what: string) => never, maxDepth = MAX_JSON_DEPTH): unknown {
  // Bytes below 0x80 never occur inside a multi-byte UTF-8 character, so a byte scan sees every
  // bracket and quote; brackets inside strings do not count, escaped quotes do not end them.
  let depth = 0, inString = false;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (inString) {
      if (b === 0x5c) i++; // backslash: skip the escaped byte
      else if (b === 0x22) inString = false;
    } else if (b === 0x22) inString = true;
    else if (b === 0x5b || b === 0x7b) { if (++depth > maxDepth) fail(`metadata nests deeper than ${maxDepth} levels (at byte ${i}); the file is corrupted or not from lowbit`); }
    else if (b === 0x5d || b === 0x7d) depth--;
  }
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (e) { return fail(`metadata is not valid JSON (${(e as Error).message}); the file is corrupted`); }
}
