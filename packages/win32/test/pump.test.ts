// The completion pump over a scripted kernel32 (FakeWin32): many packets per call of
// GetQueuedCompletionStatusEx, in port order and in one turn; a full entry array; a poll on the
// main thread before any wait; block reuse only after a packet is dequeued; cancel races; close
// ordering; a failed wait. FakeWin32 itself throws on a block reused or freed too early, on a
// poll during a wait, and on CloseHandle before every packet of the handle was dequeued.
import { DeviceError, type DeviceHandleV1 } from '@inverted-call/backend';
import { afterEach, describe, expect, it } from 'vitest';
import { createWin32Backend } from '../src/index.js';
import { FakeWin32, type FakeRequest } from './support/fake-win32.js';

const PATH = '\\\\.\\ConformanceDevice';
const STATUS_SUCCESS = 0;
const ECHO = 0x9c00e000;

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

const fakes: FakeWin32[] = [];
afterEach(() => {
  // A rule broken where the backend does not catch it (a microtask, a callback) fails the test here.
  expect(fakes.flatMap((fake) => fake.violations)).toEqual([]);
  fakes.length = 0;
});

async function setup(entriesPerWake?: number): Promise<{ fake: FakeWin32; handle: DeviceHandleV1; open: () => Promise<DeviceHandleV1> }> {
  const fake = new FakeWin32();
  fakes.push(fake);
  const backend = createWin32Backend({ api: fake, entriesPerWake });
  const open = () => backend.open(PATH, { access: 'read-write' });
  return { fake, handle: await open(), open };
}

/** Sends `count` requests, each tagged by its one input byte; resolves to the tags in delivery order. */
function sendTagged(handle: DeviceHandleV1, count: number): { delivered: number[]; all: Promise<unknown> } {
  const delivered: number[] = [];
  const all = Promise.all(Array.from({ length: count }, (_, tag) => handle.ioctl(ECHO, Uint8Array.of(tag), 1).then((result) => delivered.push(result.output[0]!))));
  return { delivered, all };
}

const completeWithTag = (fake: FakeWin32, request: FakeRequest) => fake.complete(request, STATUS_SUCCESS, Uint8Array.of(request.input[0]!));

describe('many packets per call', () => {
  it('packets completed together come out of one wait and are delivered in port order, all in one turn', async () => {
    const { fake, handle } = await setup();
    const delivered: number[] = [];
    const NOT_YET = Symbol('not settled yet');
    let settledWhenFirstSeen: unknown[] = [];
    const promises = Array.from({ length: 8 }, (_, tag) => handle.ioctl(ECHO, Uint8Array.of(tag), 1));
    const handlers = promises.map((promise) =>
      promise.then(async (result) => {
        delivered.push(result.output[0]!);
        // At the first result, every other packet of the same call must be settled already: a race
        // against a settled sentinel is won by a promise only if it was fulfilled before.
        if (delivered.length === 1) settledWhenFirstSeen = await Promise.all(promises.map((other) => Promise.race([other, Promise.resolve(NOT_YET)])));
      }),
    );
    await tick();
    const pending = fake.pending();
    const completionOrder = [5, 2, 7, 0, 3, 6, 1, 4];
    for (const tag of completionOrder) completeWithTag(fake, pending[tag]!);
    await Promise.all(handlers);
    expect(delivered).toEqual(completionOrder);
    expect(fake.wakeups).toEqual([8]);
    expect(settledWhenFirstSeen).not.toContain(NOT_YET);
    expect(settledWhenFirstSeen).toHaveLength(8);
  });

  it('more packets than entries: the next call takes the rest, and order holds across calls', async () => {
    const { fake, handle } = await setup(3);
    const { delivered, all } = sendTagged(handle, 8);
    await tick();
    const pending = fake.pending();
    const completionOrder = [7, 6, 0, 1, 5, 4, 2, 3];
    for (const tag of completionOrder) completeWithTag(fake, pending[tag]!);
    await all;
    expect(delivered).toEqual(completionOrder);
    // One wait takes 3, then polls on the main thread take the rest before any other wait.
    expect(fake.wakeups).toEqual([3, 'poll 3', 'poll 2']);
    // Never more entries asked for than requests in flight (under Wine a surplus costs a wineserver call).
    expect(fake.counts).toEqual([3, 3, 2]);
    expect(fake.maxWaitsInProgress).toBe(1);
  });

  it('a call reads only the entries it was given: requests still pending stay pending', async () => {
    const { fake, handle } = await setup(4);
    const settled: number[] = [];
    const promises = [0, 1, 2].map((tag) => handle.ioctl(ECHO, Uint8Array.of(tag), 1).then((result) => settled.push(result.output[0]!)));
    await tick();
    const [first, second, third] = fake.pending();
    completeWithTag(fake, first!); // FakeWin32 leaves a pending request's OVERLAPPED in the unused entries
    await promises[0];
    await tick();
    expect(settled).toEqual([0]);
    expect(fake.pending()).toEqual([second, third]);
    completeWithTag(fake, third!);
    completeWithTag(fake, second!);
    await Promise.all(promises);
    expect(settled).toEqual([0, 2, 1]);
  });
});

describe('poll before wait', () => {
  it('a request done at once is taken by a poll on the main thread: no wait, no thread hop', async () => {
    const { fake, handle } = await setup();
    fake.decide = () => ({ kind: 'done', status: STATUS_SUCCESS, output: Uint8Array.of(7) });
    for (let round = 0; round < 3; round++) expect(await handle.ioctl(ECHO, null, 1)).toEqual({ output: Uint8Array.of(7), bytesReturned: 1 });
    expect(fake.wakeups).toEqual(['poll 1', 'poll 1', 'poll 1']);
    expect(fake.counts).toEqual([1, 1, 1]);
    expect(fake.maxWaitsInProgress).toBe(0);
  });

  it('a request done at once while a wait is in progress is left to that wait, behind the packets before it', async () => {
    const { fake, handle } = await setup();
    const order: string[] = [];
    const first = handle.ioctl(ECHO, null, 1).then(() => order.push('pending one'));
    await tick(); // the wait is in progress now
    fake.complete(fake.pending()[0]!, STATUS_SUCCESS);
    fake.decide = () => ({ kind: 'done', status: STATUS_SUCCESS });
    const second = handle.ioctl(ECHO, null, 1).then(() => order.push('done at once'));
    await Promise.all([first, second]);
    expect(order).toEqual(['pending one', 'done at once']);
    // No poll while the wait is in progress (FakeWin32 throws on one): the wait, which asked for
    // the one entry in flight when it began, takes the first; a poll after it takes the second.
    expect(fake.wakeups).toEqual([1, 'poll 1']);
  });

  it('re-posts that are pending lead straight to the wait: no poll that could only find the port empty', async () => {
    const { fake, handle } = await setup();
    // Generation 1 pending; its re-posts (generation 2) done at once; theirs (generation 3) pending.
    fake.decide = () => (fake.requests.length >= 2 && fake.requests.length < 4 ? { kind: 'done', status: STATUS_SUCCESS } : { kind: 'pending' });
    const third: Promise<unknown>[] = [];
    const chains = [0, 1].map(() => handle.ioctl(ECHO, null, 1).then(() => handle.ioctl(ECHO, null, 1).then(() => third.push(handle.ioctl(ECHO, null, 1)))));
    await tick();
    for (const request of fake.pending()) fake.complete(request, STATUS_SUCCESS);
    await Promise.all(chains);
    await tick();
    expect(fake.wakeups).toEqual([2, 'poll 2']);
    expect(fake.waitsInProgress).toBe(1);
    expect(fake.counts).toEqual([2, 2, 2]);
    for (const request of fake.pending()) fake.complete(request, STATUS_SUCCESS);
    await Promise.all(third);
  });

  it('re-posts sent while a wake-up is delivered are polled for before the next wait', async () => {
    const { fake, handle } = await setup();
    // A client that re-posts each completed request (as a subscription does); the second
    // generation completes at once, as a re-post that finds events in the driver ring does.
    let generation = 0;
    const second: Promise<unknown>[] = [];
    const firsts = [0, 1].map(() => handle.ioctl(ECHO, null, 1).then(() => second.push(handle.ioctl(ECHO, null, 1))));
    await tick();
    fake.decide = () => ({ kind: 'done', status: STATUS_SUCCESS, output: Uint8Array.of(++generation) });
    for (const request of fake.pending()) fake.complete(request, STATUS_SUCCESS, Uint8Array.of(0));
    await Promise.all(firsts);
    await Promise.all(second);
    expect(fake.wakeups).toEqual([2, 'poll 2']);
    expect(fake.maxWaitsInProgress).toBe(1);
  });

  it('a port that always has packets yields to the event loop after a bounded number of polls', async () => {
    const { fake, handle } = await setup();
    fake.decide = () => ({ kind: 'done', status: STATUS_SUCCESS, output: Uint8Array.of(1) });
    let completions = 0;
    let completionsWhenOtherWorkRan = -1;
    setImmediate(() => (completionsWhenOtherWorkRan = completions));
    await new Promise<void>((resolve) => {
      const again = (): void => {
        if (++completions === 200) return resolve();
        void handle.ioctl(ECHO, null, 1).then(again);
      };
      void handle.ioctl(ECHO, null, 1).then(again);
    });
    expect(completionsWhenOtherWorkRan).toBeGreaterThan(0);
    expect(completionsWhenOtherWorkRan).toBeLessThan(40);
  });

  it('a caller awaiting request after request done at once still lets the event loop turn', async () => {
    const { fake, handle } = await setup();
    fake.decide = () => ({ kind: 'done', status: STATUS_SUCCESS });
    let awaited = 0;
    let awaitedWhenOtherWorkRan = -1;
    setImmediate(() => (awaitedWhenOtherWorkRan = awaited));
    // Through a helper, as callers write it: its extra promise steps let the port go idle in between.
    const call = async () => {
      const result = await handle.ioctl(ECHO, null, 0);
      await null;
      return result;
    };
    for (; awaited < 100; awaited++) await call();
    expect(awaitedWhenOtherWorkRan).toBeGreaterThanOrEqual(0);
    expect(awaitedWhenOtherWorkRan).toBeLessThan(40);
  });
});

describe('block reuse', () => {
  it('a completed request\'s blocks serve the next request; two in flight never share one', async () => {
    const { fake, handle } = await setup();
    const first = handle.ioctl(ECHO, Uint8Array.of(1), 8);
    const second = handle.ioctl(ECHO, Uint8Array.of(2), 8); // FakeWin32 throws if it got first's blocks
    await tick();
    const [a, b] = fake.pending();
    expect(b!.overlapped.address).not.toBe(a!.overlapped.address);
    fake.complete(a!, STATUS_SUCCESS, Uint8Array.of(1));
    await first;
    const third = handle.ioctl(ECHO, Uint8Array.of(3), 8);
    await tick();
    const c = fake.pending().find((request) => request.input[0] === 3)!;
    expect({ overlapped: c.overlapped.address, input: c.inputBlock!.address, output: c.output!.address }).toEqual({ overlapped: a!.overlapped.address, input: a!.inputBlock!.address, output: a!.output!.address });
    fake.complete(b!, STATUS_SUCCESS);
    fake.complete(c, STATUS_SUCCESS);
    await Promise.all([second, third]);
  });

  it('a cancelled request\'s blocks stay out of use until its cancelled packet is dequeued', async () => {
    const { fake, handle } = await setup();
    const controller = new AbortController();
    const cancelled = handle.ioctl(ECHO, null, 8, { signal: controller.signal }).catch((error: DeviceError) => error.code);
    await tick();
    const [victim] = fake.pending();
    controller.abort(); // the cancelled packet is queued, not yet dequeued
    const next = handle.ioctl(ECHO, null, 8); // FakeWin32 throws if this got the victim's blocks
    expect(await cancelled).toBe('ERROR_OPERATION_ABORTED');
    const afterDequeue = handle.ioctl(ECHO, null, 8);
    await tick();
    const reused = fake.pending().at(-1)!;
    expect(reused.overlapped.address).toBe(victim!.overlapped.address);
    for (const request of fake.pending()) fake.complete(request, STATUS_SUCCESS);
    await Promise.all([next, afterDequeue]);
  });

  it('an abort after completion never cancels the next user of the same OVERLAPPED', async () => {
    const { fake, handle } = await setup();
    const controller = new AbortController();
    const done = handle.ioctl(ECHO, null, 1, { signal: controller.signal });
    await tick();
    const [first] = fake.pending();
    fake.complete(first!, STATUS_SUCCESS, Uint8Array.of(1));
    await done;
    const successor = handle.ioctl(ECHO, null, 1);
    await tick();
    const [next] = fake.pending();
    expect(next!.overlapped.address).toBe(first!.overlapped.address);
    controller.abort();
    expect(fake.cancels).toEqual([]);
    expect(next!.state).toBe('pending');
    fake.complete(next!, STATUS_SUCCESS, Uint8Array.of(2));
    expect(await successor).toEqual({ output: Uint8Array.of(2), bytesReturned: 1 });
  });

  it('a result aborted by the handler of a packet delivered in the same call is its real result', async () => {
    const { fake, handle } = await setup();
    const controller = new AbortController();
    const a = handle.ioctl(ECHO, null, 1).then(() => controller.abort());
    const b = handle.ioctl(ECHO, null, 1, { signal: controller.signal });
    await tick();
    const [first, second] = fake.pending();
    fake.complete(first!, STATUS_SUCCESS, Uint8Array.of(1));
    fake.complete(second!, STATUS_SUCCESS, Uint8Array.of(2));
    await a;
    expect(await b).toEqual({ output: Uint8Array.of(2), bytesReturned: 1 });
    expect(fake.wakeups).toEqual([2]);
    expect(fake.cancels).toEqual([]);
  });
});

describe('close', () => {
  it('with more packets than entries: CloseHandle after the last packet, then the port; results in order; nothing left', async () => {
    const { fake, handle } = await setup(2);
    const outcomes: number[] = [];
    const requests = Array.from({ length: 5 }, (_, tag) => handle.ioctl(ECHO, Uint8Array.of(tag), 4).catch((error: DeviceError) => (error.canceled ? outcomes.push(tag) : Promise.reject(error))));
    await tick();
    await handle.close();
    await Promise.all(requests);
    expect(outcomes).toEqual([0, 1, 2, 3, 4]); // CancelIoEx(handle, NULL) cancels oldest first
    expect(fake.wakeups).toEqual([2, 'poll 2', 'poll 1']);
    expect(fake.closed).toEqual([100n, fake.port]);
    expect(fake.liveBlocks).toBe(0);
  });

  it('the port outlives a closed handle while another handle of the backend is open', async () => {
    const { fake, handle, open } = await setup();
    const other = await open();
    const cancelled = handle.ioctl(ECHO, null, 1).catch((error: DeviceError) => error.code);
    await tick();
    await handle.close();
    expect(await cancelled).toBe('ERROR_OPERATION_ABORTED');
    expect(fake.closed).toEqual([100n]);
    // The other handle, idle while the first closed, still has its port (FakeWin32 throws on I/O otherwise).
    const parked = other.ioctl(ECHO, null, 1);
    await tick();
    fake.complete(fake.pending()[0]!, STATUS_SUCCESS, Uint8Array.of(3));
    expect(await parked).toEqual({ output: Uint8Array.of(3), bytesReturned: 1 });
    await other.close();
    expect(fake.closed).toEqual([100n, 101n, fake.port]);
    expect(fake.liveBlocks).toBe(0);
    // A later open makes a new port.
    const again = await open();
    fake.decide = () => ({ kind: 'done', status: STATUS_SUCCESS });
    await again.ioctl(ECHO, null, 0);
    await again.close();
    expect(fake.liveBlocks).toBe(0);
  });
});

describe('a failed wait', () => {
  it('fails what is in flight with ERROR_GEN_FAILURE and frees none of their blocks', async () => {
    const { fake, handle } = await setup();
    const requests = [handle.ioctl(ECHO, null, 8), handle.ioctl(ECHO, null, 8)].map((promise) => promise.catch((error: DeviceError) => error));
    await tick();
    const blocksBefore = fake.liveBlocks;
    fake.failNextWait = true;
    fake.postCompletion(fake.port, 0n); // wakes the wait, which then reports failure
    const errors = await Promise.all(requests);
    expect(errors.map((error) => (error as DeviceError).code)).toEqual(['ERROR_GEN_FAILURE', 'ERROR_GEN_FAILURE']);
    expect(fake.wakeups).toEqual(['failed']);
    expect(fake.liveBlocks).toBe(blocksBefore);
    // The kernel may still write into those blocks: a new request gets fresh ones (FakeWin32 throws otherwise).
    const later = handle.ioctl(ECHO, null, 8);
    await tick();
    const fresh = fake.pending().at(-1)!;
    fake.complete(fresh, STATUS_SUCCESS);
    await later;
  });
});
