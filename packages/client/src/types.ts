/** The typed surface of an open device, derived from its generated descriptor. */
import type { CallInput, CallOutput, ChannelDescriptorV1, ChannelEvent, DeviceDescriptorV1 } from '@inverted-call/codec';

export interface CallOptions {
  /** Aborting cancels exactly this request; the promise rejects with a DeviceError whose `canceled` is true. */
  signal?: AbortSignal;
}

export type CallFunction<Call> = CallInput<Call> extends void
  ? (input?: void, options?: CallOptions) => Promise<CallOutput<Call>>
  : (input: CallInput<Call>, options?: CallOptions) => Promise<CallOutput<Call>>;

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
  /** Drops the driver reported in the latest batch header; can run ahead of `lost` until the next event shows the gap. */
  driverDropped: bigint;
  /** Requests currently at the driver. */
  inFlight: number;
  /** Requests completed with a batch. */
  completions: number;
  /** Events received and not yet taken by the consumer. */
  buffered: number;
  /** Events received but never taken because the subscription was closed or aborted first. */
  discarded: number;
}

export interface Subscription<Channel extends ChannelDescriptorV1> extends AsyncIterableIterator<SubscriptionItem<Channel>>, AsyncDisposable {
  readonly channel: Channel['name'];
  readonly stats: Readonly<SubscriptionStats>;
  /** Cancels every in-flight request and waits for all of them to complete. */
  close(): Promise<void>;
}

export type SubscribeMap<Descriptor extends DeviceDescriptorV1> = {
  readonly [Name in keyof Descriptor['channels']]: (options?: SubscribeOptions) => Subscription<Descriptor['channels'][Name]>;
};
