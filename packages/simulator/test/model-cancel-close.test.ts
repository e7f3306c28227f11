/** Rules R4 and R5 on the driver model, and the stall and channel-override controls. */
import { describe, expect, it } from 'vitest';
import {
  IOCTL_CONFORMANCE_DEVICE_PING,
  IOCTL_CONFORMANCE_DEVICE_PROTOCOL_INFO,
  IOCTL_CONFORMANCE_DEVICE_SUBSCRIBE_LATEST,
  READ,
  READ_WRITE,
  conformanceModel,
  decodeBatch,
  smallTags,
} from './helpers.js';
import { STATUS_CANCELLED, STATUS_SUCCESS } from '../src/ntstatus.js';

describe('R4: cancelling a parked request', () => {
  it('completes exactly that request with STATUS_CANCELLED; the others keep their place and lose nothing', () => {
    const { model, subscribeEvents, emitSmall } = conformanceModel();
    model.openHandle(1, READ);
    const [r1, r2, r3, r4] = [1, 2, 3, 4].map(() => subscribeEvents(1).requestId);
    expect(model.cancel(r2!)).toBe(true);
    expect(model.trace()).toMatchObject([{ requestId: r2, status: STATUS_CANCELLED }]);
    expect(model.trace()[0]!.bytes.byteLength).toBe(0);
    expect(model.state().subscriptions[0]).toMatchObject({ parked: 3, nextSequence: 0n });

    for (let tag = 0; tag < 3; tag++) emitSmall('Events', tag);
    expect(model.trace().slice(1).map((entry) => [entry.requestId, entry.status, smallTags(entry.bytes)])).toEqual([
      [r1, STATUS_SUCCESS, [[0n, 0n]]],
      [r3, STATUS_SUCCESS, [[1n, 1n]]],
      [r4, STATUS_SUCCESS, [[2n, 2n]]],
    ]);
    expect(model.state().totals).toMatchObject({ completions: 4, cancels: 1, eventsDelivered: 3, eventsDropped: 0 });
  });

  it('is a no-op (not found) for a request that already completed, or never existed', () => {
    const { model, subscribeEvents, emitSmall } = conformanceModel();
    model.openHandle(1, READ);
    const { requestId } = subscribeEvents(1);
    emitSmall('Events', 7);
    expect(model.cancel(requestId)).toBe(false);
    expect(model.cancel(999)).toBe(false);
    expect(model.trace().map((entry) => [entry.requestId, entry.status])).toEqual([[requestId, STATUS_SUCCESS]]);
    expect(smallTags(model.trace()[0]!.bytes)).toEqual([[0n, 7n]]);
  });

  it('cancels a call that is still being worked on, and drops its late result', () => {
    const { model, send } = conformanceModel();
    model.openHandle(1, READ_WRITE);
    const { requestId, result } = send(1, IOCTL_CONFORMANCE_DEVICE_PING, 0);
    expect(result.disposition).toBe('dispatched');
    expect(model.cancel(requestId)).toBe(true);
    expect(model.completeCall(requestId, STATUS_SUCCESS)).toBe(false);
    expect(model.trace().map((entry) => [entry.requestId, entry.status])).toEqual([[requestId, STATUS_CANCELLED]]);
  });
});

describe('R5: closing a handle', () => {
  it('cancels its parked requests in submission order and frees its subscriptions; others are untouched', () => {
    const { model, send, subscribeEvents, emitSmall } = conformanceModel();
    model.openHandle(1, READ);
    model.openHandle(2, READ);
    const a = subscribeEvents(1).requestId;
    const b = send(1, IOCTL_CONFORMANCE_DEVICE_SUBSCRIBE_LATEST, 256).requestId;
    const other = subscribeEvents(2).requestId;
    const c = subscribeEvents(1).requestId;
    const call = send(1, IOCTL_CONFORMANCE_DEVICE_PING, 0).requestId;

    expect(model.closeHandle(1)).toBe(true);
    expect(model.trace().map((entry) => [entry.requestId, entry.handleId, entry.status])).toEqual([
      [a, 1, STATUS_CANCELLED],
      [b, 1, STATUS_CANCELLED],
      [c, 1, STATUS_CANCELLED],
      [call, 1, STATUS_CANCELLED],
    ]);
    const state = model.state();
    expect(state.handles.map((handle) => handle.handleId)).toEqual([2]);
    expect(state.subscriptions.map((subscription) => [subscription.handleId, subscription.channel, subscription.parked])).toEqual([[2, 'Events', 1]]);

    const outcomes = emitSmall('Events', 5);
    expect(outcomes.map((outcome) => [outcome.handleId, outcome.outcome, outcome.requestId])).toEqual([[2, 'completed', other]]);
    expect(model.closeHandle(1)).toBe(false);
    expect(() => subscribeEvents(1)).toThrow(/handle 1 is not open/);
  });

  it('frees the ring: events waiting for a closed handle are gone, not counted as dropped', () => {
    const { model, subscribeEvents, emitSmall } = conformanceModel();
    model.openHandle(1, READ);
    model.cancel(subscribeEvents(1).requestId);
    emitSmall('Events', 1);
    emitSmall('Events', 2);
    model.closeHandle(1);
    expect(model.state().subscriptions).toEqual([]);
    expect(model.state().totals).toMatchObject({ eventsOffered: 2, eventsDelivered: 0, eventsDropped: 0 });
  });

  it('one process dying (all its handles closed) leaves another process receiving every event', () => {
    const { model, subscribeEvents, emitSmall } = conformanceModel();
    model.openHandle(1, READ, 'dying');
    model.openHandle(2, READ, 'dying');
    model.openHandle(3, READ, 'survivor');
    for (const handleId of [1, 2, 3]) subscribeEvents(handleId);
    emitSmall('Events', 0);
    for (const handleId of [1, 2, 3]) subscribeEvents(handleId);
    for (const handle of model.state().handles.filter((candidate) => candidate.owner === 'dying')) model.closeHandle(handle.handleId);
    for (let tag = 1; tag <= 3; tag++) {
      subscribeEvents(3);
      emitSmall('Events', tag);
    }
    const survivor = model.trace().filter((entry) => entry.handleId === 3);
    expect(survivor.every((entry) => entry.status === STATUS_SUCCESS)).toBe(true);
    expect(survivor.flatMap((entry) => smallTags(entry.bytes))).toEqual([[0n, 0n], [1n, 1n], [2n, 2n], [3n, 3n]]);
    expect(model.trace().filter((entry) => entry.handleId !== 3).map((entry) => entry.status)).toEqual([STATUS_SUCCESS, STATUS_SUCCESS, STATUS_CANCELLED, STATUS_CANCELLED]);
  });
});

describe('stall and release', () => {
  it('holds delivery while stalled, then completes parked requests oldest first from the ring', () => {
    const { model, send, emitSmall } = conformanceModel();
    model.openHandle(1, READ);
    const subscribe = () => send(1, IOCTL_CONFORMANCE_DEVICE_SUBSCRIBE_LATEST, 56).requestId; // one record each
    const first = subscribe();
    const second = subscribe();
    model.stall('Latest');
    expect([0, 1, 2].map((tag) => emitSmall('Latest', tag)[0]!.outcome)).toEqual(['queued', 'queued', 'queued']);
    const third = subscribe(); // parks behind the others rather than overtaking them
    expect(model.trace()).toEqual([]);
    expect(model.state().subscriptions[0]).toMatchObject({ parked: 3, ringFill: 3 });

    model.release('Latest');
    expect(model.trace().map((entry) => [entry.requestId, smallTags(entry.bytes)])).toEqual([
      [first, [[0n, 0n]]],
      [second, [[1n, 1n]]],
      [third, [[2n, 2n]]],
    ]);
    expect(model.state().channels.find((channel) => channel.channel === 'Latest')!.stalled).toBe(false);
  });

  it('lets a stalled ring overflow and reports the drops in the released batch', () => {
    const { model, send, emitSmall } = conformanceModel();
    model.openHandle(1, READ);
    send(1, IOCTL_CONFORMANCE_DEVICE_SUBSCRIBE_LATEST, 256);
    model.stall();
    for (let tag = 0; tag < 6; tag++) emitSmall('Latest', tag);
    model.release('Events'); // another channel: Latest stays stalled
    expect(model.trace()).toEqual([]);
    model.release();
    const batch = decodeBatch(model.trace()[0]!.bytes);
    expect([batch.droppedTotal, batch.records.map((record) => record.sequence)]).toEqual([2n, [2n, 3n, 4n, 5n]]);
  });
});

describe('setChannel', () => {
  it('applies to subscriptions created afterwards, and to what the protocol-information call reports', () => {
    const { model, send, subscribeEvents } = conformanceModel();
    model.openHandle(1, READ);
    model.openHandle(2, READ);
    subscribeEvents(1);
    model.setChannel('Events', { capacity: 2, overflow: 'drop-oldest' });
    subscribeEvents(2);
    expect(model.state().subscriptions.map((subscription) => [subscription.handleId, subscription.capacity, subscription.overflow])).toEqual([
      [1, 8, 'drop-newest'],
      [2, 2, 'drop-oldest'],
    ]);
    send(1, IOCTL_CONFORMANCE_DEVICE_PROTOCOL_INFO, 152);
    const info = new DataView(model.trace().at(-1)!.bytes.buffer);
    expect([info.getUint32(48, true), info.getUint32(52, true)]).toEqual([2, 1]);
  });

  it('refuses bad settings and keeps the old ones', () => {
    const { model } = conformanceModel();
    expect(() => model.setChannel('Events', { capacity: 0 })).toThrow(RangeError);
    expect(() => model.setChannel('Events', { capacity: 4, overflow: 'drop-all' as never })).toThrow(/drop-newest/);
    expect(() => model.setChannel('Nope', { capacity: 4 })).toThrow(/has no channel "Nope"; it has Events, Latest, Audit/);
    expect(model.state().channels[0]).toEqual({ channel: 'Events', capacity: 8, overflow: 'drop-newest', stalled: false });
  });
});
