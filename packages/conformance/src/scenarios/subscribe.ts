/** R1 (a subscribe buffer too small is refused at once) and R2 (queued events complete a request at once). */
import { BATCH_FLAG_RING_EMPTY, BATCH_HEADER_BYTES, PROTOCOL_VERSION, RECORD_ALIGNMENT, RecordHeaderCodec } from '@inverted-call/codec';
import { check, equal, within } from '../assert.js';
import { scenario } from '../scenario.js';
import { channels, expectDeviceError, expectEvents, parkedOf, primeSubscription, range, readBatch, sequencesOf, subscribeRaw, subscriptionOf, tagsOf, watch } from './support.js';

const EVENTS_MINIMUM = channels.Events.minimumOutputBytes; // header + the 264-byte Large record
const SMALL_RECORD = channels.Events.events.Small.recordBytes;
const HEADER = BATCH_HEADER_BYTES;

export const subscribeScenarios = [
  scenario('R1', 'a subscribe buffer one byte short of header plus largest record fails with ERROR_INSUFFICIENT_BUFFER and is never parked', async (context) => {
    const handle = await context.raw();
    const error = await expectDeviceError(subscribeRaw(handle, 'Events', { outputLength: EVENTS_MINIMUM - 1 }), 'ERROR_INSUFFICIENT_BUFFER', `subscribe Events with ${EVENTS_MINIMUM - 1} bytes`);
    equal(error.errno, 122, 'Win32 error number');
    await context.settle();
    equal(parkedOf(await context.state(), 'client'), 0, 'requests parked after the refusal');
  }),

  scenario('R1', 'subscribe buffers holding only the header, or the header and the smaller event kind, are refused on every channel', async (context) => {
    const handle = await context.raw();
    // Events has a 264-byte Large kind: room for a Small record alone is not enough.
    for (const outputLength of [0, HEADER, HEADER + SMALL_RECORD, EVENTS_MINIMUM - 1]) {
      await expectDeviceError(subscribeRaw(handle, 'Events', { outputLength }), 'ERROR_INSUFFICIENT_BUFFER', `subscribe Events with ${outputLength} bytes`);
    }
    for (const outputLength of [0, channels.Latest.minimumOutputBytes - 1]) {
      await expectDeviceError(subscribeRaw(handle, 'Latest', { outputLength }), 'ERROR_INSUFFICIENT_BUFFER', `subscribe Latest with ${outputLength} bytes`);
    }
    await context.settle();
    equal(parkedOf(await context.state(), 'client'), 0, 'requests parked after six refusals');
  }),

  scenario('R1', 'a subscribe buffer of exactly header plus largest record is parked and then holds a Large event exactly', async (context) => {
    const handle = await context.raw();
    const request = watch(subscribeRaw(handle, 'Events', { outputLength: EVENTS_MINIMUM }));
    await context.settle();
    check(!request.settled, 'the request completed with no event to give it');
    equal(subscriptionOf(await context.state(), 'client', 'Events').parked, 1, 'parked requests');
    const tags = await context.emit('Events', 1, 'Large');
    const batch = readBatch(await within(request.done, 'the parked request'), 'Events');
    equal(batch.bytesReturned, EVENTS_MINIMUM, 'bytes returned for one Large record');
    expectEvents(batch.records, 'Large', tags, 'records');
  }),

  scenario('R1', 'a refused subscribe leaves the requests already parked on its handle in place', async (context) => {
    const handle = await context.raw();
    const parked = watch(subscribeRaw(handle, 'Events'));
    await context.settle();
    await expectDeviceError(subscribeRaw(handle, 'Events', { outputLength: 100 }), 'ERROR_INSUFFICIENT_BUFFER', 'subscribe Events with 100 bytes');
    await context.settle();
    check(!parked.settled, 'the refusal completed the request parked before it');
    equal(subscriptionOf(await context.state(), 'client', 'Events').parked, 1, 'parked requests');
    const tags = await context.emit('Events', 1);
    const batch = readBatch(await within(parked.done, 'the parked request'), 'Events');
    equal(sequencesOf(batch.records), [0n], 'sequences');
    expectEvents(batch.records, 'Small', tags, 'records');
  }),

  scenario('R2', 'the first subscribe on a handle creates its subscription and parks there with an empty ring at sequence 0', async (context) => {
    const handle = await context.raw();
    const request = watch(subscribeRaw(handle, 'Latest'));
    await context.settle();
    check(!request.settled, 'the request completed with no event to give it');
    const { parked, ringFill, dropped, nextSequence } = subscriptionOf(await context.state(), 'client', 'Latest');
    equal({ parked, ringFill, dropped, nextSequence }, { parked: 1, ringFill: 0, dropped: 0n, nextSequence: 0n }, 'the new subscription');
  }),

  scenario('R2', 'events waiting in the ring complete a new request at once with as many whole records as fit', async (context) => {
    const handle = await context.raw();
    await primeSubscription(context, handle, 'Latest');
    const tags = await context.emit('Latest', 3);
    const twoRecords = HEADER + 2 * SMALL_RECORD;
    // Nothing more is emitted: both requests must complete from the ring alone.
    const first = readBatch(await within(subscribeRaw(handle, 'Latest', { outputLength: twoRecords }), 'first request'), 'Latest');
    equal({ count: first.count, bytesUsed: first.bytesUsed, bytesReturned: first.bytesReturned }, { count: 2, bytesUsed: twoRecords, bytesReturned: twoRecords }, 'first batch');
    equal(sequencesOf(first.records), [1n, 2n], 'first batch sequences');
    expectEvents(first.records, 'Small', tags.slice(0, 2), 'first batch records');
    const second = readBatch(await within(subscribeRaw(handle, 'Latest', { outputLength: twoRecords }), 'second request'), 'Latest');
    equal(sequencesOf(second.records), [3n], 'second batch sequences');
    equal(second.bytesReturned, HEADER + SMALL_RECORD, 'second batch bytes');
    equal(subscriptionOf(await context.state(), 'client', 'Latest').ringFill, 0, 'ring fill afterwards');
  }),

  scenario('R2', 'a record is never split: a Large event that does not fit waits whole for the next request', async (context) => {
    const handle = await context.raw();
    await primeSubscription(context, handle, 'Events');
    const [small1] = await context.emit('Events', 1, 'Small');
    const [large] = await context.emit('Events', 1, 'Large');
    const [small2] = await context.emit('Events', 1, 'Small');
    const batches = [];
    for (let index = 0; index < 3; index++) batches.push(readBatch(await within(subscribeRaw(handle, 'Events'), `request ${index + 1}`), 'Events'));
    equal(batches.map((batch) => batch.records.map((record) => record.kind)), [['Small'], ['Large'], ['Small']], 'kinds per batch');
    equal(batches.map((batch) => batch.bytesReturned), [HEADER + SMALL_RECORD, EVENTS_MINIMUM, HEADER + SMALL_RECORD], 'bytes per batch');
    equal(batches.flatMap((batch) => tagsOf(batch.records)), [small1, large, small2], 'tags in order');
    equal(batches.flatMap((batch) => sequencesOf(batch.records)), range(1, 3), 'sequences in order');
  }),

  scenario('R2', 'RING_EMPTY is clear on a batch that leaves events in the ring, and set on the batch that drains it and on an event that meets a parked request', async (context) => {
    const handle = await context.raw();
    await primeSubscription(context, handle, 'Latest');
    await context.emit('Latest', 3);
    const twoRecords = HEADER + 2 * SMALL_RECORD;
    const first = readBatch(await within(subscribeRaw(handle, 'Latest', { outputLength: twoRecords }), 'first request'), 'Latest');
    equal({ sequences: sequencesOf(first.records), flags: first.flags }, { sequences: [1n, 2n], flags: 0 }, 'first batch, one event left in the ring');
    const second = readBatch(await within(subscribeRaw(handle, 'Latest', { outputLength: twoRecords }), 'second request'), 'Latest');
    equal({ sequences: sequencesOf(second.records), flags: second.flags }, { sequences: [3n], flags: BATCH_FLAG_RING_EMPTY }, 'second batch, the ring drained');
    // R3's direct completion: the event passes an empty ring, which stays empty.
    const parked = watch(subscribeRaw(handle, 'Latest'));
    await context.settle();
    check(!parked.settled, 'the request completed with no event to give it');
    await context.emit('Latest', 1);
    const third = readBatch(await within(parked.done, 'the parked request'), 'Latest');
    equal({ sequences: sequencesOf(third.records), flags: third.flags }, { sequences: [4n], flags: BATCH_FLAG_RING_EMPTY }, 'batch of an event that met a parked request');
  }),

  scenario('R2', 'a batch is laid out exactly: version 1, count, bytes used, flags, then aligned record headers with kind ids and sizes', async (context) => {
    const handle = await context.raw();
    await primeSubscription(context, handle, 'Events');
    const tags = [...(await context.emit('Events', 2, 'Small')), ...(await context.emit('Events', 1, 'Large'))];
    const result = await within(subscribeRaw(handle, 'Events', { outputLength: channels.Events.batchBytes }), 'request');
    const batch = readBatch(result, 'Events');
    const expectedBytes = HEADER + 2 * SMALL_RECORD + channels.Events.events.Large.recordBytes;
    // The batch takes the whole ring, so its only flag is RING_EMPTY.
    equal({ version: batch.version, count: batch.count, bytesUsed: batch.bytesUsed, flags: batch.flags, droppedTotal: batch.droppedTotal }, { version: PROTOCOL_VERSION, count: 3, bytesUsed: expectedBytes, flags: BATCH_FLAG_RING_EMPTY, droppedTotal: 0n }, 'batch header');
    equal(result.bytesReturned, expectedBytes, 'bytes returned');
    const headers = [HEADER, HEADER + SMALL_RECORD, HEADER + 2 * SMALL_RECORD].map((offset) => ({
      aligned: offset % RECORD_ALIGNMENT === 0,
      ...RecordHeaderCodec.decode(result.output, offset),
    }));
    equal(headers, [
      { aligned: true, sequence: 1n, kind: 1, reserved: 0, size: 16 },
      { aligned: true, sequence: 2n, kind: 1, reserved: 0, size: 16 },
      { aligned: true, sequence: 3n, kind: 2, reserved: 0, size: 248 },
    ], 'record headers');
    equal(tagsOf(batch.records), tags, 'tags');
  }),
];
