/**
 * `settle()` for a target that is a real driver: a request through a process's completion port
 * completes after every packet queued before it on that port, so once one is back, every earlier
 * completion of that process has been delivered. But a client re-posts as it is delivered, and a
 * re-posted request may complete at once (events waiting), so rounds repeat until one completes
 * nothing but the round's own requests: the driver's completion count then grows by exactly
 * those plus the previous count's own request.
 */
export interface RoundTrips {
  /** The driver's completion count, read with a request of its own (which the next read counts). */
  completions(): Promise<bigint>;
  /**
   * Sends a request that completes at once through the control handle and through one handle of
   * each live process, and resolves, once all are back, with how many it sent.
   */
  roundTrip(): Promise<number>;
}

export async function settleThroughRoundTrips(target: RoundTrips, rounds = 100): Promise<void> {
  let last = await target.completions();
  for (let round = 0; round < rounds; round++) {
    const sent = await target.roundTrip();
    await new Promise<void>((resolve) => setImmediate(resolve));
    const now = await target.completions();
    if (now - last === BigInt(sent + 1)) return;
    last = now;
  }
  throw new Error(`settle: the driver kept completing requests for ${rounds} rounds`);
}
