export { runConformance, runScenario, scenarios, type ConformanceOptions, type TestRunner } from './run.js';
export { ScenarioContext, type ConformanceDevice } from './context.js';
export { scenario, type Rule, type Scenario } from './scenario.js';
export { ConformanceFailure, check, deviceError, equal, rejects, within } from './assert.js';
export { eventData, type AskResult, type TargetAskOptions, type ConformanceChannel, type ConformanceVerdict, type ConformanceDriverState, type ConformanceTarget, type ConformanceSubscriptionState } from './target.js';
// The device the scenarios are written against, so a target's author needs this one import.
export * from '@inverted-call/conformance-device';
// The device-generic scenarios: any device descriptor, through a DeviceTestTarget.
export type { DeviceDriverState, DeviceSubscriptionState, DeviceTestTarget } from './device-target.js';
export { deviceScenarios } from './device/index.js';
export { deviceScenario, type DeviceScenario } from './device/scenario.js';
export { DeviceScenarioContext, type SampleEvent } from './device/context.js';
export { defineDeviceConformance, runDeviceConformance, runDeviceScenario, type DeviceScenarioResult, type MakeDeviceTarget } from './device/run.js';
export { sampleValue } from './device/sample-data.js';
export { settleThroughRoundTrips, type RoundTrips } from './settle.js';
