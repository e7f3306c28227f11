export { runConformance, runScenario, scenarios, type ConformanceOptions, type TestRunner } from './run.js';
export { ScenarioContext, type ConformanceDevice } from './context.js';
export { scenario, type Rule, type Scenario } from './scenario.js';
export { ConformanceFailure, check, deviceError, equal, rejects, within } from './assert.js';
export { eventData, type ConformanceChannel, type ConformanceDriverState, type ConformanceTarget, type ConformanceSubscriptionState } from './target.js';
// The device the scenarios are written against, so a target's author needs this one import.
export * from '@inverted-call/conformance-device';
