/** The driver model's inputs and outputs: requests, what became of them, and snapshots of its state. */
import type { CallDescriptorV1, OverflowPolicy } from '@inverted-call/codec';
import type { OfferOutcome } from './subscription.js';
import type { TraceEntry } from './trace.js';
import type { VerdictState } from './verdict-types.js';
import type { VerdictTraceEntry } from './verdict-trace.js';

/** One DeviceIoControl as the driver receives it. */
export interface DriverRequest {
  /** Chosen by the caller, unique among requests not yet completed. */
  readonly requestId: number;
  readonly handleId: number;
  readonly code: number;
  /** null, or an empty array, for no input buffer. */
  readonly input: Uint8Array | null;
  readonly outputLength: number;
}

/**
 * What `submit` did: completed the request at once (it is already in the trace), parked it in a
 * subscription's queue, parked it as a verdict's ask request (it completes when a question is
 * delivered to it, or is cancelled), or handed a valid call to whoever implements calls, who must
 * later finish it with `completeCall` (unless it is cancelled first).
 */
export type SubmitResult =
  | { readonly disposition: 'completed'; readonly status: number }
  | { readonly disposition: 'parked'; readonly subscriptionId: number }
  | { readonly disposition: 'parked-ask'; readonly verdict: string }
  | { readonly disposition: 'dispatched'; readonly call: CallDescriptorV1 };

/** What one emitted event did at one subscription (see `OfferOutcome`). */
export interface ModelEmitOutcome {
  readonly subscriptionId: number;
  readonly handleId: number;
  readonly outcome: OfferOutcome;
  readonly sequence: bigint;
  readonly droppedSequence?: bigint;
  /** For `completed`: the request the event completed. */
  readonly requestId?: number;
}

export interface DriverModelOptions {
  /** Called synchronously for each completion, right after it is appended to the trace. */
  onCompletion?: (entry: TraceEntry) => void;
  /** Called synchronously for each question's settlement, right after it is appended to the verdict trace. */
  onVerdictSettled?: (entry: VerdictTraceEntry) => void;
}

export interface HandleState {
  readonly handleId: number;
  /** FILE_READ_ACCESS 1 | FILE_WRITE_ACCESS 2. */
  readonly access: number;
  /** Who opened it (the simulator passes the process name). */
  readonly owner: string;
}

export interface ModelSubscriptionState {
  readonly subscriptionId: number;
  readonly handleId: number;
  readonly channel: string;
  /** Subscribe requests waiting in its queue. */
  readonly parked: number;
  /** Events waiting in its ring. */
  readonly ringFill: number;
  readonly capacity: number;
  readonly overflow: OverflowPolicy;
  /** The sequence number the next offered event will take. */
  readonly nextSequence: bigint;
  /** Events dropped by overflow so far (the DroppedTotal of its next batch). */
  readonly dropped: bigint;
}

/** A channel's current driver settings: the descriptor's, unless a test overrode them. */
export interface ChannelState {
  readonly channel: string;
  readonly capacity: number;
  readonly overflow: OverflowPolicy;
  readonly stalled: boolean;
}

/**
 * Counters since the model was created. `eventsOffered`, `eventsDelivered` and `eventsDropped`
 * count per subscription (one emit to three subscriptions offers three); `completions` counts every
 * completion, cancellations included, and `cancels` those with STATUS_CANCELLED.
 */
export interface ModelTotals {
  completions: number;
  cancels: number;
  eventsEmitted: number;
  eventsOffered: number;
  eventsDelivered: number;
  eventsDropped: number;
}

export interface ModelState {
  /** In the order they were opened. */
  readonly handles: readonly HandleState[];
  /** Channel by channel in descriptor order, then in creation order (the fan-out order). */
  readonly subscriptions: readonly ModelSubscriptionState[];
  readonly channels: readonly ChannelState[];
  /** Per verdict in descriptor order: deciders, parked ask requests, questions and the V9 counters. */
  readonly verdicts: readonly VerdictState[];
  readonly totals: Readonly<ModelTotals>;
}
