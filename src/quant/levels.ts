/** The values a quantizer gives at run time, as the packed engine stores them: an unsigned
 *  `bits`-bit code u stands for lo + step·u, step = (hi − lo)/(2^bits − 1).
 *    binary ±1 (steSign):        { bits 1, lo +1, hi −1 }  code 1 = −1, DESIGN.md's bit 1 = −1
 *    k-bit linear (steLinear):   { bits k, lo, hi }        QNN-SPEC §3.2 LinearQuantK
 *    raw pixels:                 { bits 8, lo, hi }        the input scaling, §5.1
 *  Each quantizer says its own (`Quantizer.levels`); nothing else derives them. */
export interface Levels { readonly bits: number; readonly lo: number; readonly hi: number }

/** The sign's code is the float sign bit, so its levels run downwards (the only ones that do). */
export const SIGN_LEVELS: Levels = { bits: 1, lo: 1, hi: -1 };

export const levelStep = (l: Levels): number => (l.hi - l.lo) / (2 ** l.bits - 1);
export const isSignCode = (l: Levels): boolean => l.bits === 1 && l.lo === 1 && l.hi === -1;
/** Both levels are ±1 (either code order): products may run as XNOR-popcount. */
export const isBinary = (l: Levels | null): boolean => l !== null && l.bits === 1 && Math.abs(l.lo) === 1 && l.hi === -l.lo;
