/**
 * R7 and R6 for any device: the protocol information against the descriptor, and every call's and
 * channel's request checks. No scenario here makes a request the driver would carry out: each one
 * is refused by the I/O manager or by the generated dispatch before the device's own code runs,
 * so the user's driver does nothing it was not asked to in production.
 */
import type { CallDescriptorV1, DeviceDescriptorV1 } from '@inverted-call/codec';
import { ChannelInfoCodec, FILE_READ_ACCESS, FILE_WRITE_ACCESS, PROTOCOL_VERSION, ProtocolInfoCodec, VerdictInfoCodec, channelInfoOffset, protocolInfoByteLength, schemaHashHex, verdictInfoOffset } from '@inverted-call/codec';
import { equal } from '../assert.js';
import { expectDeviceError, subscribeChannel, subscriptionsOf } from '../scenarios/support.js';
import { deviceScenario, type DeviceScenario } from './scenario.js';

/**
 * An input the call's length check refuses: one byte short of its struct, or one byte for a call
 * that takes none. Sent where a check before the length check is under test (access), so that a
 * driver that lacks the earlier check still does not run the call.
 */
function refusedInput(call: CallDescriptorV1): Uint8Array | null {
  if (!call.input) return new Uint8Array(1);
  return call.input.size > 1 ? new Uint8Array(call.input.size - 1) : null;
}

export function protocolScenarios(descriptor: DeviceDescriptorV1): DeviceScenario[] {
  const channels = Object.values(descriptor.channels);
  const verdicts = Object.values(descriptor.verdicts);
  const infoBytes = protocolInfoByteLength(channels.length, verdicts.length);
  return [
    deviceScenario('R7', 'protocol information matches the descriptor: version 2, schema hash, channel and verdict counts, per channel its capacity, policy, batch bytes and largest record, and per verdict its deadline, pending limit and struct sizes', async (context) => {
      const handle = await context.raw();
      const result = await handle.ioctl(descriptor.protocolInfoCode, null, infoBytes);
      equal(result.bytesReturned, infoBytes, 'bytes returned');
      const { version, channelCount, schemaHash, verdictCount } = ProtocolInfoCodec.decode(result.output);
      equal({ version, channelCount, verdictCount }, { version: PROTOCOL_VERSION, channelCount: channels.length, verdictCount: verdicts.length }, 'PROTOCOL_INFO version, channel count and verdict count');
      equal(schemaHashHex(schemaHash), descriptor.schemaHash, 'schema hash (the driver was built from another schema: regenerate and rebuild it)');
      const reported = channels.map((_, index) => ChannelInfoCodec.decode(result.output, channelInfoOffset(index)));
      equal(reported, channels.map(({ capacity, overflow, batchBytes, maxRecordBytes }) => ({ capacity, overflow, batchBytes, maxRecordBytes })), `CHANNEL_INFO of ${channels.map((channel) => channel.name).join(', ')}`);
      const reportedVerdicts = verdicts.map((_, index) => {
        const { deadlineMs, maxPending, questionBytes, answerBytes } = VerdictInfoCodec.decode(result.output, verdictInfoOffset(channels.length, index));
        return { deadlineMs, maxPending, questionBytes, answerBytes };
      });
      equal(reportedVerdicts, verdicts.map((verdict) => ({ deadlineMs: verdict.deadlineMs, maxPending: verdict.maxPending, questionBytes: verdict.question.size, answerBytes: verdict.answer.size })), `VERDICT_INFO of ${verdicts.map((verdict) => verdict.name).join(', ') || 'no verdict'}`);
      // The client's own check agrees: it opens the device without a ProtocolMismatchError.
      const device = await context.client();
      equal(device.protocol.schemaHash, descriptor.schemaHash, 'schema hash the client saw');
    }),

    deviceScenario('R7', 'protocol information into a buffer one byte short fails with ERROR_INSUFFICIENT_BUFFER', async (context) => {
      const handle = await context.raw();
      await expectDeviceError(handle.ioctl(descriptor.protocolInfoCode, null, infoBytes - 1), 'ERROR_INSUFFICIENT_BUFFER', `protocol information into ${infoBytes - 1} bytes`);
    }),
  ];
}

export function callScenarios(descriptor: DeviceDescriptorV1): DeviceScenario[] {
  return Object.values(descriptor.calls).map((call) =>
    deviceScenario('R6', `${call.name}: ${call.input ? 'input of the wrong size' : 'any input'} fails with ERROR_INVALID_PARAMETER${call.output && call.output.size > 0 ? ', an output buffer too small with ERROR_INSUFFICIENT_BUFFER' : ''}`, async (context) => {
      const handle = await context.raw();
      const outputLength = call.output?.size ?? 0;
      const wrongInputs: [string, Uint8Array | null][] = call.input
        ? [
            [`${call.input.size - 1} bytes in`, call.input.size > 1 ? new Uint8Array(call.input.size - 1) : null],
            [`${call.input.size + 1} bytes in`, new Uint8Array(call.input.size + 1)],
            ['no input', null],
          ]
        : [['4 bytes in (it takes none)', new Uint8Array(4)]];
      for (const [what, input] of wrongInputs) {
        const error = await expectDeviceError(handle.ioctl(call.code, input, outputLength), 'ERROR_INVALID_PARAMETER', `${call.name}, ${what}`);
        equal(error.errno, 87, `${call.name}, ${what}: Win32 error number`);
      }
      if (call.output && call.output.size > 0) {
        // The input is right, so only the output's size can be refused.
        const input = call.input ? new Uint8Array(call.input.size) : null;
        const error = await expectDeviceError(handle.ioctl(call.code, input, call.output.size - 1), 'ERROR_INSUFFICIENT_BUFFER', `${call.name} into ${call.output.size - 1} bytes`);
        equal(error.errno, 122, `${call.name} into ${call.output.size - 1} bytes: Win32 error number`);
      }
    }),
  );
}

export function accessScenarios(descriptor: DeviceDescriptorV1): DeviceScenario[] {
  const calls = Object.values(descriptor.calls);
  const channels = Object.values(descriptor.channels);
  const restricted = [...calls, ...channels].filter((entry) => entry.requiredAccess !== 0);
  if (restricted.length === 0) return [];
  return [
    deviceScenario('R6', `handles without the access a code needs are denied with ERROR_ACCESS_DENIED (${restricted.map((entry) => entry.name).join(', ')})`, async (context) => {
      for (const [access, missing] of [['read', FILE_WRITE_ACCESS], ['write', FILE_READ_ACCESS]] as const) {
        const handle = await context.raw('client', access);
        for (const call of calls.filter((entry) => entry.requiredAccess & missing)) {
          await expectDeviceError(handle.ioctl(call.code, refusedInput(call), call.output?.size ?? 0), 'ERROR_ACCESS_DENIED', `${call.name} on a ${access}-only handle`);
        }
        for (const channel of channels.filter((entry) => entry.requiredAccess & missing)) {
          // One byte short of R1's minimum: a driver that let it through would refuse it, not park it.
          await expectDeviceError(subscribeChannel(handle, channel, { outputLength: channel.minimumOutputBytes - 1 }), 'ERROR_ACCESS_DENIED', `subscribing to ${channel.name} on a ${access}-only handle`);
        }
      }
      await context.settle();
      equal(subscriptionsOf(await context.state(), 'client'), [], 'subscriptions of the refused handles');
    }),
  ];
}
