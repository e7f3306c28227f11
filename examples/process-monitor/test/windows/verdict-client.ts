/**
 * Run by Windows node.exe under Wine (bundled into dist-windows/verdict-client.mjs): the process
 * monitor's ProcessCreate verdict end to end. For each case of verdict-cases.ts it fires the
 * test-build process IOCTL, which runs Notify.c's callback on a worker thread, and reports the
 * CreationStatus the callback left; then asks the same question through the test-build ask IOCTL
 * and reports how it settled. The decider is the real client's `device.decide.ProcessCreate`. One
 * JSON line per report on stdout; verdict-wine.test.ts checks them.
 */
import { openDevice } from '@inverted-call/client';
import { encodeNotifyTestProcess, notifyTestIoctlCode } from '@inverted-call/driver-template/notify-test';
import { decodeTestAskResult, encodeTestAskForVerdict, testAskIoctlCode, testAskOutputBytes } from '@inverted-call/driver-template/test-ioctls';
import { createWin32Backend } from '@inverted-call/win32';
import { processMonitorDevice } from '../../generated/process-monitor.js';
import { DECIDER_RULES, LATE_HANDLER_MS, SELF_CASE_IMAGE, VERDICT_CASES, creation, type VerdictCase } from '../support/verdict-cases.js';

function report(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, (_key, item: unknown) => (typeof item === 'bigint' ? `${item}n` : item))}\n`);
}

const backend = createWin32Backend();
const device = await openDevice(processMonitorDevice, { backend });
const control = await backend.open(processMonitorDevice.devicePath, { access: 'read' });
const processCode = notifyTestIoctlCode(processMonitorDevice.deviceType);
const askCode = testAskIoctlCode(processMonitorDevice.deviceType);
const verdict = processMonitorDevice.verdicts.ProcessCreate;
const answerOf = (bytes: Uint8Array) => verdict.answer.decode(bytes);

/** The callback's CreationStatus for one creation, and the round trip in ms. */
async function fireCreation(input: VerdictCase['input']): Promise<{ creationStatus: number; ms: number }> {
  const started = performance.now();
  const result = await control.ioctl(processCode, encodeNotifyTestProcess(input), 4);
  return { creationStatus: new DataView(result.output.buffer, result.output.byteOffset, 4).getUint32(0, true), ms: Math.round(performance.now() - started) };
}

/** The same question through the ask IOCTL: how it settled. */
async function askDirectly(input: VerdictCase['input']): Promise<Record<string, unknown>> {
  const question = {
    processId: input.processId,
    parentProcessId: input.parentProcessId,
    creatingProcessId: input.creatingProcessId,
    creatingThreadId: input.creatingThreadId,
    createTime: 0n,
    imageNameLength: input.imageFileName?.length ?? 0,
    imageNameState: 'Complete',
    imageName: input.imageFileName ?? '',
  };
  const bytes = encodeTestAskForVerdict(processMonitorDevice, 'ProcessCreate', question, { askerProcessId: input.creatingProcessId });
  const result = decodeTestAskResult((await control.ioctl(askCode, bytes, testAskOutputBytes(processMonitorDevice, 'ProcessCreate'))).output);
  return { outcome: result.outcome, idIsSet: result.id !== 0n, allow: answerOf(result.answer).allow };
}

const asked: string[] = [];
let decider: ReturnType<typeof device.decide.ProcessCreate> | undefined;

for (const [index, entry] of VERDICT_CASES.entries()) {
  if (entry.withDecider && !decider) {
    decider = device.decide.ProcessCreate(
      async (question, { signal }) => {
        asked.push(question.imageName);
        if (question.imageName.includes(DECIDER_RULES.late)) {
          await new Promise((resolve) => setTimeout(resolve, LATE_HANDLER_MS));
          return { allow: false };
        }
        return { allow: !question.imageName.includes(DECIDER_RULES.deny) && !signal.aborted };
      },
      { concurrency: 2 },
    );
    await decider.ready;
  }
  report({ case: index, ...(await fireCreation(entry.input)), direct: await askDirectly(entry.input) });
}

// V7: the decider's own process creates a process it would deny: never asked, the default at once.
const self = creation(7500n, SELF_CASE_IMAGE, BigInt(process.pid));
const before = asked.length;
report({ self: true, ...(await fireCreation(self)), direct: await askDirectly(self), handlerCalls: asked.length - before });

// Give the late handler time to finish (its reply is refused as late), then read the counters.
await new Promise((resolve) => setTimeout(resolve, LATE_HANDLER_MS + 200));
report({ stats: { ...decider!.stats } });
await decider!.close();
const reopened = await openDevice(processMonitorDevice, { backend });
// The driver's counters since this script opened the device (the notify test asked before it).
const [start, end] = [device.protocol.verdicts[0]!, reopened.protocol.verdicts[0]!];
report({ counters: { asked: end.asked - start.asked, answered: end.answered - start.answered, timedOut: end.timedOut - start.timedOut, defaulted: end.defaulted - start.defaulted, refused: end.refused - start.refused } });
await reopened.close();
await control.close();
await device.close();
report({ done: true });
