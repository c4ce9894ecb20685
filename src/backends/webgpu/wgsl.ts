/** A compute shader's frame: the uniform block `p` (struct fields, at least one), storage
 *  bindings 1.. in order (all read_write: an output may alias an input), and `main` with the
 *  builtins kernels use: `gid`, `lid`, `wid`, `nwg`, and `flat`, the invocation's index over a
 *  `grid()` of 1-D work (x, then y past 65535 groups). */
export function shader(fields: string, bindings: [name: string, type: 'f32' | 'i32' | 'u32'][], body: string,
  size: string = '256', before = ''): string {
  const decls = bindings.map(([name, type], i) => `@group(0) @binding(${i + 1}) var<storage, read_write> ${name}: array<${type}>;`);
  const width = size.split(',').map((s) => Number(s.trim())).reduce((a, b) => a * b, 1);
  return `struct P { ${fields} }
@group(0) @binding(0) var<uniform> p: P;
${decls.join('\n')}
${before}
@compute @workgroup_size(${size})
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(local_invocation_id) lid: vec3u,
        @builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
        @builtin(local_invocation_index) lix: u32) {
  let flat = gid.x + gid.y * nwg.x * ${width}u;
  ${body}
}`;
}
