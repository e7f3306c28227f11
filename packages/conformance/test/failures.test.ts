/**
 * The conformance suite can fail: a scenario run against a target that breaks one rule throws a
 * ConformanceFailure saying what differed, while the same scenario passes against the simulator.
 */
import { DeviceError, type DeviceBackendV1, type DeviceHandleV1 } from '@inverted-call/backend';
import { ConformanceFailure, conformanceDevice, runScenario, scenarios, type ConformanceTarget, type Scenario } from '@inverted-call/conformance';
import { describe, expect, it } from 'vitest';
import { createSimulatorTarget } from './support/simulator-target.js';

function scenarioNamed(name: string): Scenario {
  const found = scenarios.find((entry) => entry.name === name);
  if (!found) throw new Error(`no scenario named "${name}"`);
  return found;
}

/** The simulator, except that every third event it is asked to emit never reaches the driver. */
function skippingEveryThirdEvent(): ConformanceTarget {
  const target = createSimulatorTarget();
  let offered = 0;
  return {
    ...target,
    emit: async (channel, kind, count, firstTag) => {
      for (let index = 0; index < count; index++) {
        if (offered++ % 3 !== 2) await target.emit(channel, kind, 1, firstTag + BigInt(index));
      }
    },
  };
}

/** The simulator behind a backend whose ioctls go through `ioctl`, which gets the real handle's. */
function wrappingIoctls(name: string, ioctl: (real: DeviceHandleV1['ioctl']) => DeviceHandleV1['ioctl']): ConformanceTarget {
  const target = createSimulatorTarget();
  const wrap = (handle: DeviceHandleV1): DeviceHandleV1 => ({
    path: handle.path,
    access: handle.access,
    close: () => handle.close(),
    ioctl: ioctl((code, input, outputLength, options) => handle.ioctl(code, input, outputLength, options)),
  });
  return {
    ...target,
    process: (processName): DeviceBackendV1 => {
      const backend = target.process(processName);
      return { specificationVersion: 'v1', name, open: async (path, options) => wrap(await backend.open(path, options)) };
    },
  };
}

/** The simulator behind a backend that reports ERROR_INVALID_PARAMETER where the driver said ERROR_INSUFFICIENT_BUFFER. */
function swappingErrorCodes(): ConformanceTarget {
  return wrappingIoctls('swapping', (real) => (code, input, outputLength, options) =>
    real(code, input, outputLength, options).catch((error: unknown) => {
      throw error instanceof DeviceError && error.code === 'ERROR_INSUFFICIENT_BUFFER' ? new DeviceError('ERROR_INVALID_PARAMETER') : error;
    }),
  );
}

/** The simulator as a driver that never sets RING_EMPTY: every batch arrives with Flags 0. */
function clearingBatchFlags(): ConformanceTarget {
  const subscribeCodes = new Set<number>(Object.values(conformanceDevice.channels).map((channel) => channel.code));
  return wrappingIoctls('flagless', (real) => async (code, input, outputLength, options) => {
    const result = await real(code, input, outputLength, options);
    // The output is the caller's own copy (DeviceHandleV1), so it may be changed in place.
    if (subscribeCodes.has(code)) new DataView(result.output.buffer, result.output.byteOffset, result.output.byteLength).setUint32(12, 0, true);
    return result;
  });
}

/** The simulator as a driver that ignores who a question is asked for: no self-exemption (V7). */
function withoutSelfExemption(): ConformanceTarget {
  const target = createSimulatorTarget();
  return { ...target, ask: (verdict, question, options = {}) => target.ask(verdict, question, { ...options, askerProcess: undefined }) };
}

/** The simulator as a driver that refuses every bad verdict reply with ERROR_BAD_COMMAND, whatever was wrong with it (V5). */
function oneReplyError(): ConformanceTarget {
  const replyCode = conformanceDevice.verdicts.Gate.replyCode;
  return wrappingIoctls('one-reply-error', (real) => (code, input, outputLength, options) =>
    real(code, input, outputLength, options).catch((error: unknown) => {
      throw code === replyCode && error instanceof DeviceError ? new DeviceError('ERROR_BAD_COMMAND') : error;
    }),
  );
}

/** The simulator as a driver whose protocol information never counts a refused question (V9: the last UINT64 of VERDICT_INFO). */
function notCountingRefused(): ConformanceTarget {
  return wrappingIoctls('uncounted', (real) => async (code, input, outputLength, options) => {
    const result = await real(code, input, outputLength, options);
    if (code === conformanceDevice.protocolInfoCode) new DataView(result.output.buffer, result.output.byteOffset, result.output.byteLength).setBigUint64(result.bytesReturned - 8, 0n, true);
    return result;
  });
}

describe('the conformance suite fails a broken target', () => {
  const dropNewest = scenarioNamed('drop-newest: 20 events into an empty ring of 8 keep the first 8 and drop exactly 12');
  const tooSmall = scenarioNamed('a subscribe buffer one byte short of header plus largest record fails with ERROR_INSUFFICIENT_BUFFER and is never parked');
  const ringEmpty = scenarioNamed('RING_EMPTY is clear on a batch that leaves events in the ring, and set on the batch that drains it and on an event that meets a parked request');

  it('passes the scenarios used below against the simulator itself', async () => {
    await runScenario(dropNewest, async () => createSimulatorTarget());
    await runScenario(tooSmall, async () => createSimulatorTarget());
    await runScenario(ringEmpty, async () => createSimulatorTarget());
  });

  it('fails exact drop counting when the target loses every third event', async () => {
    const failure = await runScenario(dropNewest, async () => skippingEveryThirdEvent()).then(() => undefined, (error: unknown) => error);
    expect(failure).toBeInstanceOf(ConformanceFailure);
    expect((failure as Error).message).toMatch(/^subscription after the burst: expected/);
  });

  it('fails R1 when the backend reports another Win32 error than the driver', async () => {
    const failure = await runScenario(tooSmall, async () => swappingErrorCodes()).then(() => undefined, (error: unknown) => error);
    expect(failure).toBeInstanceOf(ConformanceFailure);
    expect((failure as Error).message).toContain("Win32 error: expected 'ERROR_INSUFFICIENT_BUFFER', got 'ERROR_INVALID_PARAMETER'");
  });

  it('fails RING_EMPTY when no batch carries it', async () => {
    const failure = await runScenario(ringEmpty, async () => clearingBatchFlags()).then(() => undefined, (error: unknown) => error);
    expect(failure).toBeInstanceOf(ConformanceFailure);
    expect((failure as Error).message).toMatch(/^second batch, the ring drained: expected/);
  });

  describe('verdicts', () => {
    const selfExemption = scenarioNamed("a question raised on behalf of a decider's own process defaults at once; another process's question reaches it");
    const unknownId = scenarioNamed('a reply with an id this handle was never given gets ERROR_NOT_FOUND (1168) and settles nothing');
    const limit = scenarioNamed('past maxPending (3) unsettled questions, a question is refused at once with the default; the others still wait');

    it('passes the scenarios used below against the simulator itself', async () => {
      for (const entry of [selfExemption, unknownId, limit]) await runScenario(entry, async () => createSimulatorTarget());
    });

    it('fails V7 when a decider is asked its own process\'s question', async () => {
      const failure = await runScenario(selfExemption, async () => withoutSelfExemption()).then(() => undefined, (error: unknown) => error);
      expect(failure).toBeInstanceOf(ConformanceFailure);
      expect((failure as Error).message).toMatch(/^the question of the decider's own process: outcome: expected 'defaulted', got 'answered'/);
    });

    it('fails V5 when a reply with an unknown id gets another Win32 error than ERROR_NOT_FOUND', async () => {
      const failure = await runScenario(unknownId, async () => oneReplyError()).then(() => undefined, (error: unknown) => error);
      expect(failure).toBeInstanceOf(ConformanceFailure);
      expect((failure as Error).message).toContain("Win32 error: expected 'ERROR_NOT_FOUND', got 'ERROR_BAD_COMMAND'");
    });

    it('fails V9 when the protocol information does not count a refused question', async () => {
      const failure = await runScenario(limit, async () => notCountingRefused()).then(() => undefined, (error: unknown) => error);
      expect(failure).toBeInstanceOf(ConformanceFailure);
      expect((failure as Error).message).toMatch(/^at the limit: VERDICT_INFO counters: expected/);
    });
  });
});
