let enabled = true;

/** Whether ops record the graph for backward now. */
export function isGradEnabled(): boolean { return enabled; }

/** Run fn without recording a graph (evaluation, optimizer updates).
 *  @example const y = noGrad(() => model.forward(x)) */
export function noGrad<T>(fn: () => T): T {
  const before = enabled;
  enabled = false;
  try { return fn(); } finally { enabled = before; }
}
