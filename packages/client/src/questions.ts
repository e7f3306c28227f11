/**
 * `device.questions.<Verdict>()`: the same decider as `decide`, read as an async iterator of
 * questions, each answered with `reply(answer)`. Its handler hands each question to the iterator
 * and waits for the reply, so everything `decide` promises holds here too: at most `concurrency`
 * questions outstanding (taken or waiting to be taken), nothing sent past the deadline, every
 * question ending as answered, late, failed or refused.
 */
import type { DecideOptions, Decider, DecisionContext, DecisionEvent, PendingQuestion, QuestionStream, VerdictHandler } from './decide-types.js';

interface Waiter<Question, Answer> {
  resolve(result: IteratorResult<PendingQuestion<Question, Answer>>): void;
  reject(error: unknown): void;
}

/**
 * Builds the iterator around a decider that `start` creates with the handler and options given;
 * the decider does the I/O, this only queues questions between it and the consumer.
 */
export function questionStream<Question, Answer>(
  start: (handler: VerdictHandler<Question, Answer>, options: DecideOptions<Question, Answer>) => Decider<Question, Answer>,
  options: DecideOptions<Question, Answer>,
): QuestionStream<Question, Answer> {
  const buffered: PendingQuestion<Question, Answer>[] = [];
  const waiters: Waiter<Question, Answer>[] = [];
  /** What became of each question not yet ended, by id: `reply()` returns it. */
  const outcomes = new Map<bigint, (event: DecisionEvent<Question, Answer>) => void>();
  let ended: { error?: unknown } | undefined;

  const wake = () => {
    while (waiters.length > 0) {
      const waiter = waiters.shift()!;
      const next = buffered.shift();
      if (next) waiter.resolve({ value: next, done: false });
      else if (ended?.error !== undefined) {
        // The error that stopped the decider is thrown once, then the iterator is done.
        const { error } = ended;
        ended = {};
        waiter.reject(error);
      } else if (ended) waiter.resolve({ value: undefined, done: true });
      else {
        waiters.unshift(waiter);
        return;
      }
    }
  };

  const handler: VerdictHandler<Question, Answer> = (question: Question, context: DecisionContext) =>
    new Promise<Answer>((answer) => {
      const outcome = new Promise<DecisionEvent<Question, Answer>>((settle) => outcomes.set(context.id, settle));
      let replied = false;
      buffered.push({
        question,
        id: context.id,
        deadline: context.deadline,
        remainingMs: context.remainingMs,
        signal: context.signal,
        reply(value: Answer) {
          // Only the first reply counts; a later one gets the same outcome and sends nothing.
          if (!replied) {
            replied = true;
            answer(value);
          }
          return outcome;
        },
      });
      wake();
    });

  const decider = start(handler, {
    ...options,
    onEvent(event) {
      outcomes.get(event.id)?.(event);
      outcomes.delete(event.id);
      options.onEvent?.(event);
    },
  });
  decider.closed.then(
    () => {
      ended ??= {};
      wake();
    },
    (error: unknown) => {
      ended ??= { error };
      wake();
    },
  );

  const close = async () => {
    await decider.close();
    return { value: undefined, done: true } as const;
  };
  const stream: QuestionStream<Question, Answer> = {
    verdict: decider.verdict,
    get stats() {
      return decider.stats;
    },
    ready: decider.ready,
    closed: decider.closed,
    close: () => decider.close(),
    next: () =>
      new Promise((resolve, reject) => {
        waiters.push({ resolve, reject });
        wake();
      }),
    return: close,
    [Symbol.asyncIterator]: () => stream,
    [Symbol.asyncDispose]: () => decider.close(),
  };
  return stream;
}
