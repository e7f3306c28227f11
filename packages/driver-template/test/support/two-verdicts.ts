/**
 * A device with two verdicts whose questions and answers differ in size, built by hand (the
 * codec's VerdictDescriptorV1), for the ask IOCTL's native test: test-ask.test.ts gives the native
 * program these sizes, so the C device table and the TypeScript descriptor have one owner, here.
 *   Open:    question 24 bytes (processId u64, access u32, nameLength u32, nameHash u64), answer 4 (allow u32)
 *   Connect: question 8 bytes (remote u64), answer 16 (allow u32, ruleIndex i32, quietUntil u64)
 */
import {
  FILE_WRITE_ACCESS,
  METHOD_BUFFERED,
  checkFields,
  checkObject,
  ctlCode,
  defineDevice,
  defineStruct,
  writeI32,
  writeU32,
  writeU64,
  type StructCodec,
  type VerdictDescriptorV1,
} from '@inverted-call/codec';

export interface OpenQuestion {
  processId: bigint;
  access: number;
  nameLength: number;
  nameHash: bigint;
}

export interface OpenAnswer {
  allow: number;
}

export interface ConnectQuestion {
  remote: bigint;
}

export interface ConnectAnswer {
  allow: number;
  ruleIndex: number;
  quietUntil: bigint;
}

const OpenQuestionCodec: StructCodec<OpenQuestion> = defineStruct<OpenQuestion>({
  name: 'OpenQuestion',
  size: 24,
  alignment: 8,
  fields: new Set(['processId', 'access', 'nameLength', 'nameHash']),
  encodeInto(view, offset, value, path = 'OpenQuestion') {
    checkObject(value, path, '');
    checkFields(value, path, OpenQuestionCodec);
    writeU64(view, offset, value.processId, path, 'processId');
    writeU32(view, offset + 8, value.access, path, 'access');
    writeU32(view, offset + 12, value.nameLength, path, 'nameLength');
    writeU64(view, offset + 16, value.nameHash, path, 'nameHash');
  },
  decodeFrom(view, offset) {
    return { processId: view.getBigUint64(offset, true), access: view.getUint32(offset + 8, true), nameLength: view.getUint32(offset + 12, true), nameHash: view.getBigUint64(offset + 16, true) };
  },
});

const OpenAnswerCodec: StructCodec<OpenAnswer> = defineStruct<OpenAnswer>({
  name: 'OpenAnswer',
  size: 4,
  alignment: 4,
  fields: new Set(['allow']),
  encodeInto(view, offset, value, path = 'OpenAnswer') {
    checkObject(value, path, '');
    checkFields(value, path, OpenAnswerCodec);
    writeU32(view, offset, value.allow, path, 'allow');
  },
  decodeFrom(view, offset) {
    return { allow: view.getUint32(offset, true) };
  },
});

const ConnectQuestionCodec: StructCodec<ConnectQuestion> = defineStruct<ConnectQuestion>({
  name: 'ConnectQuestion',
  size: 8,
  alignment: 8,
  fields: new Set(['remote']),
  encodeInto(view, offset, value, path = 'ConnectQuestion') {
    checkObject(value, path, '');
    checkFields(value, path, ConnectQuestionCodec);
    writeU64(view, offset, value.remote, path, 'remote');
  },
  decodeFrom(view, offset) {
    return { remote: view.getBigUint64(offset, true) };
  },
});

const ConnectAnswerCodec: StructCodec<ConnectAnswer> = defineStruct<ConnectAnswer>({
  name: 'ConnectAnswer',
  size: 16,
  alignment: 8,
  fields: new Set(['allow', 'ruleIndex', 'quietUntil']),
  encodeInto(view, offset, value, path = 'ConnectAnswer') {
    checkObject(value, path, '');
    checkFields(value, path, ConnectAnswerCodec);
    writeU32(view, offset, value.allow, path, 'allow');
    writeI32(view, offset + 4, value.ruleIndex, path, 'ruleIndex');
    writeU64(view, offset + 8, value.quietUntil, path, 'quietUntil');
  },
  decodeFrom(view, offset) {
    return { allow: view.getUint32(offset, true), ruleIndex: view.getInt32(offset + 4, true), quietUntil: view.getBigUint64(offset + 8, true) };
  },
});

const DEVICE_TYPE = 0x8a00;

function verdict<Question, Answer>(name: string, askFunction: number, question: StructCodec<Question>, answer: StructCodec<Answer>, defaultAnswer: Answer): VerdictDescriptorV1<Question, Answer> {
  return {
    name,
    askCode: ctlCode(DEVICE_TYPE, askFunction, METHOD_BUFFERED, FILE_WRITE_ACCESS),
    replyCode: ctlCode(DEVICE_TYPE, askFunction + 1, METHOD_BUFFERED, FILE_WRITE_ACCESS),
    requiredAccess: FILE_WRITE_ACCESS,
    question,
    answer,
    deadlineMs: 100,
    maxPending: 8,
    defaultAnswer,
    minimumOutputBytes: 16 + question.size,
  };
}

export const twoVerdictDevice = defineDevice({
  specificationVersion: 'v1',
  protocolVersion: 2,
  name: 'TwoVerdicts',
  devicePath: '\\\\.\\TwoVerdicts',
  deviceType: DEVICE_TYPE,
  schemaHash: '00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff',
  protocolInfoCode: ctlCode(DEVICE_TYPE, 0xfff, METHOD_BUFFERED, 0),
  limits: { maxSubscriptions: 4, maxParkedPerHandle: 4, maxRingBytes: 1 << 16 },
  calls: {},
  channels: {},
  verdicts: {
    Open: verdict('Open', 0x840, OpenQuestionCodec, OpenAnswerCodec, { allow: 1 }),
    Connect: verdict('Connect', 0x842, ConnectQuestionCodec, ConnectAnswerCodec, { allow: 1, ruleIndex: -1, quietUntil: 0n }),
  },
});

/** The native ask_test's device table: each verdict's "<questionBytes>:<answerBytes>", in schema order. */
export function verdictSizeArguments(): string[] {
  return Object.values(twoVerdictDevice.verdicts).map((entry) => `${entry.question.size}:${entry.answer.size}`);
}
