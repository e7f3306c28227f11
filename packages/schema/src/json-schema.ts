/**
 * The published JSON Schema of the device schema format, for editors (completion, hover docs,
 * squiggles). The validator in this package is the authority and gives the better messages;
 * a test keeps the two in agreement over every fixture and many invalid inputs.
 */
import { OVERFLOW_POLICIES } from '@inverted-call/codec';
import { NAMED_DEVICE_TYPES, SCHEMA_FUNCTION_MAX, VENDOR_FUNCTION_MIN, VENDOR_FUNCTION_MAX } from './ioctl.js';

/** The schema's function range and the reserved top, as the descriptions state them (ioctl.ts owns both). */
const hexCode = (value: number) => `0x${value.toString(16).toUpperCase()}`;
const SCHEMA_RANGE_TEXT = `${hexCode(VENDOR_FUNCTION_MIN)}-${hexCode(SCHEMA_FUNCTION_MAX)}`;
const RESERVED_RANGE_TEXT = `${hexCode(SCHEMA_FUNCTION_MAX + 1)}-${hexCode(VENDOR_FUNCTION_MAX)}`;
import { DEFAULT_LIMITS, MAX_LIMIT } from './limits.js';
import { DEFAULT_SDDL } from './sddl.js';
import { DEFAULT_MAX_PENDING, MAX_DEADLINE_MS, MAX_PENDING_LIMIT, VERDICT_TRIGGERS } from './validate-verdicts.js';

const numberLike = (description: string) => ({
  description,
  anyOf: [
    { type: 'integer' },
    { type: 'string', pattern: '^(0x[0-9a-fA-F_]+|[0-9_]+)$' },
  ],
});

/** A limit: 1 to the UINT32 maximum, as a number or a number-like string. */
const limit = (description: string) => ({
  description,
  anyOf: [
    { type: 'integer', minimum: 1, maximum: MAX_LIMIT },
    { type: 'string', pattern: '^(0x[0-9a-fA-F_]+|[0-9_]+)$' },
  ],
});

const pascalName = '^[A-Z][A-Za-z0-9]*$';
const access = {
  description: 'Access the caller\'s handle must have. FILE_ANY_ACCESS must be asked for by name.',
  type: 'string',
  enum: ['FILE_READ_ACCESS', 'FILE_WRITE_ACCESS', 'FILE_READ_ACCESS | FILE_WRITE_ACCESS', 'FILE_ANY_ACCESS'],
};
const pack = { description: 'MSVC #pragma pack value.', enum: [1, 2, 4, 8, 16] };
const description = { type: 'string', description: 'Free text, copied into generated comments.' };

export const deviceJsonSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://inverted-call.dev/schema/device-v1.json',
  title: 'Inverted-call device schema',
  description: 'One device: its IOCTL calls, its inverted-call event channels, its verdicts and the structs they carry.',
  type: 'object',
  additionalProperties: false,
  required: ['device'],
  properties: {
    $schema: { type: 'string' },
    device: {
      type: 'object',
      additionalProperties: false,
      required: ['name', 'deviceType'],
      properties: {
        name: { type: 'string', pattern: pascalName, maxLength: 64, description: 'PascalCase device name; the kernel object is \\Device\\<name>.' },
        description,
        cPrefix: { type: 'string', pattern: '^[A-Z][A-Z0-9_]*$', maxLength: 32, description: 'Prefix of C identifiers; default: the name in UPPER_SNAKE_CASE.' },
        symbolicLink: { type: 'string', pattern: '^[A-Za-z][A-Za-z0-9_.-]*$', maxLength: 64, description: 'User mode opens \\\\.\\<symbolicLink>. Default: the device name.' },
        deviceType: {
          description: 'Vendor device type 0x8000-0xFFFF, or a Microsoft FILE_DEVICE_ name.',
          anyOf: [
            { type: 'integer', minimum: 0x8000, maximum: 0xffff },
            { type: 'string', pattern: '^0x[89a-fA-F][0-9a-fA-F]{3}$' },
            { type: 'string', enum: Object.keys(NAMED_DEVICE_TYPES) },
          ],
        },
        sddl: { type: 'string', pattern: '^D:', description: `Security descriptor of the control device. Default: ${DEFAULT_SDDL} (SYSTEM and Administrators only).` },
        limits: {
          type: 'object',
          additionalProperties: false,
          description: 'Resource limits of the device. A subscribe request that would pass maxSubscriptions, maxParkedPerHandle or maxRingBytes, or an ask request that would pass maxParkedPerHandle, fails with ERROR_NOT_ENOUGH_QUOTA (STATUS_QUOTA_EXCEEDED) and creates nothing; maxRingBytesPerSubscription is checked against every channel when the schema is validated.',
          properties: {
            maxSubscriptions: limit(`Open subscriptions (handle, channel) of the device. Default ${DEFAULT_LIMITS.maxSubscriptions}.`),
            maxParkedPerHandle: limit(`Parked requests of one handle: subscribe requests of every channel and ask requests of every verdict together. Default ${DEFAULT_LIMITS.maxParkedPerHandle}.`),
            maxRingBytes: limit(`Ring memory (non-paged) of all subscriptions, in bytes: capacity x largest record per subscription. Default ${DEFAULT_LIMITS.maxRingBytes} (64 MiB).`),
            maxRingBytesPerSubscription: limit(`Ring memory (non-paged) of one subscription, in bytes: no channel's capacity x largest record may pass it. Default ${DEFAULT_LIMITS.maxRingBytesPerSubscription} (4 MiB).`),
          },
        },
      },
    },
    pack: { ...pack, description: 'Default packing of every struct. Default 8.' },
    enums: {
      type: 'object',
      propertyNames: { pattern: pascalName },
      additionalProperties: {
        type: 'object',
        additionalProperties: false,
        required: ['type', 'values'],
        properties: {
          description,
          type: { enum: ['u8', 'u16', 'u32', 'i8', 'i16', 'i32'], description: 'Underlying integer type.' },
          values: {
            type: 'object',
            minProperties: 1,
            propertyNames: { pattern: pascalName },
            additionalProperties: numberLike('The value of this member.'),
          },
        },
      },
    },
    structs: {
      type: 'object',
      propertyNames: { pattern: pascalName },
      additionalProperties: {
        type: 'object',
        additionalProperties: false,
        required: ['fields'],
        properties: {
          description,
          pack: { ...pack, description: 'Packing of this struct only.' },
          fields: {
            type: 'array',
            minItems: 1,
            items: {
              type: 'object',
              additionalProperties: false,
              required: ['name', 'type'],
              properties: {
                name: { type: 'string', pattern: '^[A-Za-z][A-Za-z0-9]*$', description: 'C spelling is PascalCase, TypeScript camelCase.' },
                type: {
                  type: 'string',
                  description: 'u8..u64, i8..i64, bool8 (BOOLEAN), bool32 (BOOL), guid, wchar[N], char[N], an enum or struct name, or T[N].',
                  examples: ['u32', 'u64', 'i64', 'bool8', 'guid', 'wchar[260]', 'char[16]', 'u8[16]'],
                },
                description,
              },
            },
          },
        },
      },
    },
    calls: {
      type: 'object',
      propertyNames: { pattern: pascalName },
      additionalProperties: {
        type: 'object',
        additionalProperties: false,
        required: ['function', 'access'],
        properties: {
          description,
          function: numberLike(`Vendor function code, ${SCHEMA_RANGE_TEXT} (${RESERVED_RANGE_TEXT} are reserved).`),
          method: { enum: ['METHOD_BUFFERED', 'METHOD_IN_DIRECT', 'METHOD_OUT_DIRECT'], description: 'Default METHOD_BUFFERED. A METHOD_IN_DIRECT call takes no output: Windows locks its second buffer for read access only.' },
          access,
          input: { type: 'string', description: 'Request struct name.' },
          output: { type: 'string', description: 'Response struct name; not allowed with METHOD_IN_DIRECT.' },
        },
      },
    },
    channels: {
      type: 'object',
      propertyNames: { pattern: pascalName },
      additionalProperties: {
        type: 'object',
        additionalProperties: false,
        required: ['function', 'access', 'events'],
        properties: {
          description,
          function: numberLike(`Function code of the subscribe IOCTL, ${SCHEMA_RANGE_TEXT} (${RESERVED_RANGE_TEXT} are reserved).`),
          method: { enum: ['METHOD_BUFFERED', 'METHOD_OUT_DIRECT'], description: 'Default METHOD_BUFFERED.' },
          access,
          capacity: { type: 'integer', minimum: 1, maximum: 1048576, description: 'Ring capacity per subscriber, in events. Default 1024.' },
          overflow: { enum: [...OVERFLOW_POLICIES], description: 'What a full ring drops. Default drop-newest.' },
          batchBytes: { type: 'integer', minimum: 40, maximum: 1048576, multipleOf: 8, description: 'Output buffer of one subscribe request. Default 4096.' },
          events: {
            type: 'object',
            minProperties: 1,
            propertyNames: { pattern: pascalName },
            additionalProperties: {
              type: 'object',
              additionalProperties: false,
              required: ['id', 'struct'],
              properties: {
                description,
                id: { type: 'integer', minimum: 1, maximum: 65535, description: 'Stable event kind id.' },
                struct: { type: 'string', description: 'Struct the event carries.' },
              },
            },
          },
        },
      },
    },
    verdicts: {
      type: 'object',
      description: 'Kernel -> user questions with a reply and a deadline. A decider parks ask requests that each receive one question, and answers with a reply carrying its id.',
      propertyNames: { pattern: pascalName },
      additionalProperties: {
        type: 'object',
        additionalProperties: false,
        required: ['askFunction', 'replyFunction', 'access', 'question', 'answer', 'deadlineMs'],
        properties: {
          description,
          askFunction: numberLike(`Function code of the ask IOCTL (METHOD_BUFFERED), ${SCHEMA_RANGE_TEXT}, shared with calls and channels.`),
          replyFunction: numberLike(`Function code of the reply IOCTL (METHOD_BUFFERED), ${SCHEMA_RANGE_TEXT}, shared with calls and channels.`),
          access: { ...access, description: 'Access a decider\'s handle must have, for both IOCTLs. FILE_ANY_ACCESS must be asked for by name.' },
          question: { type: 'string', description: 'Question struct name.' },
          answer: { type: 'string', description: 'Answer struct name.' },
          deadlineMs: { type: 'integer', minimum: 1, maximum: MAX_DEADLINE_MS, description: `Every question settles within this many milliseconds (1-${MAX_DEADLINE_MS}); without a reply by then, with the default answer.` },
          defaultAnswer: {
            type: 'object',
            description: 'Values of integer or bool top-level fields of the answer struct, used on timeout, without a decider, on a decider\'s death and past maxPending. Fields left out are 0, except a process-create verdict\'s Allow, which is 1 (fail-open) unless given.',
            additionalProperties: {
              anyOf: [
                { type: 'integer' },
                { type: 'boolean' },
                { type: 'string', pattern: '^(-?[0-9_]+|0x[0-9a-fA-F_]+)$' },
              ],
            },
          },
          maxPending: { type: 'integer', minimum: 1, maximum: MAX_PENDING_LIMIT, description: `Unsettled questions (queued + delivered) the verdict holds; one more settles with the default at once. Default ${DEFAULT_MAX_PENDING}.` },
          on: { enum: [...VERDICT_TRIGGERS], description: 'process-create: the driver template\'s process-notify callback asks this verdict on every process creation (at most one verdict).' },
        },
      },
    },
  },
} as const;
