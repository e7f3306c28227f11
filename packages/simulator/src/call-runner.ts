/**
 * Runs a registered call handler for a request the model dispatched, and turns whatever happens
 * into the NTSTATUS a driver would complete with: the handler is the test's stand-in for the
 * driver's call implementation, so its failures must look like a driver's failures to the client.
 */
import { DeviceError } from '@inverted-call/backend';
import type { CallDescriptorV1 } from '@inverted-call/codec';
import { STATUS_INVALID_PARAMETER, STATUS_NOT_SUPPORTED, STATUS_SUCCESS, STATUS_UNSUCCESSFUL } from './ntstatus.js';

/** What a call handler gets besides its input. */
export interface CallContext {
  /** Aborted when the request is cancelled (CancelIoEx, handle close, process crash). */
  readonly signal: AbortSignal;
  /** The handle the request came on, as in `simulator.state().handles`. */
  readonly handleId: number;
}

/** A handler as stored, without the descriptor's types (the typed form is `CallHandler`). */
export type UntypedCallHandler = (input: any, context: CallContext) => unknown;

/** How the request ends; `detail` and `cause` travel into the DeviceError the client sees. */
export interface CallOutcome {
  readonly status: number;
  readonly output?: Uint8Array;
  readonly detail?: string;
  readonly cause?: unknown;
}

/**
 * Calls `finish` exactly once: synchronously when the handler is missing, throws or returns a
 * plain value (a driver completing in its dispatch routine), later when it returns a promise.
 */
export function runCall(
  call: CallDescriptorV1,
  handler: UntypedCallHandler | undefined,
  input: Uint8Array | null,
  context: CallContext,
  finish: (outcome: CallOutcome) => void,
): void {
  if (!handler) {
    finish({ status: STATUS_NOT_SUPPORTED, detail: `no handler for call ${call.name}; register one with simulator.handle('${call.name}', ...)` });
    return;
  }
  let decoded: unknown;
  try {
    decoded = call.input && input ? call.input.decode(input) : undefined;
  } catch (error) {
    // A driver validates content as well as size: bytes that do not decode are a bad parameter.
    finish({ status: STATUS_INVALID_PARAMETER, detail: 'the input does not decode', cause: error });
    return;
  }
  const succeed = (value: unknown): void => {
    if (!call.output) {
      finish({ status: STATUS_SUCCESS });
      return;
    }
    let output: Uint8Array;
    try {
      output = call.output.encode(value);
    } catch (error) {
      finish({ status: STATUS_UNSUCCESSFUL, detail: `the handler of ${call.name} returned a value that does not encode`, cause: error });
      return;
    }
    finish({ status: STATUS_SUCCESS, output });
  };
  const fail = (error: unknown): void => {
    if (error instanceof DeviceError) {
      finish({ status: error.ntstatus ?? STATUS_UNSUCCESSFUL, cause: error });
    } else {
      finish({ status: STATUS_UNSUCCESSFUL, detail: `the handler of ${call.name} threw`, cause: error });
    }
  };
  let result: unknown;
  try {
    result = handler(decoded, context);
  } catch (error) {
    fail(error);
    return;
  }
  if (isPromiseLike(result)) result.then(succeed, fail);
  else succeed(result);
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return (typeof value === 'object' || typeof value === 'function') && value !== null && typeof (value as { then?: unknown }).then === 'function';
}
