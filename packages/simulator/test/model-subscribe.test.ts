/** Rules R1-R3 on the driver model: exact batch bytes, sequence numbers and drop counts. */
import { BATCH_FLAG_RING_EMPTY } from '@inverted-call/codec';
import { describe, expect, it } from 'vitest';
import { DriverModel } from '../src/driver-model.js';
import { STATUS_BUFFER_TOO_SMALL, STATUS_CANCELLED, STATUS_SUCCESS } from '../src/ntstatus.js';
import {
  IOCTL_CONFORMANCE_DEVICE_SUBSCRIBE_EVENTS,
  IOCTL_CONFORMANCE_DEVICE_SUBSCRIBE_LATEST,
  IOCTL_TINY_SUBSCRIBE,
  LargeCodec,
  READ,
  conformanceModel,
  decodeBatch,
  fromHex,
  hex,
  smallBytes,
  smallTags,
  tinyDevice,
  TinyCodec,
} from './helpers.js';

describe('R1: a subscribe request too small for a header and the largest record', () => {
  it('fails at once with STATUS_BUFFER_TOO_SMALL, is never parked and creates no subscription', () => {
    const { model, subscribeEvents, emitSmall } = conformanceModel();
    model.openHandle(1, READ);
    const { requestId, result } = subscribeEvents(1, 287); // Events needs 24 + 264 = 288
    expect(result).toEqual({ disposition: 'completed', status: STATUS_BUFFER_TOO_SMALL });
    expect(model.trace()).toMatchObject([{ requestId, handleId: 1, status: STATUS_BUFFER_TOO_SMALL, origin: 'driver' }]);
    expect(model.trace()[0]!.bytes.byteLength).toBe(0);
    expect(model.state().subscriptions).toEqual([]);
    // No subscription, so the event is offered to nobody and takes no sequence number anywhere.
    expect(emitSmall('Events', 1)).toEqual([]);
  });

  it('accepts exactly the minimum, per channel', () => {
    const { model, send } = conformanceModel();
    model.openHandle(1, READ);
    expect(send(1, IOCTL_CONFORMANCE_DEVICE_SUBSCRIBE_EVENTS, 288).result.disposition).toBe('parked');
    expect(send(1, IOCTL_CONFORMANCE_DEVICE_SUBSCRIBE_LATEST, 55).result).toEqual({ disposition: 'completed', status: STATUS_BUFFER_TOO_SMALL });
    expect(send(1, IOCTL_CONFORMANCE_DEVICE_SUBSCRIBE_LATEST, 56).result.disposition).toBe('parked');
    expect(model.state().subscriptions.map((subscription) => [subscription.channel, subscription.parked])).toEqual([['Events', 1], ['Latest', 1]]);
  });
});

describe('R2: a subscribe request that finds events in the ring', () => {
  it('completes at once with every waiting record, byte for byte', () => {
    const { model, subscribeEvents } = conformanceModel();
    model.openHandle(1, READ);
    subscribeEvents(1);
    model.emit('Events', 1, smallBytes(10)); // completes the parked request with sequence 0
    model.emit('Events', 1, smallBytes(11, 0x0a0b0c0d, true));
    model.emit('Events', 1, smallBytes(12));
    const { requestId, result } = subscribeEvents(1, 512);
    expect(result).toEqual({ disposition: 'completed', status: STATUS_SUCCESS });
    const completion = model.trace().at(-1)!;
    expect(completion.requestId).toBe(requestId);
    expect(hex(completion.bytes)).toBe(hex(fromHex(`
      02000000 02000000 58000000 01000000 0000000000000000
      0100000000000000 0100 0000 10000000  0b00000000000000 0d0c0b0a 01 000000
      0200000000000000 0100 0000 10000000  0c00000000000000 00000000 00 000000`)));
    expect(model.state().subscriptions[0]).toMatchObject({ ringFill: 0, parked: 0, nextSequence: 3n, dropped: 0n });
  });

  it('takes only whole records that fit, oldest first, leaving the rest for the next request', () => {
    const { model, send, emitSmall } = conformanceModel();
    model.openHandle(1, READ);
    model.cancel(send(1, IOCTL_CONFORMANCE_DEVICE_SUBSCRIBE_LATEST, 56).requestId);
    for (let tag = 1; tag <= 4; tag++) emitSmall('Latest', tag);
    send(1, IOCTL_CONFORMANCE_DEVICE_SUBSCRIBE_LATEST, 24 + 32 * 2 + 31); // room for two records, not three
    send(1, IOCTL_CONFORMANCE_DEVICE_SUBSCRIBE_LATEST, 256);
    const [first, second] = model.trace().slice(-2);
    expect(first!.bytes.byteLength).toBe(24 + 32 * 2);
    expect(smallTags(first!.bytes)).toEqual([[0n, 1n], [1n, 2n]]);
    expect(smallTags(second!.bytes)).toEqual([[2n, 3n], [3n, 4n]]);
    // RING_EMPTY only on the batch that leaves nothing behind.
    expect([decodeBatch(first!.bytes).flags, decodeBatch(second!.bytes).flags]).toEqual([0, BATCH_FLAG_RING_EMPTY]);
  });

  it('does not skip a large record to fit smaller ones behind it', () => {
    const { model, subscribeEvents, emitSmall } = conformanceModel();
    model.openHandle(1, READ);
    subscribeEvents(1);
    emitSmall('Events', 0);
    emitSmall('Events', 1);
    model.emit('Events', 2, LargeCodec.encode({ tag: 2n, text: 'large' }));
    emitSmall('Events', 3);
    subscribeEvents(1, 288); // 24 + 32 fits; + 264 would be 320
    subscribeEvents(1, 288); // 24 + 264 = 288 exactly
    subscribeEvents(1, 288);
    const [a, b, c] = model.trace().slice(-3).map((entry) => decodeBatch(entry.bytes));
    expect([a!.flags, b!.flags, c!.flags]).toEqual([0, 0, BATCH_FLAG_RING_EMPTY]);
    expect(a!.records.map((record) => [record.sequence, record.kind])).toEqual([[1n, 1]]);
    expect(b!.bytesUsed).toBe(288);
    expect(b!.records.map((record) => [record.sequence, record.kind, record.size])).toEqual([[2n, 2, 248]]);
    expect(LargeCodec.decode(b!.records[0]!.payload)).toEqual({ tag: 2n, text: 'large' });
    expect(c!.records.map((record) => [record.sequence, record.kind])).toEqual([[3n, 1]]);
  });

  it('aligns every record to 8 bytes with zero padding', () => {
    const model = new DriverModel(tinyDevice);
    model.openHandle(1, READ);
    model.submit({ requestId: 1, handleId: 1, code: IOCTL_TINY_SUBSCRIBE, input: null, outputLength: 48 });
    model.emit('Ticks', 7, TinyCodec.encode({ code: 0x11223344, level: 5 }));
    model.emit('Ticks', 7, TinyCodec.encode({ code: 0x55667788, level: 6 }));
    model.emit('Ticks', 7, TinyCodec.encode({ code: 0x99aabbcc, level: 7 }));
    model.submit({ requestId: 2, handleId: 1, code: IOCTL_TINY_SUBSCRIBE, input: null, outputLength: 128 });
    expect(hex(model.trace()[0]!.bytes)).toBe(hex(fromHex(`
      02000000 01000000 30000000 01000000 0000000000000000
      0000000000000000 0700 0000 05000000  44332211 05 000000`)));
    expect(hex(model.trace()[1]!.bytes)).toBe(hex(fromHex(`
      02000000 02000000 48000000 01000000 0000000000000000
      0100000000000000 0700 0000 05000000  88776655 06 000000
      0200000000000000 0700 0000 05000000  ccbbaa99 07 000000`)));
  });
});

describe('R3: an event goes to every subscription of its channel', () => {
  it('fans out in creation order: completes the oldest parked request where the ring is empty, else queues', () => {
    const { model, subscribeEvents, emitSmall } = conformanceModel();
    for (const handleId of [1, 2, 3]) model.openHandle(handleId, READ);
    const first = subscribeEvents(1).requestId;
    const second = subscribeEvents(1).requestId;
    const cancelled = subscribeEvents(2).requestId;
    model.cancel(cancelled); // handle 2 keeps its subscription, with nothing parked
    const third = subscribeEvents(3).requestId;

    expect(emitSmall('Events', 100)).toEqual([
      { subscriptionId: 1, handleId: 1, outcome: 'completed', sequence: 0n, requestId: first },
      { subscriptionId: 2, handleId: 2, outcome: 'queued', sequence: 0n },
      { subscriptionId: 3, handleId: 3, outcome: 'completed', sequence: 0n, requestId: third },
    ]);
    expect(emitSmall('Events', 101).map((outcome) => [outcome.handleId, outcome.outcome, outcome.sequence])).toEqual([
      [1, 'completed', 1n],
      [2, 'queued', 1n],
      [3, 'queued', 1n],
    ]);
    const trace = model.trace();
    expect(trace.map((entry) => [entry.requestId, entry.status])).toEqual([
      [cancelled, STATUS_CANCELLED],
      [first, STATUS_SUCCESS],
      [third, STATUS_SUCCESS],
      [second, STATUS_SUCCESS],
    ]);
    expect(smallTags(trace[1]!.bytes)).toEqual([[0n, 100n]]);
    expect(smallTags(trace[3]!.bytes)).toEqual([[1n, 101n]]);
    // A direct completion happens only at an empty ring, which the event bypassed: RING_EMPTY.
    expect(trace.slice(1).map((entry) => decodeBatch(entry.bytes).flags)).toEqual([BATCH_FLAG_RING_EMPTY, BATCH_FLAG_RING_EMPTY, BATCH_FLAG_RING_EMPTY]);
    expect(model.state().subscriptions.map((subscription) => [subscription.handleId, subscription.ringFill, subscription.parked])).toEqual([
      [1, 0, 0],
      [2, 2, 0],
      [3, 1, 0],
    ]);
    expect(model.state().totals).toMatchObject({ eventsEmitted: 2, eventsOffered: 6, eventsDelivered: 3, eventsDropped: 0 });
  });

  it('drop-newest: a full ring drops the new event, counts it, and still spends its sequence number', () => {
    const { model, subscribeEvents, emitSmall } = conformanceModel();
    model.openHandle(1, READ);
    model.cancel(subscribeEvents(1).requestId);
    const outcomes = Array.from({ length: 11 }, (_, tag) => emitSmall('Events', tag)[0]!);
    expect(outcomes.map((outcome) => outcome.outcome)).toEqual([...Array<string>(8).fill('queued'), 'dropped', 'dropped', 'dropped']);
    expect(outcomes.slice(8).map((outcome) => [outcome.sequence, outcome.droppedSequence])).toEqual([[8n, 8n], [9n, 9n], [10n, 10n]]);
    expect(model.state().subscriptions[0]).toMatchObject({ ringFill: 8, capacity: 8, overflow: 'drop-newest', nextSequence: 11n, dropped: 3n });

    subscribeEvents(1, 512);
    const batch = decodeBatch(model.trace().at(-1)!.bytes);
    expect(batch).toMatchObject({ version: 2, count: 8, bytesUsed: 24 + 8 * 32, flags: BATCH_FLAG_RING_EMPTY, droppedTotal: 3n });
    expect(batch.records.map((record) => record.sequence)).toEqual([0n, 1n, 2n, 3n, 4n, 5n, 6n, 7n]);
    // RING_EMPTY with no gap and DroppedTotal 3 already says the drops are 8, 9 and 10;
    // the next event confirms it: sequence 11 after 7, with DroppedTotal 3 explaining the gap.
    subscribeEvents(1, 512);
    emitSmall('Events', 11);
    const next = decodeBatch(model.trace().at(-1)!.bytes);
    expect([next.records[0]!.sequence, next.droppedTotal]).toEqual([11n, 3n]);
    expect(model.state().totals).toMatchObject({ eventsOffered: 12, eventsDelivered: 9, eventsDropped: 3 });
  });

  it('drop-oldest: a full ring drops its oldest event, counts it, and keeps the new one', () => {
    const { model, send, emitSmall } = conformanceModel();
    model.openHandle(1, READ);
    model.cancel(send(1, IOCTL_CONFORMANCE_DEVICE_SUBSCRIBE_LATEST, 256).requestId);
    const outcomes = Array.from({ length: 7 }, (_, tag) => emitSmall('Latest', tag)[0]!);
    expect(outcomes.map((outcome) => outcome.outcome)).toEqual(['queued', 'queued', 'queued', 'queued', 'replaced-oldest', 'replaced-oldest', 'replaced-oldest']);
    expect(outcomes.slice(4).map((outcome) => [outcome.sequence, outcome.droppedSequence])).toEqual([[4n, 0n], [5n, 1n], [6n, 2n]]);
    expect(model.state().subscriptions[0]).toMatchObject({ ringFill: 4, capacity: 4, overflow: 'drop-oldest', nextSequence: 7n, dropped: 3n });

    send(1, IOCTL_CONFORMANCE_DEVICE_SUBSCRIBE_LATEST, 256);
    const batch = decodeBatch(model.trace().at(-1)!.bytes);
    expect(batch).toMatchObject({ count: 4, bytesUsed: 24 + 4 * 32, flags: BATCH_FLAG_RING_EMPTY, droppedTotal: 3n });
    // The gap before sequence 3 holds all three drops: none trails the batch.
    expect(smallTags(model.trace().at(-1)!.bytes)).toEqual([[3n, 3n], [4n, 4n], [5n, 5n], [6n, 6n]]);
  });

  it('gives each subscription its own sequence counter and drop count', () => {
    const { model, subscribeEvents, emitSmall } = conformanceModel();
    model.openHandle(1, READ);
    model.openHandle(2, READ);
    model.cancel(subscribeEvents(1).requestId);
    for (let tag = 0; tag < 9; tag++) emitSmall('Events', tag); // handle 1: 8 queued, 1 dropped
    subscribeEvents(2); // created now: its first event takes sequence 0
    const outcomes = emitSmall('Events', 9);
    expect(outcomes.map((outcome) => [outcome.handleId, outcome.outcome, outcome.sequence])).toEqual([[1, 'dropped', 9n], [2, 'completed', 0n]]);
    expect(decodeBatch(model.trace().at(-1)!.bytes).droppedTotal).toBe(0n);
    expect(model.state().subscriptions.map((subscription) => subscription.dropped)).toEqual([2n, 0n]);
  });
});
