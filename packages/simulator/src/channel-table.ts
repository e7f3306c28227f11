/**
 * The driver's view of its device: which IOCTL code is which call or channel, and each channel's
 * current ring settings and stall state. Separate from the model so the state machine reads as
 * the rules only. Settings start as the descriptor's and a test may override them; an override
 * applies to subscriptions created afterwards, like a driver rebuilt with other constants.
 */
import { describeOverflowPolicies, isOverflowPolicy, type CallDescriptorV1, type ChannelDescriptorV1, type ChannelInfo, type DeviceDescriptorV1, type OverflowPolicy } from '@inverted-call/codec';

export interface ChannelSettings {
  readonly capacity?: number;
  readonly overflow?: OverflowPolicy;
}

export class ChannelTable {
  private readonly callsByCode = new Map<number, CallDescriptorV1>();
  private readonly channelsByCode = new Map<number, ChannelDescriptorV1>();
  private readonly settings = new Map<string, { capacity: number; overflow: OverflowPolicy }>();
  private readonly stalled = new Set<string>();
  /** Channel names in descriptor order: the order of CHANNEL_INFO entries and of `release()`. */
  readonly names: readonly string[];

  constructor(private readonly descriptor: DeviceDescriptorV1) {
    for (const call of Object.values(descriptor.calls)) this.callsByCode.set(call.code >>> 0, call);
    for (const channel of Object.values(descriptor.channels)) {
      this.channelsByCode.set(channel.code >>> 0, channel);
      this.settings.set(channel.name, { capacity: channel.capacity, overflow: channel.overflow });
    }
    this.names = Object.values(descriptor.channels).map((channel) => channel.name);
  }

  callOfCode(code: number): CallDescriptorV1 | undefined {
    return this.callsByCode.get(code >>> 0);
  }

  channelOfCode(code: number): ChannelDescriptorV1 | undefined {
    return this.channelsByCode.get(code >>> 0);
  }

  /** The channel named `name`; throws naming the channels there are. */
  channel(name: string): ChannelDescriptorV1 {
    const channel = Object.prototype.hasOwnProperty.call(this.descriptor.channels, name) ? this.descriptor.channels[name] : undefined;
    if (!channel) throw new RangeError(`device ${this.descriptor.name} has no channel ${JSON.stringify(name)}; it has ${this.names.join(', ')}`);
    return channel;
  }

  /** `name`, checked, or every channel when `name` is undefined. */
  select(name: string | undefined): readonly string[] {
    return name === undefined ? this.names : [this.channel(name).name];
  }

  settingsOf(name: string): { readonly capacity: number; readonly overflow: OverflowPolicy } {
    return this.settings.get(this.channel(name).name)!;
  }

  override(name: string, settings: ChannelSettings): void {
    const current = this.settings.get(this.channel(name).name)!;
    const { capacity, overflow } = settings;
    // Checked whole before anything changes, so a bad call leaves the settings as they were.
    if (capacity !== undefined && (!Number.isInteger(capacity) || capacity < 1 || capacity > 0xffffffff)) {
      throw new RangeError(`capacity of channel ${name} must be an integer from 1 to 4294967295, got ${capacity}`);
    }
    if (overflow !== undefined && !isOverflowPolicy(overflow)) {
      throw new RangeError(`overflow of channel ${name} must be ${describeOverflowPolicies()}, got ${JSON.stringify(overflow)}`);
    }
    if (capacity !== undefined) current.capacity = capacity;
    if (overflow !== undefined) current.overflow = overflow;
  }

  /** Current settings of every channel in descriptor order, as the protocol-information call reports them. */
  configurations(): (ChannelInfo & { name: string })[] {
    return Object.values(this.descriptor.channels).map((channel) => ({
      name: channel.name,
      ...this.settings.get(channel.name)!,
      batchBytes: channel.batchBytes,
      maxRecordBytes: channel.maxRecordBytes,
    }));
  }

  isStalled(name: string): boolean {
    return this.stalled.has(name);
  }

  stall(name: string): void {
    this.stalled.add(name);
  }

  /** Ends a stall; false if the channel was not stalled. */
  unstall(name: string): boolean {
    return this.stalled.delete(name);
  }
}
