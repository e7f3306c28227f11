import { conformanceDevice } from '../../conformance/src/device/conformance-device.js';

export const device = conformanceDevice;
export const EVENTS = conformanceDevice.channels.Events;
