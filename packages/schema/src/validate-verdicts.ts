/**
 * Validates `verdicts`: the ask and reply IOCTLs (in the function space calls and channels use),
 * the question and answer structs, the deadline, the pending limit, the default answer, and the
 * `process-create` trigger's demands on both structs.
 */
import { VERDICT_QUESTION_HEADER_BYTES, VERDICT_REPLY_HEADER_BYTES } from '@inverted-call/codec';
import { IssueList, closest, joinPath } from './errors.js';
import type { EnumModel, FieldModel, PrimitiveName, StructModel, VerdictDefaultValue, VerdictModel } from './model.js';
import { PASCAL_NAME, upperSnake } from './names.js';
import {
  PROCESS_CREATE_ALLOW_FIELD,
  PROCESS_CREATE_ALLOW_TYPES,
  PROCESS_CREATE_DEFAULT_ALLOW,
  PROCESS_CREATE_FIELDS,
} from './process-create.js';
import { PRIMITIVES } from './types.js';
import { describeValue, isObject, readInteger, readNamedMap, readObject, readOptionalDescription, readString, type JsonObject } from './validate-helpers.js';
import { FUNCTION_RANGE, claimIoctl, readAccess, readFunctionCode, readStructName, suggestFunction, type Context, type FunctionClaims } from './validate-interface.js';
import type { VerdictTrigger } from './input.js';

export const MAX_DEADLINE_MS = 5000;
export const DEFAULT_MAX_PENDING = 64;
export const MAX_PENDING_LIMIT = 1024;
export const VERDICT_TRIGGERS: readonly VerdictTrigger[] = ['process-create'];

const KEYS = {
  required: ['askFunction', 'replyFunction', 'access', 'question', 'answer', 'deadlineMs'],
  optional: ['description', 'defaultAnswer', 'maxPending', 'on'],
} as const;

interface VerdictContext extends Context {
  enums: readonly EnumModel[];
}

export function validateVerdicts(issues: IssueList, value: unknown, context: VerdictContext, claims: FunctionClaims): VerdictModel[] {
  const result: VerdictModel[] = [];
  let processCreateOwner: string | undefined;
  for (const [name, raw] of readNamedMap(issues, value, 'verdicts', 'verdicts', PASCAL_NAME, 'use PascalCase letters and digits, starting with a capital letter, e.g. ProcessCreate')) {
    const path = joinPath('verdicts', name);
    const missingFunction = () => `give a vendor function code from ${FUNCTION_RANGE} that no call, channel or other verdict uses, e.g. ${suggestFunction(claims)}`;
    const entry = readObject(issues, raw, path, KEYS, `verdict ${name}`, { askFunction: missingFunction, replyFunction: missingFunction });
    if (!entry) continue;
    const description = readOptionalDescription(issues, entry, path);
    const cName = `${context.cPrefix}_VERDICT_${upperSnake(name)}`;
    const askPath = joinPath(path, 'askFunction');
    const replyPath = joinPath(path, 'replyFunction');
    const askFunction = readFunctionCode(issues, entry.askFunction, askPath, claims);
    const replyFunction = readFunctionCode(issues, entry.replyFunction, replyPath, claims);
    const access = readAccess(issues, entry, path);
    const ask = askFunction === undefined || access === undefined ? undefined
      : claimIoctl(issues, { functionCode: askFunction, method: 0, access, cName: `IOCTL_${context.cPrefix}_ASK_${upperSnake(name)}`, path: askPath, functionPath: askPath }, context, claims);
    const reply = replyFunction === undefined || access === undefined ? undefined
      : claimIoctl(issues, { functionCode: replyFunction, method: 0, access, cName: `IOCTL_${context.cPrefix}_REPLY_${upperSnake(name)}`, path: replyPath, functionPath: replyPath }, context, claims);
    const question = readStructName(issues, entry.question, joinPath(path, 'question'), context, 'question');
    const answer = readStructName(issues, entry.answer, joinPath(path, 'answer'), context, 'answer');
    const deadlineMs = entry.deadlineMs === undefined ? undefined
      : readInteger(issues, entry.deadlineMs, joinPath(path, 'deadlineMs'), 'deadlineMs (milliseconds)', { min: 1, max: MAX_DEADLINE_MS });
    const maxPending = entry.maxPending === undefined ? DEFAULT_MAX_PENDING
      : readInteger(issues, entry.maxPending, joinPath(path, 'maxPending'), 'maxPending (unsettled questions)', { min: 1, max: MAX_PENDING_LIMIT });
    const on = readTrigger(issues, entry.on, joinPath(path, 'on'));
    if (!ask || !reply || !question || !answer || deadlineMs === undefined || maxPending === undefined || on === null) continue;

    const questionStruct = context.structs.get(question)!;
    const answerStruct = context.structs.get(answer)!;
    let triggerOk = true;
    if (on === 'process-create') {
      if (processCreateOwner !== undefined) {
        issues.add(joinPath(path, 'on'), `verdicts.${processCreateOwner} is already asked on process creation; the callback asks one verdict per process`, `remove "on" here, or from verdicts.${processCreateOwner}`);
        triggerOk = false;
      } else {
        processCreateOwner = name;
        triggerOk = checkProcessCreate(issues, path, questionStruct, answerStruct, context.enums);
      }
    }
    // With the trigger refused, the default's Allow rule does not apply: check the default once it is fixed.
    if (!triggerOk) continue;
    const defaults = readDefaultAnswer(issues, entry.defaultAnswer, joinPath(path, 'defaultAnswer'), answerStruct, on);
    if (!defaults) continue;
    const questionBytes = questionStruct.layout.x64.size;
    const answerBytes = answerStruct.layout.x64.size;
    result.push({
      name,
      cName,
      ask,
      reply,
      question,
      answer,
      questionBytes,
      answerBytes,
      askOutputBytes: VERDICT_QUESTION_HEADER_BYTES + questionBytes,
      replyInputBytes: VERDICT_REPLY_HEADER_BYTES + answerBytes,
      deadlineMs,
      maxPending,
      defaultAnswer: defaults.values,
      defaultAnswerBytes: defaults.bytes,
      on,
      description,
    });
  }
  return result;
}

/** `on`: undefined when absent, null when wrong (reported). */
function readTrigger(issues: IssueList, value: unknown, path: string): VerdictTrigger | undefined | null {
  if (value === undefined) return undefined;
  if (typeof value === 'string' && (VERDICT_TRIGGERS as readonly string[]).includes(value)) return value as VerdictTrigger;
  issues.add(path, `trigger ${describeValue(value)} is unknown`, `use ${VERDICT_TRIGGERS.map((trigger) => `"${trigger}"`).join(' or ')} (the driver template asks the verdict on every process creation), or remove "on" and ask it from your own driver code`);
  return null;
}

/** The question must carry what the process-notify callback fills; the answer needs Allow. */
function checkProcessCreate(issues: IssueList, path: string, question: StructModel, answer: StructModel, enums: readonly EnumModel[]): boolean {
  let ok = true;
  for (const want of PROCESS_CREATE_FIELDS) {
    const index = question.fields.findIndex((field) => field.name === want.name);
    const fieldsPath = joinPath(joinPath('structs', question.name), 'fields');
    if (index < 0) {
      issues.add(fieldsPath, `verdict ${path.slice('verdicts.'.length)} is asked on process creation, and the process-notify callback fills field "${want.name}" (${want.typeText}), which question struct ${question.name} lacks`, `add { "name": "${want.name}", "type": ... } of type ${want.typeText} to ${question.name}, or remove "on": "process-create"`);
      ok = false;
    } else if (!want.accepts(question.fields[index]!, enums)) {
      issues.add(joinPath(fieldsPath, index), `field "${want.name}" of ${question.name} is ${question.fields[index]!.typeText}, but the process-notify callback fills ${want.typeText}`, `change its type to ${want.typeText}`);
      ok = false;
    }
  }
  const allowIndex = answer.fields.findIndex((field) => field.cName === PROCESS_CREATE_ALLOW_FIELD);
  const allowTypes = PROCESS_CREATE_ALLOW_TYPES.join(', ');
  if (allowIndex < 0) {
    issues.add(joinPath(path, 'answer'), `verdict ${path.slice('verdicts.'.length)} is asked on process creation, and the callback reads the answer's field ${PROCESS_CREATE_ALLOW_FIELD} (non-zero allows the process), which struct ${answer.name} lacks`, `add { "name": "${PROCESS_CREATE_ALLOW_FIELD}", "type": "bool32" } (or ${allowTypes}) to ${answer.name}`);
    ok = false;
  } else {
    const allow = answer.fields[allowIndex]!;
    if (allow.type.kind !== 'primitive' || !PROCESS_CREATE_ALLOW_TYPES.includes(allow.type.name)) {
      issues.add(joinPath(joinPath(joinPath('structs', answer.name), 'fields'), allowIndex), `field ${allow.name} of ${answer.name} is ${allow.typeText}, but the process-notify callback reads it as a yes/no`, `change its type to one of ${allowTypes}`);
      ok = false;
    }
  }
  return ok;
}

const INTEGER_RANGES: Record<Exclude<PrimitiveName, 'bool8' | 'bool32'>, [bigint, bigint]> = {
  u8: [0n, 0xffn],
  u16: [0n, 0xffffn],
  u32: [0n, 0xffff_ffffn],
  u64: [0n, (1n << 64n) - 1n],
  i8: [-0x80n, 0x7fn],
  i16: [-0x8000n, 0x7fffn],
  i32: [-0x8000_0000n, 0x7fff_ffffn],
  i64: [-(1n << 63n), (1n << 63n) - 1n],
};

/** An integer as JSON or YAML writes it: a safe integer, or a decimal / 0x string (for 64-bit values). */
function parseInteger(value: unknown): bigint | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) ? BigInt(value) : undefined;
  if (typeof value !== 'string') return undefined;
  const text = value.trim().replace(/_/g, '');
  if (!/^(-?[0-9]+|0x[0-9a-fA-F]+)$/.test(text)) return undefined;
  return BigInt(text);
}

/**
 * The default answer's values and bytes. Each key names an integer or bool top-level field of the
 * answer; every other byte is 0, except a process-create verdict's Allow, which is 1 unless given.
 */
function readDefaultAnswer(
  issues: IssueList,
  value: unknown,
  path: string,
  answer: StructModel,
  on: VerdictTrigger | undefined,
): { values: VerdictDefaultValue[]; bytes: number[] } | undefined {
  const given = new Map<FieldModel, bigint>();
  let ok = true;
  if (value !== undefined && !isObject(value)) {
    issues.add(path, `defaultAnswer must be an object of answer fields, found ${describeValue(value)}`, `write it as { "FieldName": value }, e.g. { "${answer.fields[0]!.name}": 0 }, or leave it out for an all-zero answer`);
    return undefined;
  }
  for (const [key, raw] of Object.entries((value ?? {}) as JsonObject)) {
    const fieldPath = joinPath(path, key);
    const field = answer.fields.find((candidate) => candidate.name === key);
    if (!field) {
      const suggestion = closest(key, answer.fields.map((candidate) => candidate.name));
      issues.add(fieldPath, `answer struct ${answer.name} has no field "${key}"`, suggestion ? `did you mean "${suggestion}"?` : `name one of its fields: ${answer.fields.map((candidate) => candidate.name).join(', ')}`);
      ok = false;
      continue;
    }
    if (field.type.kind !== 'primitive') {
      issues.add(fieldPath, `field ${key} of ${answer.name} is ${field.typeText}; a default answer sets only integer and bool fields`, `leave ${key} out of defaultAnswer (it defaults to zero), or make it an integer or bool field`);
      ok = false;
      continue;
    }
    const parsed = readFieldValue(issues, raw, fieldPath, field.type.name, key);
    if (parsed === undefined) ok = false;
    else given.set(field, parsed);
  }
  if (!ok) return undefined;
  if (on === 'process-create') {
    const allow = answer.fields.find((field) => field.cName === PROCESS_CREATE_ALLOW_FIELD)!;
    if (!given.has(allow)) given.set(allow, BigInt(PROCESS_CREATE_DEFAULT_ALLOW));
  }
  const bytes = new Uint8Array(answer.layout.x64.size);
  const view = new DataView(bytes.buffer);
  const values: VerdictDefaultValue[] = [];
  answer.fields.forEach((field, index) => {
    const number = given.get(field);
    if (number === undefined || field.type.kind !== 'primitive') return;
    const name = field.type.name;
    const size = PRIMITIVES[name].size;
    const offset = answer.layout.x64.offsets[index]!;
    // Little-endian two's complement of the field's width.
    let bits = BigInt.asUintN(size * 8, number);
    for (let byte = 0; byte < size; byte++, bits >>= 8n) view.setUint8(offset + byte, Number(bits & 0xffn));
    const tsType = PRIMITIVES[name].tsType;
    values.push({ field: field.name, value: tsType === 'boolean' ? number !== 0n : tsType === 'bigint' ? number : Number(number) });
  });
  return { values, bytes: [...bytes] };
}

function readFieldValue(issues: IssueList, raw: unknown, path: string, type: PrimitiveName, key: string): bigint | undefined {
  if (type === 'bool8' || type === 'bool32') {
    if (raw === true || raw === 1) return 1n;
    if (raw === false || raw === 0) return 0n;
    issues.add(path, `${key} is ${type}, and ${describeValue(raw)} is not a yes/no`, 'use true or false (or 1 or 0)');
    return undefined;
  }
  const [min, max] = INTEGER_RANGES[type];
  const parsed = parseInteger(raw);
  if (parsed === undefined) {
    issues.add(path, `${key} is ${type}, and ${describeValue(raw)} is not a whole number`, `write a number from ${min} to ${max}${type.endsWith('64') ? ' (as a string for values past 2^53)' : ''}`);
    return undefined;
  }
  if (parsed < min || parsed > max) {
    issues.add(path, `${key} is ${type}, and ${parsed} is out of its range`, `use a number from ${min} to ${max}`);
    return undefined;
  }
  return parsed;
}

