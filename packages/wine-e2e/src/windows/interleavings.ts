// Random interleavings of subscribe, event, cancel and completion against the real driver, from
// one seed: `episodes` interleavings of 5 random steps each, on one subscription. Every event
// offered must be delivered exactly once or counted as dropped, a cancelled request must carry no
// event, and every request must settle exactly once.
import { DeviceError } from '@inverted-call/backend';
import { seededRandom } from '@inverted-call/simulator';
import { inject, open, readDriverState, report, subscribeOnce } from './shared.js';

const episodes = Number(process.argv[2] ?? 1000);
const STEPS_PER_EPISODE = 5;
const rounds = episodes * STEPS_PER_EPISODE;
const seed = Number(process.argv[3] ?? 1) >>> 0;
const random = seededRandom(seed);

const handle = await open('read');
const control = await open('read-write');
const delivered = new Map<string, number>();
const settledTwice: number[] = [];
const problems: string[] = [];
let offered = 0;
let cancelled = 0;
let completedWithEvents = 0;
let lastDropped = 0n;
let nextId = 0;
const outstanding = new Map<number, { controller: AbortController; promise: Promise<void> }>();

const post = (): void => {
  const id = nextId++;
  const controller = new AbortController();
  let settled = 0;
  const promise = subscribeOnce(handle, controller.signal).then(
    (batch) => {
      if (++settled > 1) settledTwice.push(id);
      completedWithEvents++;
      for (const sequence of batch.sequences) delivered.set(String(sequence), (delivered.get(String(sequence)) ?? 0) + 1);
      if (batch.dropped < lastDropped) problems.push(`DroppedTotal went down: ${lastDropped} -> ${batch.dropped}`);
      lastDropped = batch.dropped;
    },
    (error: unknown) => {
      if (++settled > 1) settledTwice.push(id);
      if (error instanceof DeviceError && error.canceled) cancelled++;
      else problems.push(`request ${id}: ${String(error)}`);
    },
  ).finally(() => outstanding.delete(id));
  outstanding.set(id, { controller, promise });
};

const pick = (): { controller: AbortController } | undefined => {
  const entries = [...outstanding.values()];
  return entries[Math.floor(random() * entries.length)];
};

post(); // the subscription exists from here on: every event after this is offered to it
for (let round = 0; round < rounds; round++) {
  const action = random();
  if (action < 0.35) {
    if (outstanding.size < 8) post();
  } else if (action < 0.6) {
    const count = Math.floor(random() * 4);
    if (count > 0) {
      await inject(control, count, BigInt(offered + 1));
      offered += count;
    }
  } else if (action < 0.8) {
    pick()?.controller.abort();
  } else if (action < 0.9) {
    // Cancel racing a completion: the event is offered and the cancel issued back to back.
    const target = pick();
    const injecting = inject(control, 1, BigInt(offered + 1));
    offered += 1;
    target?.controller.abort();
    await injecting;
  } else {
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

// Cancel what is parked, then drain the ring with requests that are cancelled if they park.
for (const entry of outstanding.values()) entry.controller.abort();
await Promise.all([...outstanding.values()].map((entry) => entry.promise));
for (;;) {
  const before = completedWithEvents;
  post();
  const [entry] = outstanding.values();
  const timer = setTimeout(() => entry?.controller.abort(), 200);
  await entry?.promise;
  clearTimeout(timer);
  if (completedWithEvents === before) break; // it parked: the ring is empty
}

const state = await readDriverState(control);
const subscription = state.subscriptions.find((entry) => entry.fileId !== state.callerFileId);
const duplicates = [...delivered.entries()].filter(([, times]) => times > 1).map(([sequence]) => sequence);
// Every offer took a sequence number: those not delivered must be exactly the dropped ones.
const nextSequence = Number(subscription?.nextSequence ?? 0n);
const missing: string[] = [];
for (let sequence = 0; sequence < nextSequence; sequence++) if (!delivered.has(String(sequence))) missing.push(String(sequence));
const outOfRange = [...delivered.keys()].filter((sequence) => Number(sequence) >= nextSequence);
await handle.close();
await control.close();
report({
  episodes,
  rounds,
  offered,
  delivered: delivered.size,
  dropped: subscription?.dropped ?? lastDropped,
  nextSequence,
  missing: missing.length,
  outOfRange,
  duplicates,
  cancelled,
  completedWithEvents,
  requests: nextId,
  settledTwice,
  problems,
});
