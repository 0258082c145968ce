/**
 * One turn of the event loop. tfjs reads resolve as microtasks, so a long training step would
 * otherwise hold timers, signals and IPC until it ends: on a loaded machine an HF step takes longer
 * than the lab's stale-heartbeat limit, and its worker was taken for dead while still training.
 * Long loops (a token of sampling, a minibatch's update) take one turn each.
 */
export const eventLoopTurn = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));
