/**
 * The <%- deviceName %> service: opens the device, subscribes to every channel, makes each call
 * once, and reports every event and every loss until it is stopped. This is where your code goes:
 * replace the reports with what your service does with the events.
 */
import { isCanceled, openDevice, type DeviceBackendV1, type EventItem, type Subscription } from '@inverted-call/client';
import type { ChannelDescriptorV1 } from '@inverted-call/codec';
import { <%- deviceConst %> } from '<%- moduleImport %>';

type Channels = (typeof <%- deviceConst %>)['channels'];

export interface ServiceOptions {
  /** Where requests go: the simulator's backend, or (default) the Win32 backend, on Windows. */
  backend?: DeviceBackendV1;
  /** Aborting it stops the service: subscriptions are cancelled and the device is closed. */
  signal: AbortSignal;
  /** Where reports go; default: standard output. */
  report?: (line: string) => void;
}

export async function runService({ backend, signal, report = console.log }: ServiceOptions): Promise<void> {
  const device = await openDevice(<%- deviceConst %>, backend ? { backend } : {});
  try {
    report(`opened ${<%- deviceConst %>.devicePath}`);
    // Subscribe first: the driver keeps events for a subscription only once it exists.
    const watching: Promise<void>[] = [
<%_ for (const channel of channels) { _%>
      watch(device.subscribe.<%- channel.name %>({ depth: 8, signal }), describe<%- channel.name %>, report),
<%_ } _%>
    ];
<%_ for (const call of calls) { _%>
<%_   if (call.shape === 'version') { _%>
    await reportCall('<%- call.name %>', () => device.call.<%- call.name %>(undefined, { signal }), (version) => `${version.major}.${version.minor}.${version.patch}`, report);
<%_   } else { _%>
    await reportCall('<%- call.name %>', () => device.call.<%- call.name %>(<%- sampleInput(call) %>, { signal }), (output) => `value ${output.value}`, report);
<%_   } _%>
<%_ } _%>
    await Promise.all(watching);
  } finally {
    await device.close();
  }
}
<%_ for (const channel of channels) { _%>

<%_   if (channel.shape === 'process') { _%>
function describe<%- channel.name %>(item: EventItem<Channels['<%- channel.name %>']>): string {
  if (item.kind === 'Created') return `created ${item.data.processId} (parent ${item.data.parentProcessId}): ${item.data.imageName}`;
  return `exited ${item.data.processId}`;
}
<%_   } else { _%>
function describe<%- channel.name %>(item: EventItem<Channels['<%- channel.name %>']>): string {
  return `${item.kind}: value ${item.data.value}`;
}
<%_   } _%>
<%_ } _%>

/** Reports each event and each loss notice of one subscription until it ends. */
async function watch<Channel extends ChannelDescriptorV1>(
  subscription: Subscription<Channel>,
  describe: (item: EventItem<Channel>) => string,
  report: (line: string) => void,
): Promise<void> {
  try {
    for await (const item of subscription) {
      if (item.type === 'loss') {
        // Never silent: a gap in sequence numbers is exactly the events the driver had to drop.
        report(`${subscription.channel}: the driver dropped ${item.count} event(s), sequences ${item.firstSequence}-${item.lastSequence}`);
      } else {
        report(`${subscription.channel} #${item.sequence} ${describe(item)}`);
      }
    }
  } catch (error) {
    // Stopping aborts the signal, which ends the subscription with a cancel: not a failure.
    if (!isCanceled(error)) throw error;
  }
}

/** Makes one call and reports its answer; a failure is reported, not fatal. */
async function reportCall<Output>(name: string, call: () => Promise<Output>, describe: (output: Output) => string, report: (line: string) => void): Promise<void> {
  try {
    report(`${name}: ${describe(await call())}`);
  } catch (error) {
    if (isCanceled(error)) return;
    // A new driver's handlers answer STATUS_NOT_IMPLEMENTED until you write them in driver/Handlers.c.
    report(`${name} failed: ${(error as Error).message}`);
  }
}
