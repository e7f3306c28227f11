/** Checks of a descriptor's verdicts, the verdict trace format, and the operation names of verdict codes. */
import { describe, expect, it } from 'vitest';
import { DriverModel, formatTrace, formatVerdictTrace } from '../src/index.js';
import { operationNames } from '../src/operation-name.js';
import { ASK_PROCESS_CREATE, DEADLINE_MS, REPLY_FILE_OPEN, question, verdictDevice, verdictModel } from './verdict-device.js';

/** The verdict device with one change to its ProcessCreate verdict. */
function withProcessCreate(change: Record<string, unknown>) {
  return { ...verdictDevice, verdicts: { ...verdictDevice.verdicts, ProcessCreate: { ...verdictDevice.verdicts.ProcessCreate, ...change } } };
}

describe('descriptor checks of verdicts', () => {
  it.each([
    ['a key that is not the name', { name: 'Other' }, /verdicts\.ProcessCreate\.name: must equal its key/],
    ['an ask code used by another verdict', { askCode: REPLY_FILE_OPEN }, /verdicts\.FileOpen\.replyCode: 0x8000A08C is also used by verdicts\.ProcessCreate\.askCode/],
    ['a reply code that is the ask code', { replyCode: ASK_PROCESS_CREATE }, /verdicts\.ProcessCreate\.replyCode: 0x8000A080 is also used by verdicts\.ProcessCreate\.askCode/],
    ['access bits that disagree with a code', { requiredAccess: 1 }, /verdicts\.ProcessCreate\.requiredAccess: is 1 but askCode 0x8000A080 carries access bits 2/],
    ['a deadline of 0', { deadlineMs: 0 }, /verdicts\.ProcessCreate\.deadlineMs: must be an integer from 1/],
    ['a fractional maxPending', { maxPending: 1.5 }, /verdicts\.ProcessCreate\.maxPending: must be an integer from 1/],
    ['a minimum output that cannot hold header and question', { minimumOutputBytes: 31 }, /minimumOutputBytes: is 31, but a question header and a 16-byte question take 32/],
    ['a default answer that does not encode', { defaultAnswer: { allow: 1, alow: 0 } }, /verdicts\.ProcessCreate\.defaultAnswer: is not a valid VerdictAnswer/],
  ])('refuses %s, naming the field and what to do', (_name, change, message) => {
    expect(() => new DriverModel(withProcessCreate(change))).toThrow(message);
    expect(() => new DriverModel(withProcessCreate(change))).toThrow(/regenerate the device module/);
  });

  it('accepts the device as built', () => {
    expect(() => new DriverModel(verdictDevice)).not.toThrow();
  });
});

describe('formatVerdictTrace', () => {
  it('prints one stable line per settlement, with where it falls in the completion trace', () => {
    const { model, askRequest, reply } = verdictModel();
    model.openHandle(1, 2);
    model.ask('FileOpen', question(1));
    askRequest(1);
    const answered = model.ask('ProcessCreate', question(2));
    model.advanceClock(7);
    reply(1, answered.id);
    askRequest(1);
    model.ask('ProcessCreate', question(3));
    model.advanceClock(DEADLINE_MS);
    expect(formatVerdictTrace(model.verdictTrace())).toBe([
      '0 ask=1 verdict=FileOpen id=0 outcome=defaulted at=0 after=0 answer=00000000',
      '1 ask=2 verdict=ProcessCreate id=1 outcome=answered at=7 after=1 answer=00000000',
      `2 ask=3 verdict=ProcessCreate id=2 outcome=timedOut at=${7 + DEADLINE_MS} after=3 answer=01000000`,
    ].join('\n'));
    expect(formatTrace(model.trace())).toBe([
      // Id, RemainingMs, Size, then the question (processId, parentProcessId, imageTag).
      `0 request=1 handle=1 code=0x8000A080 status=0x00000000 STATUS_SUCCESS bytes=32 ${['0100000000000000', 'c8000000', '10000000', '02000000', '04000000', '0600000000000000'].join('')}`,
      '1 request=2 handle=1 code=0x8000A084 status=0x00000000 STATUS_SUCCESS bytes=0',
      `2 request=3 handle=1 code=0x8000A080 status=0x00000000 STATUS_SUCCESS bytes=32 ${['0200000000000000', 'c8000000', '10000000', '03000000', '04000000', '0900000000000000'].join('')}`,
    ].join('\n'));
  });
});

describe('operation names', () => {
  it('names ask and reply codes after their verdict', () => {
    const name = operationNames(verdictDevice);
    expect(name(ASK_PROCESS_CREATE)).toBe('IOCTL 0x8000A080 (ask ProcessCreate)');
    expect(name(REPLY_FILE_OPEN)).toBe('IOCTL 0x8000A08C (reply FileOpen)');
  });
});
