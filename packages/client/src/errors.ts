/**
 * Errors the client raises on top of the backend's DeviceError: the driver's bytes broke the
 * protocol, the driver was built from another schema, or a subscription passed a device limit.
 */
import type { DeviceError } from '@inverted-call/backend';
import type { DeviceLimitsV1 } from '@inverted-call/codec';

/** The driver returned bytes that do not follow protocol v1 (or the schema's layouts). */
export class ProtocolError extends Error {
  override readonly name = 'ProtocolError';
  readonly code = 'PROTOCOL_ERROR';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** The device answered the protocol-information call with another version or schema. */
export class ProtocolMismatchError extends Error {
  override readonly name = 'ProtocolMismatchError';
  readonly code = 'PROTOCOL_MISMATCH';
  /** One line per difference, e.g. `schema hash: driver 1a2b..., client 3c4d...`. */
  readonly differences: readonly string[];

  constructor(deviceName: string, differences: readonly string[]) {
    super(
      `${deviceName}: the driver and this client were not built from the same schema:\n` +
        differences.map((difference) => `  - ${difference}`).join('\n') +
        '\nRegenerate the driver header and the TypeScript module from one schema (inverted-call-codegen), rebuild, and reinstall the driver.',
    );
    this.differences = differences;
  }
}

/**
 * A call's `timeoutMs` passed before the driver completed it. Exactly that request was cancelled
 * (CancelIoEx); `cause` is the cancelled request's DeviceError.
 */
export class CallTimeoutError extends Error {
  override readonly name = 'CallTimeoutError';
  readonly code = 'CALL_TIMEOUT';

  constructor(
    readonly operation: string,
    readonly timeoutMs: number,
    cause: unknown,
  ) {
    super(`${operation}: the driver did not complete the request within ${timeoutMs} ms; it was cancelled`, { cause });
  }
}

/**
 * The driver refused a subscribe request because it would pass one of the device's limits
 * (device.limits in the schema): its open subscriptions, the parked requests of one handle, or the
 * ring memory of all subscriptions. The driver completed it with STATUS_QUOTA_EXCEEDED, which user
 * mode sees as ERROR_NOT_ENOUGH_QUOTA; `cause` is that DeviceError. Nothing was created.
 */
export class DeviceLimitError extends Error {
  override readonly name = 'DeviceLimitError';
  readonly code = 'DEVICE_LIMIT';

  constructor(
    readonly operation: string,
    readonly limits: DeviceLimitsV1,
    cause: DeviceError,
  ) {
    super(
      `${operation}: the driver refused the subscription: it would pass a limit of the device ` +
        `(${limits.maxSubscriptions} open subscriptions, ${limits.maxParkedPerHandle} parked requests per handle, ${limits.maxRingBytes} bytes of rings). ` +
        'Close subscriptions or handles you no longer read, lower the subscription\'s depth, or raise device.limits in the schema and rebuild the driver.',
      { cause },
    );
  }
}
