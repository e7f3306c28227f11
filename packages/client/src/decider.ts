/**
 * A decider of one verdict: `concurrency` slots, each parking one ask request at the driver, and
 * when a question comes back, running the handler against the question's deadline and sending the
 * reply. Past the deadline nothing is sent: the driver has already settled the question with the
 * default (rule V4), and a late reply would only be refused (rule V5). Nothing a handler does can
 * hang the decider or throw out of it: each question ends as answered, late, failed or refused,
 * counted and reported through `onEvent`.
 */
import { DeviceError, WIN32_ERRORS, isCanceled, type DeviceHandleV1 } from '@inverted-call/backend';
import { decodeVerdictQuestion, encodeVerdictReply, type VerdictDescriptorV1 } from '@inverted-call/codec';
import { ProtocolError } from './errors.js';
import type { Decider, DeciderStats, DecisionContext, DecisionEvent, ReplyRefusal, VerdictHandler } from './decide-types.js';

export interface ResolvedDecideOptions<Question, Answer> {
  concurrency: number;
  signal: AbortSignal | undefined;
  onEvent: ((event: DecisionEvent<Question, Answer>) => void) | undefined;
}

/** How one handler run ended, against its deadline. */
type HandlerEnd<Answer> = { kind: 'answer'; answer: Answer } | { kind: 'threw'; error: unknown } | { kind: 'late' };

export class VerdictDecider<Question, Answer> implements Decider<Question, Answer> {
  readonly verdict: string;
  readonly ready: Promise<void>;
  readonly closed: Promise<void>;
  private readonly counts = { received: 0, answered: 0, late: 0, failed: 0, refusedByDriver: 0, defaulted: 0, deciding: 0 };
  /** The parked ask requests, by the controller that cancels each. */
  private readonly parked = new Set<AbortController>();
  private readonly slots: Promise<void>[] = [];
  /** Replies sent and not yet completed: stopping waits for them, so their outcomes are counted. */
  private readonly replies = new Set<Promise<void>>();
  private handle: Promise<DeviceHandleV1 | undefined> = Promise.resolve(undefined);
  private sent = false;
  private stopping = false;
  private stopped: Promise<void> | undefined;
  private failure: { error: unknown } | undefined;
  private settleReady!: (error?: unknown) => void;
  private settleClosed!: (failure: { error: unknown } | undefined) => void;
  private readonly onAbort = () => void this.stop();

  constructor(
    private readonly descriptor: VerdictDescriptorV1<Question, Answer>,
    private readonly handler: VerdictHandler<Question, Answer>,
    private readonly options: ResolvedDecideOptions<Question, Answer>,
    private readonly onStopped: (decider: VerdictDecider<Question, Answer>) => void,
  ) {
    this.verdict = descriptor.name;
    this.ready = new Promise<void>((resolve, reject) => {
      this.settleReady = (error) => (error === undefined ? resolve() : reject(error));
    });
    // Awaiting `ready` is optional: `closed` carries the same error for whoever watches the decider.
    this.ready.catch(() => {});
    this.closed = new Promise<void>((resolve, reject) => {
      this.settleClosed = (failure) => (failure === undefined ? resolve() : reject(failure.error));
    });
  }

  /** Starts the slots once the decider's own handle is open. */
  start(open: () => Promise<DeviceHandleV1>): void {
    if (this.options.signal?.aborted) {
      void this.stop();
      return;
    }
    this.options.signal?.addEventListener('abort', this.onAbort, { once: true });
    // A backend that throws instead of rejecting fails the decider all the same.
    this.handle = new Promise<DeviceHandleV1>((resolve) => resolve(open())).then(
      (handle) => {
        if (!this.stopping) for (let slot = 0; slot < this.options.concurrency; slot++) this.slots.push(this.runSlot(handle));
        return handle;
      },
      (error: unknown) => {
        this.fail(error);
        return undefined;
      },
    );
  }

  get stats(): Readonly<DeciderStats> {
    return { ...this.counts, parked: this.parked.size };
  }

  close(): Promise<void> {
    return this.stop();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  private get where(): string {
    return `decide ${this.descriptor.name}`;
  }

  /** One slot: park an ask request, decide the question it brings, and again, until stopping. */
  private async runSlot(handle: DeviceHandleV1): Promise<void> {
    while (!this.stopping) {
      const controller = new AbortController();
      this.parked.add(controller);
      let output: Uint8Array;
      try {
        const asked = handle.ioctl(this.descriptor.askCode, null, this.descriptor.minimumOutputBytes, { signal: controller.signal });
        if (!this.sent) {
          // The backend hands a request to the driver before ioctl returns: this handle decides now.
          this.sent = true;
          this.settleReady();
        }
        ({ output } = await asked);
      } catch (error) {
        // Our own cancel, when stopping, is how a slot ends; anything else stops the decider.
        if (!(this.stopping && isCanceled(error))) this.fail(error);
        return;
      } finally {
        this.parked.delete(controller);
      }
      // A question delivered while stopping is still ours to decide: a cancel loses no question.
      await this.decide(handle, output);
    }
  }

  private async decide(handle: DeviceHandleV1, output: Uint8Array): Promise<void> {
    let id: bigint;
    let remainingMs: number;
    let question: Question;
    try {
      ({ id, remainingMs, question } = this.readQuestion(output));
    } catch (error) {
      this.fail(error);
      return;
    }
    const deliveredAt = performance.now();
    const deadline = Date.now() + remainingMs;
    const deadlineController = new AbortController();
    const context: DecisionContext = { id, deadline, remainingMs, signal: deadlineController.signal };
    this.counts.received++;
    this.counts.deciding++;
    const end = await this.runHandler(question, context, remainingMs);
    this.counts.deciding--;
    const elapsedMs = () => performance.now() - deliveredAt;
    // The timer can fire late when the handler held the event loop: the clock decides too.
    if (end.kind === 'late' || Date.now() > deadline) {
      deadlineController.abort(new DOMException(`${this.where}: question ${id} passed its deadline`, 'TimeoutError'));
      this.counts.late++;
      this.counts.defaulted++;
      this.report({ type: 'late', id, question, elapsedMs: elapsedMs() });
      return;
    }
    if (end.kind === 'threw') {
      this.failed(id, question, end.error, elapsedMs());
      return;
    }
    let reply: Uint8Array;
    try {
      reply = encodeVerdictReply(id, this.descriptor.answer.encode(end.answer));
    } catch (error) {
      this.failed(id, question, error, elapsedMs());
      return;
    }
    const answer = end.answer;
    const sent = handle.ioctl(this.descriptor.replyCode, reply, 0).then(
      () => {
        this.counts.answered++;
        this.report({ type: 'answered', id, question, answer, elapsedMs: elapsedMs() });
      },
      (error: unknown) => {
        const reason = refusalOf(error);
        this.counts.refusedByDriver++;
        if (reason === 'late') this.counts.defaulted++;
        this.report({ type: 'refused', id, question, answer, reason, error, elapsedMs: elapsedMs() });
      },
    );
    this.replies.add(sent);
    void sent.then(() => this.replies.delete(sent));
  }

  /** The completed ask request's question, checked against the descriptor (the codec refuses id 0 and a Size that disagrees with the length). */
  private readQuestion(output: Uint8Array): { id: bigint; remainingMs: number; question: Question } {
    try {
      const { id, remainingMs, question } = decodeVerdictQuestion(output);
      if (question.byteLength !== this.descriptor.question.size) {
        throw new ProtocolError(`${this.where}: the driver delivered a ${question.byteLength}-byte question, the ${this.descriptor.question.name} struct is ${this.descriptor.question.size}`);
      }
      if (remainingMs > this.descriptor.deadlineMs) {
        throw new ProtocolError(`${this.where}: the driver reports ${remainingMs} ms left for question ${id}, more than the verdict's deadline of ${this.descriptor.deadlineMs} ms`);
      }
      return { id, remainingMs, question: this.descriptor.question.decode(question) };
    } catch (error) {
      if (error instanceof ProtocolError) throw error;
      throw new ProtocolError(`${this.where}: the driver's question does not decode: ${(error as Error).message}`, { cause: error });
    }
  }

  /** Runs the handler until it answers, throws, or the deadline passes, whichever comes first. */
  private runHandler(question: Question, context: DecisionContext, remainingMs: number): Promise<HandlerEnd<Answer>> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve({ kind: 'late' }), remainingMs);
      const done = (end: HandlerEnd<Answer>) => {
        clearTimeout(timer);
        resolve(end);
      };
      let answered: Answer | Promise<Answer>;
      try {
        answered = this.handler(question, context);
      } catch (error) {
        done({ kind: 'threw', error });
        return;
      }
      // A handler that settles after the deadline is ignored, its rejection included.
      Promise.resolve(answered).then(
        (answer) => done({ kind: 'answer', answer }),
        (error: unknown) => done({ kind: 'threw', error }),
      );
    });
  }

  private failed(id: bigint, question: Question, error: unknown, elapsedMs: number): void {
    this.counts.failed++;
    this.counts.defaulted++;
    this.report({ type: 'failed', id, question, error, elapsedMs });
  }

  private report(event: DecisionEvent<Question, Answer>): void {
    try {
      this.options.onEvent?.(event);
    } catch (error) {
      this.fail(error);
    }
  }

  /** Stops the decider with an error; `closed` rejects with the first one. */
  private fail(error: unknown): void {
    if (this.failure) return;
    this.failure = { error };
    void this.stop();
  }

  /**
   * Cancels every parked ask request and waits until each has completed, lets the questions
   * already delivered be decided and their replies complete, then closes the handle.
   */
  private stop(): Promise<void> {
    if (!this.stopped) {
      this.stopping = true;
      this.options.signal?.removeEventListener('abort', this.onAbort);
      for (const controller of this.parked) controller.abort();
      if (!this.sent) this.settleReady(this.failure?.error ?? new DeviceError('ERROR_OPERATION_ABORTED', { operation: this.where, detail: 'the decider was closed before its first ask request was sent' }));
      this.stopped = (async () => {
        const handle = await this.handle;
        // Slots started after this point see `stopping` and end at once.
        await Promise.all(this.slots);
        await Promise.all(this.replies);
        await handle?.close();
        this.onStopped(this);
        this.settleClosed(this.failure);
      })();
    }
    return this.stopped;
  }
}

/**
 * Rule V5's refusals, told apart by the Win32 error the reply failed with: STATUS_IO_TIMEOUT,
 * STATUS_NOT_FOUND and STATUS_INVALID_DEVICE_STATE reach user mode as these.
 */
function refusalOf(error: unknown): ReplyRefusal {
  if (!(error instanceof DeviceError)) return 'other';
  if (error.errno === WIN32_ERRORS.ERROR_SEM_TIMEOUT.number) return 'late';
  if (error.errno === WIN32_ERRORS.ERROR_NOT_FOUND.number) return 'unknown-id';
  if (error.errno === WIN32_ERRORS.ERROR_BAD_COMMAND.number) return 'already-answered';
  return 'other';
}
