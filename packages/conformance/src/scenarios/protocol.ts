/** R7: the built-in protocol-information call, and the client refusing a driver built from another schema. */
import { openDevice } from '@inverted-call/client';
import { ChannelInfoCodec, PROTOCOL_INFO_BYTES, PROTOCOL_VERSION, ProtocolInfoCodec, VerdictInfoCodec, channelInfoOffset, freshVerdictInfo, protocolInfoByteLength, schemaHashHex, verdictInfoOffset } from '@inverted-call/codec';
import { check, equal, rejects } from '../assert.js';
import type { ScenarioContext } from '../context.js';
import { conformanceDevice } from '@inverted-call/conformance-device';
import { scenario } from '../scenario.js';
import { expectDeviceError } from './support.js';

const INFO_BYTES = protocolInfoByteLength(Object.keys(conformanceDevice.channels).length, Object.keys(conformanceDevice.verdicts).length);

/** What a client built from `descriptor` gets when it opens the conformance device. */
async function openRejection(context: ScenarioContext, descriptor: object, process: string) {
  const error = await rejects(openDevice(descriptor as typeof conformanceDevice, { backend: context.process(process) }), 'openDevice');
  const { name, code, message, differences } = error as { name?: string; code?: string; message?: string; differences?: string[] };
  equal({ name, code }, { name: 'ProtocolMismatchError', code: 'PROTOCOL_MISMATCH' }, 'the error');
  return { message: message ?? '', differences: differences ?? [] };
}

export const protocolScenarios = [
  scenario('R7', 'protocol information is exact: version 2, the schema hash, per channel its capacity, policy, batch bytes and largest record, per verdict its table entry and counters', async (context) => {
    const handle = await context.raw();
    const result = await handle.ioctl(conformanceDevice.protocolInfoCode, null, 200);
    equal(result.bytesReturned, INFO_BYTES, 'bytes returned into a 200-byte buffer');
    const { version, channelCount, schemaHash, verdictCount } = ProtocolInfoCodec.decode(result.output);
    equal({ version, channelCount, verdictCount }, { version: PROTOCOL_VERSION, channelCount: 3, verdictCount: 1 }, 'PROTOCOL_INFO');
    equal(schemaHashHex(schemaHash), conformanceDevice.schemaHash, 'schema hash');
    const reported = [0, 1, 2].map((index) => ChannelInfoCodec.decode(result.output, channelInfoOffset(index)));
    equal(reported, [
      { capacity: 8, overflow: 'drop-newest', batchBytes: 512, maxRecordBytes: 264 },
      { capacity: 4, overflow: 'drop-oldest', batchBytes: 256, maxRecordBytes: 32 },
      { capacity: 16, overflow: 'drop-newest', batchBytes: 128, maxRecordBytes: 32 },
    ], 'CHANNEL_INFO of Events, Latest, Audit');
    const fromDescriptor = Object.values(conformanceDevice.channels).map(({ capacity, overflow, batchBytes, maxRecordBytes }) => ({ capacity, overflow, batchBytes, maxRecordBytes }));
    equal(reported, fromDescriptor, 'CHANNEL_INFO against the descriptor');
    // Nothing was asked yet: the Gate entry is the schema's, every counter 0.
    equal(VerdictInfoCodec.decode(result.output, verdictInfoOffset(3, 0)), freshVerdictInfo(conformanceDevice.verdicts.Gate), 'VERDICT_INFO of Gate');
    equal(VerdictInfoCodec.decode(result.output, verdictInfoOffset(3, 0)), { deadlineMs: 500, maxPending: 3, questionBytes: 16, answerBytes: 8, asked: 0n, answered: 0n, timedOut: 0n, defaulted: 0n, refused: 0n }, 'VERDICT_INFO of Gate, as the schema states it');
  }),

  scenario('R7', 'protocol information into a buffer too small fails with ERROR_INSUFFICIENT_BUFFER', async (context) => {
    const handle = await context.raw();
    for (const outputLength of [0, PROTOCOL_INFO_BYTES, INFO_BYTES - 1]) {
      await expectDeviceError(handle.ioctl(conformanceDevice.protocolInfoCode, null, outputLength), 'ERROR_INSUFFICIENT_BUFFER', `protocol information into ${outputLength} bytes`);
    }
  }),

  scenario('R7', 'protocol information with an input buffer fails with ERROR_INVALID_PARAMETER', async (context) => {
    const handle = await context.raw();
    await expectDeviceError(handle.ioctl(conformanceDevice.protocolInfoCode, new Uint8Array(4), INFO_BYTES), 'ERROR_INVALID_PARAMETER', 'protocol information with 4 bytes in');
  }),

  scenario('R7', 'protocol information answers handles of any access', async (context) => {
    for (const access of ['read', 'write'] as const) {
      const handle = await context.raw('client', access);
      equal((await handle.ioctl(conformanceDevice.protocolInfoCode, null, INFO_BYTES)).bytesReturned, INFO_BYTES, `bytes returned to a ${access} handle`);
    }
  }),

  scenario('R7', 'an opened client reports the protocol information the driver gave', async (context) => {
    const device = await context.client();
    equal(device.protocol, {
      version: PROTOCOL_VERSION,
      schemaHash: conformanceDevice.schemaHash,
      channels: [
        { name: 'Events', capacity: 8, overflow: 'drop-newest', batchBytes: 512, maxRecordBytes: 264 },
        { name: 'Latest', capacity: 4, overflow: 'drop-oldest', batchBytes: 256, maxRecordBytes: 32 },
        { name: 'Audit', capacity: 16, overflow: 'drop-newest', batchBytes: 128, maxRecordBytes: 32 },
      ],
      verdicts: [{ name: 'Gate', deadlineMs: 500, maxPending: 3, questionBytes: 16, answerBytes: 8, asked: 0n, answered: 0n, timedOut: 0n, defaulted: 0n, refused: 0n }],
    }, 'device.protocol');
  }),

  scenario('R7', 'a client built from another schema is refused with a ProtocolMismatchError naming both hashes, and leaves no handle open', async (context) => {
    const baseline = (await context.state()).openHandles;
    const otherHash = 'ab'.repeat(32);
    const { message, differences } = await openRejection(context, { ...conformanceDevice, schemaHash: otherHash }, 'stranger');
    equal(differences.length, 1, `differences (${differences.join('; ')})`);
    check(differences[0]!.startsWith('schema hash'), `the difference names the schema hash: ${differences[0]}`);
    check(message.includes(conformanceDevice.schemaHash.slice(0, 16)), `the message names the driver's hash: ${message}`);
    check(message.includes(otherHash.slice(0, 16)), `the message names the client's hash: ${message}`);
    await context.settle();
    equal((await context.state()).openHandles, baseline, 'open handles after the refusal');
  }),

  scenario('R7', 'a client that knows fewer channels than the driver is refused with a ProtocolMismatchError, not a buffer error', async (context) => {
    const { Events, Latest } = conformanceDevice.channels;
    const { differences } = await openRejection(context, { ...conformanceDevice, channels: { Events, Latest } }, 'older');
    check(differences.length === 1 && differences[0]!.includes('more channels'), `the difference names the channel count: ${differences.join('; ')}`);
  }),
];
