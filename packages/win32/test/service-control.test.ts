// The control functions against a scripted SCM: what they register, how they wait, and what their
// errors say. (Wine runs them against services.exe: packages/wine-e2e/test/service-wine.test.ts.)
import { describe, expect, it } from 'vitest';
import { installWindowsService, queryWindowsService, startWindowsService, stopWindowsService, uninstallWindowsService } from '../src/service-control.js';
import type { CreateServiceRequest, ScHandle, ServiceManagerApi } from '../src/service-api.js';
import { SERVICE_STATES, type ServiceStatus } from '../src/service-status.js';

interface FakeService {
  request: CreateServiceRequest;
  description?: string;
  state: number;
  exit?: Partial<ServiceStatus>;
}

/** An SCM with one database; each state change takes `steps` status queries to complete. */
function fakeScm(options: { denied?: boolean; stuckStopping?: boolean; failsOnStart?: boolean; steps?: number } = {}) {
  const services = new Map<string, FakeService>();
  const open = new Map<ScHandle, string>();
  const calls: string[] = [];
  let next = 1n;
  let lastError = 0;
  let pending: { name: string; to: number; left: number } | undefined;
  const fail = (errno: number): ScHandle => ((lastError = errno), 0n);
  const api: ServiceManagerApi = {
    openManager: (access) => (calls.push(`OpenSCManager ${access}`), options.denied ? fail(5) : next++),
    createService(_manager, request) {
      calls.push(`CreateService ${request.name}`);
      if (services.has(request.name)) return fail(1073);
      services.set(request.name, { request, state: SERVICE_STATES.STOPPED });
      open.set(next, request.name);
      return next++;
    },
    setDescription: (service, description) => ((services.get(open.get(service)!)!.description = description), true),
    openService(_manager, name) {
      if (!services.has(name)) return fail(1060);
      open.set(next, name);
      return next++;
    },
    startService(service) {
      const name = open.get(service)!;
      calls.push(`StartService ${name}`);
      const entry = services.get(name)!;
      if (entry.state !== SERVICE_STATES.STOPPED) return ((lastError = 1056), false);
      entry.state = SERVICE_STATES.START_PENDING;
      pending = { name, to: options.failsOnStart ? SERVICE_STATES.STOPPED : SERVICE_STATES.RUNNING, left: options.steps ?? 2 };
      if (options.failsOnStart) entry.exit = { win32ExitCode: 1066, serviceSpecificExitCode: 1 };
      return true;
    },
    stopService(service) {
      const name = open.get(service)!;
      calls.push(`ControlService STOP ${name}`);
      const entry = services.get(name)!;
      if (entry.state === SERVICE_STATES.STOPPED) return ((lastError = 1062), false);
      if (entry.state === SERVICE_STATES.STOP_PENDING) return ((lastError = 1061), false);
      entry.state = SERVICE_STATES.STOP_PENDING;
      pending = options.stuckStopping ? undefined : { name, to: SERVICE_STATES.STOPPED, left: options.steps ?? 2 };
      return true;
    },
    queryStatus(service) {
      const entry = services.get(open.get(service)!)!;
      if (pending && pending.name === open.get(service) && --pending.left <= 0) {
        entry.state = pending.to;
        pending = undefined;
      }
      return { serviceType: 0x10, currentState: entry.state, controlsAccepted: 0, win32ExitCode: 0, serviceSpecificExitCode: 0, checkPoint: 1, waitHint: 0, ...(entry.state === SERVICE_STATES.STOPPED ? entry.exit : {}) };
    },
    deleteService(service) {
      const name = open.get(service)!;
      calls.push(`DeleteService ${name}`);
      services.delete(name);
      return true;
    },
    closeHandle: (handle) => (open.delete(handle), true),
    lastError: () => lastError,
  };
  return { api, services, calls, open };
}

const NODE = 'C:\\Program Files\\nodejs\\node.exe';

describe('installWindowsService', () => {
  it('registers the quoted command line and the description, and closes what it opened', async () => {
    const scm = fakeScm();
    const installed = await installWindowsService({ api: scm.api, name: 'DemoService', displayName: 'Demo', description: 'the demo', command: NODE, args: ['C:\\My Project\\dist\\windows-service.js', 'run'] });
    expect(installed.commandLine).toBe('"C:\\Program Files\\nodejs\\node.exe" "C:\\My Project\\dist\\windows-service.js" run');
    expect(scm.services.get('DemoService')).toMatchObject({ request: { displayName: 'Demo', commandLine: installed.commandLine }, description: 'the demo' });
    expect(scm.open.size).toBe(0);
  });

  it('a second install says it exists (1073) and what to do', async () => {
    const scm = fakeScm();
    await installWindowsService({ api: scm.api, name: 'DemoService', command: NODE });
    await expect(installWindowsService({ api: scm.api, name: 'DemoService', command: NODE })).rejects.toThrow('CreateServiceW(DemoService): ERROR_SERVICE_EXISTS (1073): a service of this name is installed already; uninstall it first');
  });

  it('without elevation says to use an elevated prompt (5)', async () => {
    await expect(installWindowsService({ api: fakeScm({ denied: true }).api, name: 'DemoService', command: NODE })).rejects.toThrow(/OpenSCManagerW: ERROR_ACCESS_DENIED \(5\): run it from an elevated prompt/);
  });

  it('refuses a relative program path and a bad name, naming the field and the fix', async () => {
    await expect(installWindowsService({ api: fakeScm().api, name: 'DemoService', command: 'node.exe' })).rejects.toThrow(/service command "node.exe" is not an absolute Windows path: give the full path/);
    await expect(installWindowsService({ api: fakeScm().api, name: '', command: NODE })).rejects.toThrow(/service name "" is not valid/);
  });
});

describe('start, stop, query and uninstall', () => {
  it('start waits for RUNNING, stop for STOPPED; stopping a stopped service leaves it be', async () => {
    const scm = fakeScm({ steps: 3 });
    await installWindowsService({ api: scm.api, name: 'DemoService', command: NODE });
    expect((await startWindowsService('DemoService', { api: scm.api })).state).toBe('RUNNING');
    expect((await queryWindowsService('DemoService', { api: scm.api })).state).toBe('RUNNING');
    expect((await stopWindowsService('DemoService', { api: scm.api })).state).toBe('STOPPED');
    expect((await stopWindowsService('DemoService', { api: scm.api })).state).toBe('STOPPED');
    expect(scm.open.size).toBe(0);
  });

  it('a stop while another stop is under way waits for the same STOPPED (1061 from STOP_PENDING)', async () => {
    const scm = fakeScm({ steps: 4 });
    await installWindowsService({ api: scm.api, name: 'DemoService', command: NODE });
    await startWindowsService('DemoService', { api: scm.api });
    const [first, second] = await Promise.all([stopWindowsService('DemoService', { api: scm.api }), stopWindowsService('DemoService', { api: scm.api })]);
    expect([first.state, second.state]).toEqual(['STOPPED', 'STOPPED']);
    expect(scm.calls.filter((call) => call.startsWith('ControlService'))).toHaveLength(2);
  });

  it('a service that stops while starting fails start with its exit code', async () => {
    const scm = fakeScm({ failsOnStart: true });
    await installWindowsService({ api: scm.api, name: 'DemoService', command: NODE });
    await expect(startWindowsService('DemoService', { api: scm.api })).rejects.toThrow("service DemoService: stopped while starting, service-specific exit code 1; see the service's log");
  });

  it('a service that does not stop in time fails stop with a clear error', async () => {
    const scm = fakeScm({ stuckStopping: true });
    await installWindowsService({ api: scm.api, name: 'DemoService', command: NODE });
    await startWindowsService('DemoService', { api: scm.api });
    await expect(stopWindowsService('DemoService', { api: scm.api, timeoutMs: 250 })).rejects.toThrow(/service DemoService: still STOP_PENDING after 250 ms, not STOPPED \(checkpoint 1\); see the service's log/);
  });

  it('uninstall stops a running service first, then deletes it; afterwards it is not installed (1060)', async () => {
    const scm = fakeScm();
    await installWindowsService({ api: scm.api, name: 'DemoService', command: NODE });
    await startWindowsService('DemoService', { api: scm.api });
    expect(await uninstallWindowsService('DemoService', { api: scm.api })).toEqual({ stoppedFrom: 'RUNNING' });
    expect(scm.calls.slice(-2)).toEqual(['ControlService STOP DemoService', 'DeleteService DemoService']);
    await expect(queryWindowsService('DemoService', { api: scm.api })).rejects.toThrow('OpenServiceW(DemoService): ERROR_SERVICE_DOES_NOT_EXIST (1060): the service is not installed; install it first');
    await expect(uninstallWindowsService('DemoService', { api: scm.api })).rejects.toMatchObject({ errno: 1060, code: 'ERROR_SERVICE_DOES_NOT_EXIST' });
  });
});
