// runAsWindowsService against a scripted dispatcher: the status sequence the SCM sees, the signal
// run() gets, the exit codes, and the errors. (Wine runs it against services.exe for real:
// packages/wine-e2e/test/service-wine.test.ts.)
import { describe, expect, it } from 'vitest';
import { runAsWindowsService, SERVICE_PENDING_WAIT_HINT_MS, SERVICE_RUN_FAILED_EXIT_CODE } from '../src/windows-service.js';
import type { ServiceDispatcherApi } from '../src/service-api.js';
import { ERROR_CALL_NOT_IMPLEMENTED, ERROR_SERVICE_SPECIFIC_ERROR, NO_ERROR, SERVICE_CONTROL_INTERROGATE, SERVICE_CONTROL_SHUTDOWN, SERVICE_CONTROL_STOP, serviceStateName, type ServiceStatus } from '../src/service-status.js';
import { ERROR_FAILED_SERVICE_CONTROLLER_CONNECT } from '../src/service-errors.js';

const HANDLE = 0x1234n;

/** A dispatcher that calls ServiceMain at once and returns once STOPPED is reported. */
function fakeDispatcher(options: { dispatcherError?: number; registerFails?: boolean; statusFails?: boolean } = {}) {
  const statuses: ServiceStatus[] = [];
  let handler: ((control: number) => number) | undefined;
  let finished: ((errno: number) => void) | undefined;
  const api: ServiceDispatcherApi = {
    startDispatcher(name, serviceMain, control, done) {
      if (options.dispatcherError !== undefined) {
        setTimeout(() => done(options.dispatcherError!), 0);
        return;
      }
      handler = control;
      finished = done;
      setTimeout(serviceMain, 0);
    },
    registerHandler: () => (options.registerFails ? 0n : HANDLE),
    setStatus(handle, status) {
      expect(handle).toBe(HANDLE);
      statuses.push({ ...status });
      if (serviceStateName(status.currentState) === 'STOPPED') setTimeout(() => finished?.(0), 0);
      return !options.statusFails;
    },
    lastError: () => 1063,
  };
  return {
    api,
    statuses,
    states: () => statuses.map((status) => serviceStateName(status.currentState)),
    control: (code: number) => handler!(code),
  };
}

const tick = (ms = 5): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until the condition holds; timers fire late on a loaded machine, so no fixed wait says enough. */
async function until(condition: () => boolean, what: string, limitMs = 10_000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > limitMs) throw new Error(`still waiting after ${limitMs} ms for ${what}`);
    await tick();
  }
}

describe('runAsWindowsService', () => {
  it('reports START_PENDING and RUNNING, then on stop STOP_PENDING with checkpoints, aborts the signal, and STOPPED once run() settles', async () => {
    const fake = fakeDispatcher();
    const lines: string[] = [];
    let finishRun: (() => void) | undefined;
    let signalSeen: AbortSignal | undefined;
    const done = runAsWindowsService({
      name: 'DemoService',
      api: fake.api,
      log: (line) => lines.push(line),
      stopCheckpointMs: 10,
      run: (signal) => {
        signalSeen = signal;
        // run() winds down some time after the abort, like closing a device.
        return new Promise<void>((resolve) => signal.addEventListener('abort', () => (finishRun = resolve)));
      },
    });
    await until(() => fake.states().length >= 2, 'START_PENDING and RUNNING');
    expect(fake.states()).toEqual(['START_PENDING', 'RUNNING']);
    expect(fake.statuses[0]).toMatchObject({ serviceType: 0x10, checkPoint: 1, waitHint: SERVICE_PENDING_WAIT_HINT_MS, controlsAccepted: 0 });
    expect(fake.statuses[1]).toMatchObject({ controlsAccepted: 0x1 | 0x4, checkPoint: 0, waitHint: 0 });
    expect(fake.control(SERVICE_CONTROL_INTERROGATE)).toBe(NO_ERROR);
    expect(fake.control(0x2 /* PAUSE */)).toBe(ERROR_CALL_NOT_IMPLEMENTED);
    expect(signalSeen!.aborted).toBe(false);

    expect(fake.control(SERVICE_CONTROL_STOP)).toBe(NO_ERROR);
    expect(signalSeen!.aborted).toBe(true);
    const stopPending = () => fake.statuses.filter((status) => serviceStateName(status.currentState) === 'STOP_PENDING');
    // A checkpoint every stopCheckpointMs while run() winds down: wait for three of them.
    await until(() => stopPending().length >= 3, 'three STOP_PENDING checkpoints');
    const pending = stopPending();
    expect(pending.map((status) => status.checkPoint)).toEqual(pending.map((_status, index) => index + 1));
    expect(pending.every((status) => status.waitHint === SERVICE_PENDING_WAIT_HINT_MS && status.controlsAccepted === 0)).toBe(true);
    expect(fake.states()).not.toContain('STOPPED');
    // A second stop while stopping changes nothing.
    expect(fake.control(SERVICE_CONTROL_STOP)).toBe(NO_ERROR);

    finishRun!();
    await done;
    expect(fake.statuses.at(-1)).toMatchObject({ currentState: 1, win32ExitCode: NO_ERROR, serviceSpecificExitCode: 0 });
    const count = fake.statuses.length;
    await tick(30);
    expect(fake.statuses.length).toBe(count); // no checkpoint after STOPPED
    expect(lines).toEqual([expect.stringMatching(/^running as service DemoService/), 'stop received: stopping', 'stopped']);
  });

  it('a system shutdown stops it too', async () => {
    const fake = fakeDispatcher();
    const lines: string[] = [];
    const done = runAsWindowsService({ name: 'DemoService', api: fake.api, log: (line) => lines.push(line), run: (signal) => new Promise((resolve) => signal.addEventListener('abort', () => resolve())) });
    await until(() => fake.states().includes('RUNNING'), 'RUNNING');
    fake.control(SERVICE_CONTROL_SHUTDOWN);
    await done;
    expect(fake.states().at(-1)).toBe('STOPPED');
    expect(lines).toContain('system shutdown received: stopping');
  });

  it('a run() that throws ends STOPPED with ERROR_SERVICE_SPECIFIC_ERROR and its exit code, and logs why', async () => {
    const fake = fakeDispatcher();
    const lines: string[] = [];
    await runAsWindowsService({ name: 'DemoService', api: fake.api, log: (line) => lines.push(line), run: () => Promise.reject(new Error('no device')) });
    expect(fake.states()).toEqual(['START_PENDING', 'RUNNING', 'STOPPED']);
    expect(fake.statuses.at(-1)).toMatchObject({ win32ExitCode: ERROR_SERVICE_SPECIFIC_ERROR, serviceSpecificExitCode: SERVICE_RUN_FAILED_EXIT_CODE });
    expect(lines.at(-1)).toMatch(/^run\(\) failed: Error: no device/);
  });

  it('a run() that throws before returning a promise is reported the same way', async () => {
    const fake = fakeDispatcher();
    await runAsWindowsService({
      name: 'DemoService',
      api: fake.api,
      run: () => {
        throw new Error('at once');
      },
    });
    expect(fake.statuses.at(-1)).toMatchObject({ currentState: 1, win32ExitCode: ERROR_SERVICE_SPECIFIC_ERROR });
  });

  it('a run() that ends by itself stops the service cleanly', async () => {
    const fake = fakeDispatcher();
    const lines: string[] = [];
    await runAsWindowsService({ name: 'DemoService', api: fake.api, log: (line) => lines.push(line), run: async () => undefined });
    expect(fake.statuses.at(-1)).toMatchObject({ currentState: 1, win32ExitCode: NO_ERROR });
    expect(lines.at(-1)).toBe('run() ended without a stop request; stopped');
  });

  it('run by hand (not by the SCM) fails with ERROR_FAILED_SERVICE_CONTROLLER_CONNECT and what to do', async () => {
    const fake = fakeDispatcher({ dispatcherError: ERROR_FAILED_SERVICE_CONTROLLER_CONNECT });
    await expect(runAsWindowsService({ name: 'DemoService', api: fake.api, run: async () => undefined })).rejects.toThrow(
      /StartServiceCtrlDispatcherW\(DemoService\): ERROR_FAILED_SERVICE_CONTROLLER_CONNECT \(1063\): this process was not started by the service control manager/,
    );
  });

  it('a handler that cannot be registered fails with the Win32 error', async () => {
    const fake = fakeDispatcher({ registerFails: true });
    await expect(runAsWindowsService({ name: 'DemoService', api: fake.api, run: async () => undefined })).rejects.toThrow(/RegisterServiceCtrlHandlerExW\(DemoService\)/);
  });

  it('logs a status report the SCM refused, with the Win32 error, and carries on', async () => {
    const fake = fakeDispatcher({ statusFails: true });
    const lines: string[] = [];
    await runAsWindowsService({ name: 'DemoService', api: fake.api, log: (line) => lines.push(line), run: async () => undefined });
    expect(lines).toContain('SetServiceStatus(DemoService, state 2) failed: Win32 error 1063');
    expect(fake.states()).toEqual(['START_PENDING', 'RUNNING', 'STOPPED']);
  });

  it('refuses a bad name, naming the field and the fix', async () => {
    await expect(runAsWindowsService({ name: 'a\\b', api: fakeDispatcher().api, run: async () => undefined })).rejects.toThrow(/service name "a\\\\b" is not valid: give 1-256 characters without \/ or \\/);
  });

  it('without an api, elsewhere than Windows, says it needs Windows', async () => {
    if (process.platform === 'win32') return;
    await expect(runAsWindowsService({ name: 'DemoService', run: async () => undefined })).rejects.toThrow(/works only on Windows/);
  });
});
