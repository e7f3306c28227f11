import { conformanceDevice } from '@inverted-call/conformance-device';

export const device = conformanceDevice;
export const EVENTS = conformanceDevice.channels.Events;
