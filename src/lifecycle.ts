import type { Logger } from './log.js';

/**
 * Stops what an instance runs, in order, each step bounded: a stuck connection or job must never keep an instance
 * from stopping. A step that fails or overruns is logged and the next one runs.
 */
export async function stopInOrder(
  log: Logger,
  steps: readonly { what: string; stop: () => Promise<unknown> | undefined; ms: number }[],
): Promise<void> {
  for (const step of steps) {
    const finished = await Promise.race([
      Promise.resolve()
        .then(step.stop)
        .then(
          () => true,
          (error: unknown) => {
            log.warn({ err: error }, `stopping: ${step.what} failed`);
            return true;
          },
        ),
      new Promise<boolean>((resolve) => setTimeout(() => resolve(false), step.ms).unref()),
    ]);
    if (!finished) log.warn(`stopping: ${step.what} took over ${step.ms / 1000} s; going on`);
  }
}
