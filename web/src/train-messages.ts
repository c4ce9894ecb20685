/** What the page and the training Worker say to each other. */
export interface StartTraining { type: 'start'; backend: string; width: number; depth: number; epochs: number; batchSize: number; lr: number; logEvery: number }
export type ToWorker = StartTraining | { type: 'stop' };
export type FromWorker =
  | { type: 'ready'; backend: string; threads: number; images: number }
  /** loss and error: of the batch at that step. */
  | { type: 'progress'; step: number; steps: number; loss: number; error: number; samplesPerSec: number }
  | { type: 'done'; steps: number; valError: number; lbit: ArrayBuffer; stopped: boolean }
  | { type: 'error'; message: string };
