/** `@inverted-call/conformance/vitest`: the suites as vitest tests. */
import type { DeviceDescriptorV1 } from '@inverted-call/codec';
import { describe, it } from 'vitest';
import { defineDeviceConformance, type MakeDeviceTarget } from './device/run.js';
import { runConformance as runWith, type ConformanceOptions } from './run.js';
import type { ConformanceTarget } from './target.js';

export function runConformance(name: string, makeTarget: () => Promise<ConformanceTarget>, options?: ConformanceOptions): void {
  runWith(name, makeTarget, { describe, it }, options);
}

/** The device-generic scenarios of `descriptor`, one vitest test each, each against a fresh target. */
export function describeDeviceConformance(descriptor: DeviceDescriptorV1, makeTarget: MakeDeviceTarget, options?: ConformanceOptions & { name?: string }): void {
  defineDeviceConformance(descriptor, makeTarget, { describe, it }, options);
}
