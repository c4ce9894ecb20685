// A job's arguments are i32 (the control block's words): floats go as their bits.

const f32 = new Float32Array(1), f32Word = new Int32Array(f32.buffer);
const f64 = new Float64Array(1), f64Words2 = new Int32Array(f64.buffer);

/** The bits of float32 f as an i32. */
export function f32Bits(f: number): number { f32[0] = f; return f32Word[0]!; }

/** The low and high words of a float64's bits. */
export function f64Words(v: number): [number, number] { f64[0] = v; return [f64Words2[0]!, f64Words2[1]!]; }
