/**
 * The process creations the verdict test describes to the driver, and what the decider in the
 * Windows-side script answers for each image name. One list for both sides: verdict-client.ts fires
 * them, verdict-wine.test.ts checks what the driver reported.
 */
import type { NotifyTestCreated } from '@inverted-call/driver-template/notify-test';

/** STATUS_ACCESS_DENIED, the CreationStatus Notify.c sets for a denied creation. */
export const STATUS_ACCESS_DENIED = 0xc0000022;

/** How the script's decider treats an image name: by the word in it. */
export const DECIDER_RULES = {
  /** Denied: the answer's allow is 0. */
  deny: 'blocked',
  /** Answered after the deadline: too late, the driver applies the default (allow). */
  late: 'slow',
} as const;

/** How long the late handler takes: well past the verdict's 250 ms deadline. */
export const LATE_HANDLER_MS = 900;

export interface VerdictCase {
  name: string;
  /** Whether the script's decider is running when the case is fired. */
  withDecider: boolean;
  input: NotifyTestCreated;
  /** The CreationStatus the callback must leave. */
  creationStatus: number;
  /** How the same question settles when asked through the ask IOCTL (V1-V8). */
  outcome: 'answered' | 'timedOut' | 'defaulted';
  /** The answer's allow then. */
  allow: boolean;
}

export const creation = (processId: bigint, imageFileName: string, creatingProcessId = 812n): NotifyTestCreated => ({
  kind: 'created',
  processId,
  parentProcessId: 4n,
  creatingProcessId,
  creatingThreadId: 816n,
  imageFileName,
  fileOpenNameAvailable: true,
});

/** The cases; `creatingProcessId: 'self'` is replaced by the script's own process id (V7). */
export const VERDICT_CASES: readonly VerdictCase[] = [
  { name: 'no decider: allowed at once (fail-open default)', withDecider: false, input: creation(7100n, '\\??\\C:\\Tools\\blocked.exe'), creationStatus: 0, outcome: 'defaulted', allow: true },
  { name: 'decider allows', withDecider: true, input: creation(7200n, '\\??\\C:\\Windows\\notepad.exe'), creationStatus: 0, outcome: 'answered', allow: true },
  { name: 'decider denies', withDecider: true, input: creation(7300n, '\\??\\C:\\Tools\\blocked.exe'), creationStatus: STATUS_ACCESS_DENIED, outcome: 'answered', allow: false },
  { name: 'decider too slow: the deadline allows (fail-open default)', withDecider: true, input: creation(7400n, '\\??\\C:\\Tools\\slow-blocked.exe'), creationStatus: 0, outcome: 'timedOut', allow: true },
];

/** The self-exemption case (V7): the decider's own process creates a process it would deny. */
export const SELF_CASE_IMAGE = '\\??\\C:\\Tools\\blocked-by-self.exe';
