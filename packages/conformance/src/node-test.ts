/** `@inverted-call/conformance/node-test`: the suites as node:test tests (also under Windows node.exe in Wine). */
import type { DeviceDescriptorV1 } from '@inverted-call/codec';
import { describe, it } from 'node:test';
import { defineDeviceConformance, type MakeDeviceTarget } from './device/run.js';
import { runConformance as runWith, type ConformanceOptions, type TestRunner } from './run.js';
import type { ConformanceTarget } from './target.js';

const nodeRunner: TestRunner = { describe: (title, body) => void describe(title, body), it: (title, body) => void it(title, body) };

export function runConformance(name: string, makeTarget: () => Promise<ConformanceTarget>, options?: ConformanceOptions): void {
  runWith(name, makeTarget, nodeRunner, options);
}

/** The device-generic scenarios of `descriptor`, one node:test test each, each against a fresh target. */
export function describeDeviceConformance(descriptor: DeviceDescriptorV1, makeTarget: MakeDeviceTarget, options?: ConformanceOptions & { name?: string }): void {
  defineDeviceConformance(descriptor, makeTarget, nodeRunner, options);
}
