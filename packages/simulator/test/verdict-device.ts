/**
 * A device with two verdicts, built by hand (the codec's VerdictDescriptorV1) so that each test
 * states its numbers. ProcessCreate is the one most tests use
 * (200 ms, at most 4 pending, fail-open); FileOpen has another deadline and a deny default, to
 * show that verdicts keep apart (ids are per device, replies per verdict).
 */
import { FILE_WRITE_ACCESS, METHOD_BUFFERED, checkFields, ctlCode, defineDevice, defineStruct, encodeVerdictReply, VERDICT_REPLY_HEADER_BYTES, type StructCodec, type VerdictDescriptorV1 } from '@inverted-call/codec';
import { DriverModel } from '../src/driver-model.js';

export interface ProcessCreateQuestion {
  processId: number;
  parentProcessId: number;
  imageTag: bigint;
}

export interface Verdict {
  allow: number;
}

export const QuestionCodec: StructCodec<ProcessCreateQuestion> = defineStruct<ProcessCreateQuestion>({
  name: 'ProcessCreateQuestion',
  size: 16,
  alignment: 8,
  fields: new Set(['processId', 'parentProcessId', 'imageTag']),
  encodeInto(view, offset, value, path = 'ProcessCreateQuestion') {
    checkFields(value, path, QuestionCodec);
    view.setUint32(offset, value.processId, true);
    view.setUint32(offset + 4, value.parentProcessId, true);
    view.setBigUint64(offset + 8, value.imageTag, true);
  },
  decodeFrom(view, offset) {
    return { processId: view.getUint32(offset, true), parentProcessId: view.getUint32(offset + 4, true), imageTag: view.getBigUint64(offset + 8, true) };
  },
});

export const AnswerCodec: StructCodec<Verdict> = defineStruct<Verdict>({
  name: 'VerdictAnswer',
  size: 4,
  alignment: 4,
  fields: new Set(['allow']),
  encodeInto(view, offset, value, path = 'VerdictAnswer') {
    // As generated codecs do: a misspelt field is an error, not a silent 0.
    checkFields(value, path, AnswerCodec);
    view.setUint32(offset, value.allow, true);
  },
  decodeFrom(view, offset) {
    return { allow: view.getUint32(offset, true) };
  },
});

export const DEVICE_TYPE = 0x8000;
export const ASK_PROCESS_CREATE = ctlCode(DEVICE_TYPE, 0x820, METHOD_BUFFERED, FILE_WRITE_ACCESS);
export const REPLY_PROCESS_CREATE = ctlCode(DEVICE_TYPE, 0x821, METHOD_BUFFERED, FILE_WRITE_ACCESS);
export const ASK_FILE_OPEN = ctlCode(DEVICE_TYPE, 0x822, METHOD_BUFFERED, FILE_WRITE_ACCESS);
export const REPLY_FILE_OPEN = ctlCode(DEVICE_TYPE, 0x823, METHOD_BUFFERED, FILE_WRITE_ACCESS);
/** Header (16) + question (16). */
export const ASK_BYTES = 32;
export const DEADLINE_MS = 200;
export const MAX_PENDING = 4;
export const FILE_OPEN_DEADLINE_MS = 50;

const processCreate: VerdictDescriptorV1<ProcessCreateQuestion, Verdict> = {
  name: 'ProcessCreate',
  askCode: ASK_PROCESS_CREATE,
  replyCode: REPLY_PROCESS_CREATE,
  requiredAccess: FILE_WRITE_ACCESS,
  question: QuestionCodec,
  answer: AnswerCodec,
  deadlineMs: DEADLINE_MS,
  maxPending: MAX_PENDING,
  defaultAnswer: { allow: 1 },
  minimumOutputBytes: ASK_BYTES,
};

const fileOpen: VerdictDescriptorV1<ProcessCreateQuestion, Verdict> = {
  ...processCreate,
  name: 'FileOpen',
  askCode: ASK_FILE_OPEN,
  replyCode: REPLY_FILE_OPEN,
  deadlineMs: FILE_OPEN_DEADLINE_MS,
  maxPending: 2,
  defaultAnswer: { allow: 0 },
};

export const verdictDevice = defineDevice({
  specificationVersion: 'v1',
  protocolVersion: 2,
  name: 'VerdictDevice',
  devicePath: '\\\\.\\VerdictDevice',
  deviceType: DEVICE_TYPE,
  schemaHash: '2233445566778899aabbccddeeff00112233445566778899aabbccddeeff0011',
  protocolInfoCode: ctlCode(DEVICE_TYPE, 0xfff, METHOD_BUFFERED, 0),
  limits: { maxSubscriptions: 16, maxParkedPerHandle: 16, maxRingBytes: 1 << 20 },
  calls: {},
  channels: {},
  verdicts: { ProcessCreate: processCreate, FileOpen: fileOpen },
});

export const ALLOW = AnswerCodec.encode({ allow: 1 });
export const DENY = AnswerCodec.encode({ allow: 0 });

/**
 * A reply's input bytes for any id, 0 included: the codec's encoder refuses id 0 (never an id),
 * but a driver must still answer such a reply (STATUS_NOT_FOUND), so tests send it raw.
 */
export function replyInput(id: bigint, answer: Uint8Array): Uint8Array {
  if (id !== 0n) return encodeVerdictReply(id, answer);
  const bytes = encodeVerdictReply(1n, answer);
  bytes.fill(0, 0, VERDICT_REPLY_HEADER_BYTES);
  return bytes;
}

export function question(processId: number): Uint8Array {
  return QuestionCodec.encode({ processId, parentProcessId: 4, imageTag: BigInt(processId) * 3n });
}

/** A model of the verdict device with helpers that send ask requests and replies as raw IOCTLs. */
export function verdictModel() {
  const model = new DriverModel(verdictDevice);
  let nextRequestId = 1;
  const submit = (handleId: number, code: number, input: Uint8Array | null, outputLength: number) => {
    const requestId = nextRequestId++;
    return { requestId, result: model.submit({ requestId, handleId, code, input, outputLength }) };
  };
  const askRequest = (handleId: number, outputLength = ASK_BYTES, code = ASK_PROCESS_CREATE) => submit(handleId, code, null, outputLength);
  const reply = (handleId: number, id: bigint, answer: Uint8Array = DENY, code = REPLY_PROCESS_CREATE) => {
    const { result } = submit(handleId, code, replyInput(id, answer), 0);
    if (result.disposition !== 'completed') throw new Error(`a reply completes at once, got ${result.disposition}`);
    return result.status;
  };
  /** The bytes the trace holds for a request (its completion), or undefined while it is outstanding. */
  const completion = (requestId: number) => model.trace().find((entry) => entry.requestId === requestId);
  return { model, submit, askRequest, reply, completion };
}
