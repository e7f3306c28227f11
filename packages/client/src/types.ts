/** The typed surface of an open device, derived from its generated descriptor. */
import type { CallInputValue, CallOutputValue, ChannelDescriptorV1, ChannelEvent, DeviceDescriptorV1 } from '@inverted-call/codec';

export interface CallOptions {
  /** Aborting cancels exactly this request; the promise rejects with a DeviceError whose `canceled` is true. */
  signal?: AbortSignal;
  /**
   * Milliseconds the driver has to complete the request. Past that, exactly this request is
   * cancelled and the promise rejects with a `CallTimeoutError`; if the driver completed it
   * meanwhile, that result is delivered instead (a cancel never loses a result).
   */
  timeoutMs?: number;
}

export type CallFunction<Call> = CallInputValue<Call> extends void
  ? (input?: void, options?: CallOptions) => Promise<CallOutputValue<Call>>
  : (input: CallInputValue<Call>, options?: CallOptions) => Promise<CallOutputValue<Call>>;

export type CallMap<Descriptor extends DeviceDescriptorV1> = {
  readonly [Name in keyof Descriptor['calls']]: CallFunction<Descriptor['calls'][Name]>;
};

export interface SubscribeOptions {
  /** Subscribe requests kept in flight. Default 4. More absorbs bursts without driver drops. */
  depth?: number;
  /** Output buffer of each request; default the channel's `batchBytes`. At least `minimumOutputBytes`. */
  batchBytes?: number;
  /**
   * Events buffered in the client before it stops re-posting (back-pressure: the driver's ring
   * then absorbs, then counts drops). Default 1024.
   */
  highWaterMark?: number;
  /** Aborting ends the subscription: in-flight requests are cancelled and the iterator throws a canceled DeviceError. */
  signal?: AbortSignal;
}

/** One event, with the sequence number the driver gave it. */
export type EventItem<Channel extends ChannelDescriptorV1> = ChannelEvent<Channel> & {
  readonly type: 'event';
  readonly sequence: bigint;
};

/** Events the driver dropped (its ring was full), detected as a gap in sequence numbers: never silent. */
export interface LossNotice {
  readonly type: 'loss';
  /** Exactly how many events were lost here. */
  readonly count: number;
  readonly firstSequence: bigint;
  readonly lastSequence: bigint;
}

export type SubscriptionItem<Channel extends ChannelDescriptorV1> = EventItem<Channel> | LossNotice;

export interface SubscriptionStats {
  /** Events handed to the consumer. */
  delivered: number;
  /** Events lost, counted from sequence gaps. */
  lost: number;
  /**
   * Drops the driver reported in the latest batch header: its count for this handle's stream of the
   * channel since the handle was opened, across every subscription that read it. It runs ahead of
   * `lost` only while the driver's ring still holds events the client has not received.
   */
  driverDropped: bigint;
  /** Requests currently at the driver. */
  inFlight: number;
  /** Requests completed with a batch. */
  completions: number;
  /** Events received and not yet taken by the consumer. */
  buffered: number;
  /** Events received but never taken because the subscription was closed or aborted first (not a loss). */
  discarded: number;
}

/**
 * A cursor on the driver's stream of one channel. Iterate it item by item (`for await`), or
 * completion by completion with `batches()`; both take from the same buffer, with the same loss
 * notices and back-pressure. Errors (bad options, a closed device, driver errors) arrive through
 * the iterator and `ready`, never as a synchronous throw from `subscribe`.
 */
export interface Subscription<Channel extends ChannelDescriptorV1> extends AsyncIterableIterator<SubscriptionItem<Channel>>, AsyncDisposable {
  readonly channel: Channel['name'];
  readonly stats: Readonly<SubscriptionStats>;
  /**
   * Resolves once the subscription's first request has reached the driver: every event the driver
   * receives from then on reaches this subscription (delivered, or counted as lost). Rejects if the
   * subscription ends before that. Awaiting it is optional.
   */
  readonly ready: Promise<void>;
  /**
   * The same subscription, one completion at a time: each value holds the items (events and the
   * loss notices between them) of one completed request, in sequence order. For consumers that
   * handle thousands of events per second. Breaking out of it closes the subscription.
   */
  batches(): AsyncIterableIterator<readonly SubscriptionItem<Channel>[]> & AsyncDisposable;
  /** Cancels every in-flight request and waits for all of them to complete. */
  close(): Promise<void>;
}

export type SubscribeMap<Descriptor extends DeviceDescriptorV1> = {
  readonly [Name in keyof Descriptor['channels']]: (options?: SubscribeOptions) => Subscription<Descriptor['channels'][Name]>;
};
