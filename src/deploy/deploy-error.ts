import { LowbitError } from '../errors/lowbit-error.js';

/** A model that `compile()` cannot turn into a packed graph, or a graph the engine cannot run:
 *  the message names the layer and what would have to change. */
export class DeployError extends LowbitError {
  override name = 'DeployError';
}
