/** The typed surface of `device.decide.<Verdict>()`, derived from the descriptor's verdicts. */
import type { DeviceError } from '@inverted-call/backend';
import type { VerdictDescriptorV1 } from '@inverted-call/codec';

/** What a handler knows about the question besides its fields. */
export interface DecisionContext {
  /** The question's id, unique per device (rule V2's replies carry it). */
  readonly id: bigint;
  /**
   * When the driver stops waiting, in epoch milliseconds (compare with `Date.now()`): the time of
   * delivery plus the RemainingMs the driver reported. A little later than the driver's own
   * deadline by however long the completion took to reach this process.
   */
  readonly deadline: number;
  /** The RemainingMs the driver reported when it delivered the question. */
  readonly remainingMs: number;
  /** Aborts at the deadline: past it an answer is no longer sent, so further work is wasted. */
  readonly signal: AbortSignal;
}

export type VerdictHandler<Question, Answer> = (question: Question, context: DecisionContext) => Answer | Promise<Answer>;

/** Why the driver refused a reply (rule V5), from the Win32 error the reply failed with. */
export type ReplyRefusal = 'late' | 'unknown-id' | 'already-answered' | 'other';

/** What happened to one question this decider received; `elapsedMs` counts from its delivery. */
export type DecisionEvent<Question, Answer> =
  | { readonly type: 'answered'; readonly id: bigint; readonly question: Question; readonly answer: Answer; readonly elapsedMs: number }
  /** The handler had not answered by the deadline: no reply was sent, the driver applies the default. */
  | { readonly type: 'late'; readonly id: bigint; readonly question: Question; readonly elapsedMs: number }
  /** The handler threw, or its answer does not fit the answer struct: no reply was sent, the driver applies the default at the deadline. */
  | { readonly type: 'failed'; readonly id: bigint; readonly question: Question; readonly error: unknown; readonly elapsedMs: number }
  /** The reply was sent and the driver refused it; the question's outcome is the driver's (the default, if `late`). */
  | { readonly type: 'refused'; readonly id: bigint; readonly question: Question; readonly answer: Answer; readonly reason: ReplyRefusal; readonly error: DeviceError | unknown; readonly elapsedMs: number };

export interface DecideOptions<Question, Answer> {
  /**
   * Questions decided at once, from 1 (the default) to the verdict's maxPending or the device's
   * maxParkedPerHandle, whichever is smaller (ask requests count against it). Each idle slot
   * keeps one ask request parked at the driver; a busy slot takes its next question only once its
   * handler has answered or its deadline has passed.
   */
  concurrency?: number;
  /** Aborting closes the decider, as `close()` does. */
  signal?: AbortSignal;
  /**
   * Called for every question's end: answered, late, failed or refused. It runs in the decider's
   * turn and must not throw: what it throws stops the decider (`closed` rejects with it).
   */
  onEvent?: (event: DecisionEvent<Question, Answer>) => void;
}

export interface DeciderStats {
  /** Questions delivered to this decider. */
  received: number;
  /** Replies the driver accepted: the question settled with the handler's answer. */
  answered: number;
  /** Handlers that had not answered by the deadline (no reply was sent). */
  late: number;
  /** Handlers that threw, or answered with a value the answer struct refuses (no reply was sent). */
  failed: number;
  /** Replies the driver refused (late, unknown id, already answered, any other error). */
  refusedByDriver: number;
  /** Questions this decider left to the driver's default: late + failed + replies refused as late. */
  defaulted: number;
  /** Ask requests parked at the driver now. */
  parked: number;
  /** Questions whose handler is running now (before their deadline). */
  deciding: number;
}

/**
 * A running decider of one verdict. It holds a handle of its own, so closing it makes its process
 * stop being a decider (rule V1): with no decider left, the driver answers with the default at once.
 */
export interface Decider<Question, Answer> extends AsyncDisposable {
  readonly verdict: string;
  readonly stats: Readonly<DeciderStats>;
  /**
   * Resolves once the decider's first ask request has reached the driver: from then on its
   * questions come here (rule V1). Rejects if the decider stops before that. Awaiting it is optional.
   */
  readonly ready: Promise<void>;
  /**
   * Settles once the decider has stopped: resolves after `close()`, an abort or the device's close;
   * rejects with the error that stopped it otherwise (the driver refused an ask request, a
   * completion broke the protocol, `onEvent` threw).
   */
  readonly closed: Promise<void>;
  /**
   * Stops taking questions: cancels the parked ask requests and waits for each to complete (a
   * question the driver delivered meanwhile is still decided), lets the running handlers finish
   * until their deadlines, then closes the decider's handle. Never rejects.
   */
  close(): Promise<void>;
}

/** The question type of a verdict descriptor (what its question struct decodes to). */
export type QuestionOf<Verdict> = Verdict extends VerdictDescriptorV1<infer Question, any> ? Question : never;
/** The answer type of a verdict descriptor. */
export type AnswerOf<Verdict> = Verdict extends VerdictDescriptorV1<any, infer Answer> ? Answer : never;

export type DecideFunction<Verdict> = (
  handler: VerdictHandler<QuestionOf<Verdict>, AnswerOf<Verdict>>,
  options?: DecideOptions<QuestionOf<Verdict>, AnswerOf<Verdict>>,
) => Decider<QuestionOf<Verdict>, AnswerOf<Verdict>>;

/** `device.decide.<Verdict>`: one function per verdict of the descriptor ({} for a device without verdicts). */
export type DecideMap<Descriptor> = Descriptor extends { readonly verdicts: infer Verdicts }
  ? { readonly [Name in keyof Verdicts]: DecideFunction<Verdicts[Name]> }
  : Record<never, never>;

/** A question from `device.questions.<Verdict>()`, with what `decide`'s handler would get. */
export interface PendingQuestion<Question, Answer> extends DecisionContext {
  readonly question: Question;
  /**
   * Sends the answer, unless the deadline has passed (then nothing is sent: the driver applies the
   * default). Resolves with what became of the question: answered, late, failed (the answer does
   * not fit the struct) or refused. Only the first call sends; later ones get the same outcome.
   */
  reply(answer: Answer): Promise<DecisionEvent<Question, Answer>>;
}

/**
 * The questions of one verdict as an async iterator. Up to `concurrency` questions are
 * outstanding at once (taken and not yet replied to, or waiting to be taken): the next ask request
 * is parked only once one of them is replied to or passes its deadline. Leaving a `for await` loop
 * closes it, as `close()` does. An error that stops it is thrown by the iterator once.
 */
export interface QuestionStream<Question, Answer>
  extends AsyncIterableIterator<PendingQuestion<Question, Answer>>, AsyncDisposable, Pick<Decider<Question, Answer>, 'verdict' | 'stats' | 'ready' | 'closed' | 'close'> {}

export type QuestionsFunction<Verdict> = (
  options?: DecideOptions<QuestionOf<Verdict>, AnswerOf<Verdict>>,
) => QuestionStream<QuestionOf<Verdict>, AnswerOf<Verdict>>;

/** `device.questions.<Verdict>`: one function per verdict of the descriptor. */
export type QuestionsMap<Descriptor> = Descriptor extends { readonly verdicts: infer Verdicts }
  ? { readonly [Name in keyof Verdicts]: QuestionsFunction<Verdicts[Name]> }
  : Record<never, never>;
