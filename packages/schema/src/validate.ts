/**
 * `validateDeviceSchema`: the one entry from a parsed schema to a `DeviceModel`. Every problem is
 * collected with its exact path and a fix, then thrown together as a `SchemaError`.
 */
import { ctlCode } from '@inverted-call/codec';
import { IssueList, closest } from './errors.js';
import { schemaHash } from './hash.js';
import type { PackValue } from './input.js';
import { NAMED_DEVICE_TYPES, PROTOCOL_INFO_FUNCTION, VENDOR_DEVICE_TYPE_MAX, VENDOR_DEVICE_TYPE_MIN, hex, parseNumberLike } from './ioctl.js';
import { checkRingBudget, readLimits } from './limits.js';
import type { DeviceModel, StructModel } from './model.js';
import { C_PREFIX, PASCAL_NAME, SYMBOLIC_LINK, upperSnake } from './names.js';
import { checkSddl, DEFAULT_SDDL } from './sddl.js';
import { describeValue, isObject, readObject, readOptionalDescription, readString } from './validate-helpers.js';
import { functionClaims, validateCalls, validateChannels } from './validate-interface.js';
import { readPack, validateEnums, validateStructs } from './validate-types.js';
import { validateVerdicts } from './validate-verdicts.js';
import { collectCIdentifiers, reservedCIdentifierReason, reservedCPrefixReason, suggestCPrefix } from './c-identifiers.js';

export interface ValidateOptions {
  /** File name shown in error messages. */
  source?: string;
}

const ROOT_KEYS = { required: ['device'], optional: ['$schema', 'pack', 'enums', 'structs', 'calls', 'channels', 'verdicts'] } as const;

export function validateDeviceSchema(input: unknown, options: ValidateOptions = {}): DeviceModel {
  const issues = new IssueList();
  const root = readObject(issues, input, '', ROOT_KEYS, 'the schema');
  if (!root) {
    issues.throwIfAny(options.source);
    throw new Error('unreachable');
  }

  const device = readDevice(issues, root.device);
  const pack: PackValue = readPack(issues, root.pack, 'pack') ?? 8;
  const cPrefix = device?.cPrefix ?? 'DEVICE';
  const enums = validateEnums(issues, root.enums, cPrefix);
  const enumNames = new Set(isObject(root.enums) ? Object.keys(root.enums) : []);
  const structs = validateStructs(issues, root.structs, { cPrefix, pack, enums, enumNames });
  const structMap = new Map<string, StructModel>(structs.map((struct) => [struct.name, struct]));
  const declaredStructs = new Set(isObject(root.structs) ? Object.keys(root.structs) : []);
  const deviceType = device?.deviceType.value ?? VENDOR_DEVICE_TYPE_MIN;
  const context = { cPrefix, deviceType, structs: structMap, declaredStructs, enumNames };
  const claims = functionClaims(root.calls, root.channels, root.verdicts);
  const calls = validateCalls(issues, root.calls, context, claims);
  const channels = validateChannels(issues, root.channels, context, claims);
  const verdicts = validateVerdicts(issues, root.verdicts, { ...context, enums }, claims);

  if (!device) issues.throwIfAny(options.source);
  checkRingBudget(issues, device!.limits, channels);
  const model: DeviceModel = {
    ...device!,
    pack,
    enums,
    structs,
    calls,
    channels,
    verdicts,
    protocolInfo: {
      function: PROTOCOL_INFO_FUNCTION,
      method: 0,
      access: 0,
      code: ctlCode(deviceType, PROTOCOL_INFO_FUNCTION, 0, 0),
      cName: `IOCTL_${cPrefix}_PROTOCOL_INFO`,
    },
    schemaHash: '',
  };
  checkIdentifierCollisions(issues, model);
  issues.throwIfAny(options.source);
  model.schemaHash = schemaHash(model);
  return model;
}

type DevicePart = Pick<DeviceModel, 'name' | 'cPrefix' | 'symbolicLink' | 'deviceType' | 'sddl' | 'limits' | 'description'>;

function readDevice(issues: IssueList, value: unknown): DevicePart | undefined {
  const entry = readObject(issues, value, 'device', { required: ['name', 'deviceType'], optional: ['description', 'cPrefix', 'symbolicLink', 'sddl', 'limits'] }, 'device');
  if (!entry) return undefined;
  const description = readOptionalDescription(issues, entry, 'device');
  let ok = true;

  const name = entry.name === undefined ? undefined : readString(issues, entry.name, 'device.name', 'the device name');
  if (name !== undefined && (!PASCAL_NAME.test(name) || name.length > 64)) {
    issues.add('device.name', `device name "${name}" is not valid`, 'use PascalCase letters and digits, at most 64, e.g. ProcessMonitor');
    ok = false;
  }
  if (name === undefined) ok = false;

  let cPrefix = name !== undefined ? upperSnake(name) : undefined;
  if (entry.cPrefix !== undefined) {
    const prefix = readString(issues, entry.cPrefix, 'device.cPrefix', 'the C prefix');
    if (prefix !== undefined && (!C_PREFIX.test(prefix) || prefix.length > 32)) {
      issues.add('device.cPrefix', `C prefix "${prefix}" is not valid`, 'use UPPER_SNAKE_CASE letters, digits and underscores, at most 32, e.g. PROCMON');
      ok = false;
    } else if (prefix !== undefined) {
      cPrefix = prefix;
    }
  }
  const prefixProblem = cPrefix === undefined ? undefined : reservedCPrefixReason(cPrefix);
  if (prefixProblem !== undefined) {
    const derived = entry.cPrefix === undefined ? `device name "${name}" gives the C prefix ${cPrefix}; ` : '';
    issues.add(entry.cPrefix !== undefined ? 'device.cPrefix' : 'device.name', `${derived}${prefixProblem}`, `set device.cPrefix to another prefix, e.g. "${suggestCPrefix(cPrefix!)}"`);
    ok = false;
  }

  let symbolicLink = name;
  if (entry.symbolicLink !== undefined) {
    const link = readString(issues, entry.symbolicLink, 'device.symbolicLink', 'the symbolic link name');
    if (link !== undefined && (!SYMBOLIC_LINK.test(link) || link.length > 64)) {
      issues.add('device.symbolicLink', `symbolic link name "${link}" is not valid`, 'give the bare name user mode opens as \\\\.\\Name: letters, digits, "_", "." or "-", e.g. ProcessMonitor');
      ok = false;
    } else {
      symbolicLink = link;
    }
  }

  const deviceType = readDeviceType(issues, entry.deviceType);
  if (!deviceType) ok = false;

  let sddl = DEFAULT_SDDL;
  if (entry.sddl !== undefined) {
    const text = readString(issues, entry.sddl, 'device.sddl', 'the SDDL string');
    const problem = text === undefined ? undefined : checkSddl(text);
    if (problem) {
      issues.add('device.sddl', problem.message, problem.fix);
      ok = false;
    } else if (text !== undefined) {
      sddl = text;
    }
  }
  const limits = readLimits(issues, entry.limits);
  if (!limits) ok = false;
  if (!ok) return undefined;
  return { name: name!, cPrefix: cPrefix!, symbolicLink: symbolicLink!, deviceType: deviceType!, sddl, limits: limits!, description };
}

function readDeviceType(issues: IssueList, value: unknown): DeviceModel['deviceType'] | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string' && value.startsWith('FILE_DEVICE_')) {
    const named = NAMED_DEVICE_TYPES[value];
    if (named === undefined) {
      const suggestion = closest(value, Object.keys(NAMED_DEVICE_TYPES));
      issues.add('device.deviceType', `unknown device type name "${value}"`, suggestion
        ? `did you mean "${suggestion}"? Otherwise use a vendor number 0x8000-0xFFFF`
        : `use a vendor number 0x8000-0xFFFF, or one of: ${Object.keys(NAMED_DEVICE_TYPES).join(', ')}`);
      return undefined;
    }
    return { value: named, cName: value };
  }
  const number = parseNumberLike(value);
  if (number === undefined) {
    issues.add('device.deviceType', `device type ${describeValue(value)} is neither a number nor a FILE_DEVICE_ name`, 'use a vendor number 0x8000-0xFFFF (e.g. "0x8000") or a name such as "FILE_DEVICE_UNKNOWN"');
    return undefined;
  }
  if (number < VENDOR_DEVICE_TYPE_MIN || number > VENDOR_DEVICE_TYPE_MAX) {
    const name = Object.entries(NAMED_DEVICE_TYPES).find(([, code]) => code === number)?.[0];
    issues.add(
      'device.deviceType',
      `device type ${hex(number)} is ${number < VENDOR_DEVICE_TYPE_MIN ? "in Microsoft's range" : 'larger than 16 bits'}`,
      name ? `write it by name, "${name}", or use a vendor number 0x8000-0xFFFF` : 'use a vendor number 0x8000-0xFFFF, or a Microsoft type by its FILE_DEVICE_ name',
    );
    return undefined;
  }
  return { value: number };
}

function checkIdentifierCollisions(issues: IssueList, model: DeviceModel): void {
  const seen = new Map<string, string>();
  const refused = new Set<string>();
  for (const { identifier, path, structTag } of collectCIdentifiers(model)) {
    // `typedef struct _NAME` is the Windows headers' own convention for the tag, so it is exempt.
    const reason = structTag ? undefined : reservedCIdentifierReason(identifier);
    if (reason !== undefined) {
      if (!refused.has(path)) issues.add(path, `its C name ${identifier} cannot be used: ${reason}`, 'rename it (or set device.cPrefix)');
      refused.add(path);
      continue;
    }
    const previous = seen.get(identifier);
    if (previous !== undefined && previous !== path) {
      issues.add(path, `its C name ${identifier} is also the C name of ${previous || 'a generated constant'}`, 'rename one of them (or set device.cPrefix)');
    } else {
      seen.set(identifier, path);
    }
  }
}
