/**
 * The oracle of subscription-model.test.ts. Two halves:
 *
 * - `Model` predicts, from the client's documented rules alone, which stream a new subscription
 *   reads: the device handle's shared stream of the channel, or a handle of its own.
 * - `StreamLedger` records what the driver did with each (handle, channel) stream, taken only from
 *   the simulator's own reports (emit outcomes, `state()`), never from the client. `checkStream`
 *   then holds what the client's subscriptions handed over against it.
 *
 * Sequences are handed over by a subscription in one of three ways: as an event, inside a loss
 * notice, or not at all because the subscription was closed first (its `stats.discarded` for
 * events the driver delivered, its `stats.lost` minus the notices it handed over for drops). The
 * checks below make sure every sequence takes exactly one of these ways.
 */
import { expect } from 'vitest';
import type { Subscription, SubscriptionItem } from '../src/index.js';
import { device } from './support.js';

export type ChannelName = 'Events' | 'Latest';
export type KindName = 'Small' | 'Large';
export const CHANNELS: readonly ChannelName[] = ['Events', 'Latest'];
export type AnySubscription = Subscription<(typeof device.channels)[ChannelName]>;
export type Item = SubscriptionItem<(typeof device.channels)[ChannelName]>;

/** What fast-check's `check` sees: which subscriptions are open, and which one reads each channel's shared stream. */
export class Model {
  readonly readers: { readonly channel: ChannelName; open: boolean }[] = [];
  private readonly owner: Record<ChannelName, number | undefined> = { Events: undefined, Latest: undefined };

  openOn(channel: ChannelName): number {
    return this.readers.filter((reader) => reader.open && reader.channel === channel).length;
  }

  hasOpen(): boolean {
    return this.readers.some((reader) => reader.open);
  }

  /**
   * A subscription continues the device handle's stream unless another one is still reading it;
   * then it gets a handle of its own. One whose close was begun no longer reads: the next waits for
   * it and takes the stream over, so it counts as closed here from the moment close() is called.
   */
  subscribe(channel: ChannelName): { index: number; ownHandle: boolean } {
    const ownHandle = this.owner[channel] !== undefined;
    const index = this.readers.push({ channel, open: true }) - 1;
    if (!ownHandle) this.owner[channel] = index;
    return { index, ownHandle };
  }

  close(index: number): void {
    const reader = this.readers[index]!;
    reader.open = false;
    if (this.owner[reader.channel] === index) this.owner[reader.channel] = undefined;
  }
}

/** The driver's counts of one stream at some moment: live from `state()`, or just before its handle closed. */
export interface DriverCounts {
  readonly ringFill: number;
  readonly dropped: bigint;
}

/** One client subscription and every item it handed over, in order. */
export interface Reader {
  readonly label: string;
  readonly subscription: AnySubscription;
  readonly taken: Item[];
  open: boolean;
}

/** What the driver did with one (handle, channel) stream, and the client subscriptions that read it, in start order. */
export class StreamLedger {
  /** By sequence: the tag and kind of the event offered at that sequence (tags are unique per run). */
  readonly offers: { readonly tag: bigint; readonly kind: KindName }[] = [];
  readonly dropped = new Set<bigint>();
  readonly readers: Reader[] = [];
  /** Set when the handle closes: the driver frees the stream, so `state()` no longer shows it. */
  atClose: DriverCounts | undefined;

  constructor(
    readonly handleId: number,
    readonly label: string,
  ) {}

  offer(sequence: bigint, tag: bigint, kind: KindName, droppedSequence: bigint | undefined): void {
    expect(sequence, `${this.label}: every offered event takes the next sequence`).toBe(BigInt(this.offers.length));
    this.offers.push({ tag, kind });
    if (droppedSequence !== undefined) this.dropped.add(droppedSequence);
  }

  /**
   * The sequences the driver completed into this stream's requests, so that (after a settle) the
   * client has received them: the offered ones not dropped, except the newest `ringFill` still
   * waiting in the ring (it is FIFO, and a drop-oldest eviction only ever takes its oldest).
   */
  received(counts: DriverCounts): bigint[] {
    const kept: bigint[] = [];
    for (let sequence = 0n; sequence < BigInt(this.offers.length); sequence++) if (!this.dropped.has(sequence)) kept.push(sequence);
    return kept.slice(0, kept.length - counts.ringFill);
  }
}

/**
 * A closed handle's counts. A handle whose subscription was closed before its first request
 * never had a stream at the driver: nothing can have been offered to it.
 */
export function driverCountsAtClose(stream: StreamLedger): DriverCounts {
  if (stream.atClose) return stream.atClose;
  expect(stream.offers, `${stream.label}: offers to a stream the driver never had`).toEqual([]);
  return { ringFill: 0, dropped: 0n };
}

const sequencesOf = (item: Item): [bigint, bigint] => (item.type === 'event' ? [item.sequence, item.sequence] : [item.firstSequence, item.lastSequence]);

/**
 * Checks rules 1 and 2 of the test on one stream: every item handed over is true to the driver
 * (its tag, its drop), the readers of the stream hand over increasing sequences with no repeat,
 * and nothing is skipped silently. `coverage` counts the situations the run reached.
 */
export function checkStream(stream: StreamLedger, counts: DriverCounts, coverage: (situation: string) => void): void {
  expect(BigInt(stream.dropped.size), `${stream.label}: drops the driver reported one by one vs its count`).toBe(counts.dropped);
  const received = stream.received(counts);
  const receivedSet = new Set(received);
  // Everything below `cursor` has been handed over, or is owed by `carried` (closed readers).
  let cursor = 0n;
  let carried = { events: 0, drops: 0 };
  let owedByOpen = { items: 0, losses: 0 };
  let lost = 0;
  for (const reader of stream.readers) {
    const where = `${reader.label} on ${stream.label}`;
    let handedEvents = 0;
    let handedLosses = 0;
    for (const item of reader.taken) {
      const [first, last] = sequencesOf(item);
      const label = item.type === 'event' ? `event ${first}` : `loss ${first}-${last}`;
      expect(first >= cursor, `${where}: ${label} goes back to or repeats a sequence already handed over (next is ${cursor})`).toBe(true);
      // A hole may only hold what a closed reader received but never handed over.
      const hole = { events: 0, drops: 0 };
      for (let sequence = cursor; sequence < first; sequence++) hole[stream.dropped.has(sequence) ? 'drops' : 'events']++;
      expect(hole, `${where}: before ${label}, sequences ${cursor}-${first - 1n} were skipped; closed readers owed ${JSON.stringify(carried)}`).toEqual(carried);
      if (hole.events + hole.drops > 0) coverage('handed over after a closed reader left some unhanded');
      carried = { events: 0, drops: 0 };
      if (item.type === 'event') {
        const offer = stream.offers[Number(first)];
        expect(offer, `${where}: ${label} was never offered`).toBeDefined();
        expect({ tag: (item.data as { tag: bigint }).tag, kind: item.kind }, `${where}: ${label} is the event offered at that sequence`).toEqual(offer);
        expect(stream.dropped.has(first), `${where}: ${label} was dropped by the driver, yet delivered`).toBe(false);
        expect(receivedSet.has(first), `${where}: ${label} is still in the driver's ring, yet delivered`).toBe(true);
        handedEvents++;
      } else {
        expect(item.count, `${where}: ${label} count`).toBe(Number(last - first) + 1);
        for (let sequence = first; sequence <= last; sequence++) {
          expect(stream.dropped.has(sequence), `${where}: ${label} reports sequence ${sequence}, which the driver never dropped (a false loss)`).toBe(true);
        }
        handedLosses += item.count;
      }
      cursor = last + 1n;
    }
    const stats = reader.subscription.stats;
    expect(stats.delivered, `${where}: stats.delivered vs events handed over`).toBe(handedEvents);
    expect(stats.lost >= handedLosses, `${where}: stats.lost ${stats.lost} < ${handedLosses} reported in loss notices`).toBe(true);
    expect(stats.driverDropped <= counts.dropped, `${where}: stats.driverDropped is more than the driver dropped`).toBe(true);
    lost += stats.lost;
    if (reader.open) {
      expect(stats.discarded, `${where}: an open reader discarded`).toBe(0);
      owedByOpen = { items: stats.buffered, losses: stats.lost - handedLosses };
    } else {
      expect(stats.buffered, `${where}: a closed reader still buffers`).toBe(0);
      if (stats.discarded > 0) coverage('closed with events not handed over');
      carried = { events: carried.events + stats.discarded, drops: carried.drops + stats.lost - handedLosses };
    }
  }

  // The tail: what the client received past the cursor is owed by the closed readers after the
  // last one that handed anything, or sits in the open reader's buffer.
  const reach = received.length > 0 ? received[received.length - 1]! + 1n : 0n;
  let tailEvents = 0;
  let tailDrops = 0;
  for (let sequence = cursor; sequence < reach; sequence++) receivedSet.has(sequence) ? tailEvents++ : tailDrops++;
  // Buffered items are events and loss notices; notices carry at least one drop each.
  const bufferedEvents = tailEvents - carried.events;
  const { items, losses } = owedByOpen;
  expect(
    bufferedEvents >= items - losses && bufferedEvents <= items - (losses > 0 ? 1 : 0),
    `${stream.label}: ${tailEvents} received events past sequence ${cursor}, closed readers discarded ${carried.events}, the open reader buffers ${items} items of which ${losses} are lost`,
  ).toBe(true);
  // Every drop below the newest received event is reported; past it, only the drops right after
  // it, which a ring-empty batch reveals (and which may already have been handed over).
  const trailingFrom = cursor > reach ? cursor : reach;
  let trailingDrops = 0;
  while (stream.dropped.has(trailingFrom + BigInt(trailingDrops))) trailingDrops++;
  const owedDrops = carried.drops + losses;
  const span = cursor < reach ? `sequences ${cursor}-${reach - 1n}` : 'no sequence';
  expect(owedDrops >= tailDrops, `${stream.label}: the driver dropped ${tailDrops} of ${span}, the client counted only ${owedDrops} (a silent loss)`).toBe(true);
  expect(owedDrops <= tailDrops + trailingDrops, `${stream.label}: the client counted ${owedDrops} losses from sequence ${cursor} on, the driver dropped ${tailDrops} of ${span} and ${trailingDrops} right after (a false loss)`).toBe(true);
  expect(BigInt(lost) <= counts.dropped, `${stream.label}: stats.lost is more than the driver dropped`).toBe(true);
}

/**
 * Rule 3, once the device is closed: each stream's ledger adds up to what was offered to it.
 * Buffered events were discarded by the close, so they are in `discarded`.
 */
export function checkClosedStream(stream: StreamLedger): void {
  const atClose = driverCountsAtClose(stream);
  let delivered = 0;
  let lost = 0;
  let discarded = 0;
  for (const reader of stream.readers) {
    const stats = reader.subscription.stats;
    expect(stats.buffered, `${reader.label}: buffered after the device closed`).toBe(0);
    delivered += stats.delivered;
    lost += stats.lost;
    discarded += stats.discarded;
  }
  const unrevealed = Number(atClose.dropped) - lost;
  expect(unrevealed >= 0, `${stream.label}: stats.lost ${lost} exceeds the driver's ${atClose.dropped} drops`).toBe(true);
  expect(
    { delivered, lost, discarded, inRing: atClose.ringFill, unrevealed, sum: delivered + lost + discarded + atClose.ringFill + unrevealed },
    `${stream.label}: delivered + lost + discarded + left in the ring + drops never revealed == offered`,
  ).toMatchObject({ sum: stream.offers.length });
}
