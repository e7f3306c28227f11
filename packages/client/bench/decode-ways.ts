// The four ways decode.bench.ts reads the same batches, the check that they agree, and the rounds
// that time them against each other. Shared by the benchmark (in vitest), decode-rounds.ts (the
// same rounds in a plain Node process of its own) and profile-decode.ts.
import { isDeepStrictEqual } from 'node:util';
import { decodeBatch, kindsById } from '../src/index.js';
import { subscribeToReplay, type HandItem, type Workload } from './decode-workload.js';

// Keeps results alive so the engine cannot drop the work as dead code.
let sink: unknown;

export const WAYS = {
  /** (a) Every item through `for await`; stops (and closes) once the last event has come. */
  async iterator(workload: Workload): Promise<void> {
    const { device, subscription } = await subscribeToReplay(workload);
    let taken = 0;
    for await (const item of subscription) {
      sink = item;
      if (++taken === workload.events) break;
    }
    await device.close();
  },
  /** (b) Whole completions through `batches()`. */
  async batches(workload: Workload): Promise<void> {
    const { device, subscription } = await subscribeToReplay(workload);
    let taken = 0;
    for await (const items of subscription.batches()) {
      sink = items;
      taken += items.length;
      if (taken >= workload.events) break;
    }
    await device.close();
  },
  /** (c) The hand-written loop; a fresh array per batch, as a completion's items are. */
  hand(workload: Workload): void {
    for (const batch of workload.batches) {
      const items: HandItem[] = [];
      workload.decodeByHand(batch, items);
      sink = items;
    }
  },
  /** (d) The generated decoders through decodeBatch, without sequence checks or buffering. */
  decoder(workload: Workload): void {
    const kinds = kindsById(workload.channel);
    for (const batch of workload.batches) sink = decodeBatch(batch, workload.channel, kinds).records;
  },
};

export type Way = keyof typeof WAYS;

/** All four ways must produce the same items from the first batches, or the comparison means nothing. */
export async function checkSameItems(workload: Workload): Promise<void> {
  const sample = workload.batches.slice(0, 4);
  const events = workload.perBatch * sample.length;
  const expected: HandItem[] = [];
  for (const batch of sample) workload.decodeByHand(batch, expected);
  const iterated: unknown[] = [];
  {
    const { device, subscription } = await subscribeToReplay(workload, sample);
    for await (const item of subscription) if (iterated.push(item) === events) break;
    await device.close();
  }
  const batched: unknown[] = [];
  {
    const { device, subscription } = await subscribeToReplay(workload, sample);
    for await (const items of subscription.batches()) if (batched.push(...items) >= events) break;
    await device.close();
  }
  const kinds = kindsById(workload.channel);
  const decoded = sample.flatMap((batch) => decodeBatch(batch, workload.channel, kinds).records);
  for (const [name, items] of Object.entries({ 'for await': iterated, 'batches()': batched, decodeBatch: decoded })) {
    if (!isDeepStrictEqual(items, expected)) throw new Error(`${workload.title}: ${name} and the hand-written loop disagree`);
  }
}

/**
 * CPU time of this process (user + system, all its threads), in microseconds. Everything here runs
 * on the CPU without waiting for I/O, so on an idle machine it equals wall time; on a loaded one it
 * leaves out the time other processes had the cores, which wall time does not.
 */
async function cpuTime(run: () => unknown): Promise<number> {
  const start = process.cpuUsage();
  await run();
  const used = process.cpuUsage(start);
  return used.user + used.system;
}

/**
 * The CPU time of each way, in microseconds, round by round. Each round runs the four ways once, in
 * turn, so a ratio taken within a round has load that comes and goes on both sides. Two rounds
 * first warm the engine up.
 */
export async function measureRounds(workload: Workload, rounds: number): Promise<Record<Way, number[]>> {
  const times: Record<Way, number[]> = { hand: [], iterator: [], batches: [], decoder: [] };
  for (let round = -2; round < rounds; round++) {
    for (const way of Object.keys(times) as Way[]) {
      const time = await cpuTime(() => WAYS[way](workload));
      if (round >= 0) times[way].push(time);
    }
  }
  return times;
}

export { sink };
