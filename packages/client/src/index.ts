export { openDevice, DEFAULT_DEPTH, DEFAULT_HIGH_WATER_MARK, type Device, type OpenDeviceOptions } from './device.js';
export { CallTimeoutError, DeviceLimitError, ProtocolError, ProtocolMismatchError } from './errors.js';
export { decodeBatch, kindsById, type DecodedBatch, type DecodedRecord } from './batch.js';
export type {
  AnswerOf,
  DecideFunction,
  DecideMap,
  DecideOptions,
  Decider,
  DeciderStats,
  DecisionContext,
  DecisionEvent,
  PendingQuestion,
  QuestionOf,
  QuestionStream,
  QuestionsFunction,
  QuestionsMap,
  ReplyRefusal,
  VerdictHandler,
} from './decide-types.js';
export type { DriverChannelInfo, DriverProtocolInfo, DriverVerdictInfo } from './protocol-info.js';
export type {
  CallFunction,
  CallMap,
  CallOptions,
  EventItem,
  LossNotice,
  SubscribeMap,
  SubscribeOptions,
  Subscription,
  SubscriptionItem,
  SubscriptionStats,
} from './types.js';
export { DeviceError, isCanceled, isDeviceError, type AccessMode, type DeviceBackendV1 } from '@inverted-call/backend';
// What call.X() throws for an input that does not fit the schema; re-exported so that a service
// can catch it without depending on the codec package itself.
export { CodecError } from '@inverted-call/codec';
