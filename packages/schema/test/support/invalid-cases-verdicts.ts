// Invalid verdicts: each one mistake away from the valid process-create verdict of verdict-doc.ts.
import type { InvalidCase } from './invalid-case.js';
import { VERDICT_PATH, verdict, withVerdict } from './verdict-doc.js';

const at = (key: string) => `${VERDICT_PATH}.${key}`;

export const verdictCases: InvalidCase[] = [
  {
    name: 'verdicts that are not an object',
    mutate: (doc) => void (doc.verdicts = []),
    path: 'verdicts',
    fix: '"Name"',
    structural: true,
  },
  {
    name: 'a verdict name that is not PascalCase',
    mutate: withVerdict((doc) => {
      doc.verdicts.processCreate = doc.verdicts.ProcessCreate;
      delete doc.verdicts.ProcessCreate;
    }),
    path: 'verdicts.processCreate',
    fix: 'PascalCase',
    structural: true,
  },
  {
    name: 'an unknown verdict key',
    mutate: withVerdict((doc) => void (verdict(doc).deadline = 10)),
    path: at('deadline'),
    fix: 'deadlineMs',
    structural: true,
  },
  {
    name: 'a verdict without its ask function',
    mutate: withVerdict((doc) => void delete verdict(doc).askFunction),
    path: at('askFunction'),
    fix: 'that no call, channel or other verdict uses, e.g. "0x802"',
    structural: true,
  },
  {
    name: 'a reply function in the reserved top',
    mutate: withVerdict((doc) => void (verdict(doc).replyFunction = '0xFFD')),
    path: at('replyFunction'),
    fix: 'e.g. "0x802"',
    message: "the test build's process-notify IOCTL",
  },
  {
    name: 'an ask function below the vendor range',
    mutate: withVerdict((doc) => void (verdict(doc).askFunction = '0x7FF')),
    path: at('askFunction'),
    fix: 'from 0x800 to 0xFFA',
  },
  {
    name: 'an ask function a call already uses',
    mutate: withVerdict((doc) => void (verdict(doc).askFunction = '0x800')),
    path: at('askFunction'),
    fix: 'its own function code: the next free one is "0x802"',
    message: 'calls.GetVersion',
  },
  {
    name: 'a reply function a channel already uses',
    mutate: withVerdict((doc) => void (verdict(doc).replyFunction = '0x801')),
    path: at('replyFunction'),
    fix: 'its own function code',
    message: 'channels.Process',
  },
  {
    name: 'ask and reply on one function code',
    mutate: withVerdict((doc) => void (verdict(doc).replyFunction = '0x820')),
    path: at('replyFunction'),
    fix: 'the next free one is "0x821"',
    message: 'already used by verdicts.ProcessCreate.askFunction',
  },
  {
    name: 'two verdicts on one function code',
    mutate: withVerdict((doc) => {
      doc.verdicts.Second = { ...verdict(doc), askFunction: '0x830', replyFunction: '0x821' };
      delete doc.verdicts.Second.on;
    }),
    path: 'verdicts.Second.replyFunction',
    fix: 'its own function code',
    message: 'verdicts.ProcessCreate.replyFunction',
  },
  {
    name: 'a verdict without access',
    mutate: withVerdict((doc) => void delete verdict(doc).access),
    path: at('access'),
    fix: 'FILE_ANY_ACCESS',
    structural: true,
  },
  {
    name: 'a verdict access that is not a known name',
    mutate: withVerdict((doc) => void (verdict(doc).access = 'FILE_WRITE')),
    path: at('access'),
    fix: 'FILE_WRITE_ACCESS',
    structural: true,
  },
  {
    name: 'a question struct that does not exist',
    mutate: withVerdict((doc) => void (verdict(doc).question = 'ProcessCreateQuestin')),
    path: at('question'),
    fix: 'did you mean "ProcessCreateQuestion"?',
  },
  {
    name: 'an answer that is an enum',
    mutate: withVerdict((doc) => void (verdict(doc).answer = 'ImageNameState')),
    path: at('answer'),
    fix: 'declare a struct with one field of type ImageNameState',
  },
  {
    name: 'a verdict without a deadline',
    mutate: withVerdict((doc) => void delete verdict(doc).deadlineMs),
    path: at('deadlineMs'),
    fix: 'deadlineMs',
    structural: true,
  },
  {
    name: 'a deadline of 0',
    mutate: withVerdict((doc) => void (verdict(doc).deadlineMs = 0)),
    path: at('deadlineMs'),
    fix: 'from 1 to 5000',
    structural: true,
  },
  {
    name: 'a deadline past 5 seconds',
    mutate: withVerdict((doc) => void (verdict(doc).deadlineMs = 5001)),
    path: at('deadlineMs'),
    fix: 'from 1 to 5000',
    structural: true,
  },
  {
    name: 'a fractional deadline',
    mutate: withVerdict((doc) => void (verdict(doc).deadlineMs = 2.5)),
    path: at('deadlineMs'),
    fix: 'from 1 to 5000',
    structural: true,
  },
  {
    name: 'maxPending of 0',
    mutate: withVerdict((doc) => void (verdict(doc).maxPending = 0)),
    path: at('maxPending'),
    fix: 'from 1 to 1024',
    structural: true,
  },
  {
    name: 'maxPending past 1024',
    mutate: withVerdict((doc) => void (verdict(doc).maxPending = 1025)),
    path: at('maxPending'),
    fix: 'from 1 to 1024',
    structural: true,
  },
  {
    name: 'a default answer that is not an object',
    mutate: withVerdict((doc) => void (verdict(doc).defaultAnswer = 1)),
    path: at('defaultAnswer'),
    fix: '{ "Allow": 0 }',
    structural: true,
  },
  {
    name: 'a default answer naming no field of the answer',
    mutate: withVerdict((doc) => void (verdict(doc).defaultAnswer = { Alow: 1 })),
    path: at('defaultAnswer.Alow'),
    fix: 'did you mean "Allow"?',
  },
  {
    name: 'a default answer setting a string field',
    mutate: withVerdict((doc) => void (verdict(doc).defaultAnswer = { Note: 1 })),
    path: at('defaultAnswer.Note'),
    fix: 'leave Note out of defaultAnswer',
    message: 'only integer and bool fields',
  },
  {
    name: 'a default value out of the field\'s range',
    mutate: withVerdict((doc) => void (verdict(doc).defaultAnswer = { Reason: -1 })),
    path: at('defaultAnswer.Reason'),
    fix: 'from 0 to 4294967295',
  },
  {
    name: 'a default value that is not a number',
    mutate: withVerdict((doc) => void (verdict(doc).defaultAnswer = { Reason: 'many' })),
    path: at('defaultAnswer.Reason'),
    fix: 'from 0 to 4294967295',
    structural: true,
  },
  {
    name: 'a default bool that is not a yes/no',
    mutate: withVerdict((doc) => void (verdict(doc).defaultAnswer = { Allow: 2 })),
    path: at('defaultAnswer.Allow'),
    fix: 'true or false',
  },
  {
    name: 'an unknown trigger',
    mutate: withVerdict((doc) => void (verdict(doc).on = 'process-exit')),
    path: at('on'),
    fix: '"process-create"',
    structural: true,
  },
  {
    name: 'two verdicts asked on process creation',
    mutate: withVerdict((doc) => void (doc.verdicts.Again = { ...verdict(doc), askFunction: '0x830', replyFunction: '0x831' })),
    path: 'verdicts.Again.on',
    fix: 'remove "on" here, or from verdicts.ProcessCreate',
  },
  {
    name: 'a process-create question without a field the callback fills',
    mutate: withVerdict((doc) => void doc.structs.ProcessCreateQuestion.fields.splice(1, 1)),
    path: 'structs.ProcessCreateQuestion.fields',
    fix: 'add { "name": "parentProcessId", "type": ... } of type u64',
  },
  {
    name: 'a process-create question field of another type',
    mutate: withVerdict((doc) => void (doc.structs.ProcessCreateQuestion.fields[0].type = 'u32')),
    path: 'structs.ProcessCreateQuestion.fields[0]',
    fix: 'change its type to u64',
  },
  {
    name: 'a process-create answer without Allow',
    // defaultAnswer still names Allow: reported once, at the answer, not again at the default.
    mutate: withVerdict((doc) => void (doc.structs.ProcessCreateAnswer.fields[0].name = 'Permit')),
    path: at('answer'),
    fix: '{ "name": "Allow", "type": "bool32" }',
  },
  {
    name: 'a process-create answer whose Allow is not a yes/no type',
    mutate: withVerdict((doc) => void (doc.structs.ProcessCreateAnswer.fields[0].type = 'u64')),
    path: 'structs.ProcessCreateAnswer.fields[0]',
    fix: 'bool32, u32, bool8',
  },
  {
    name: 'a verdict C name that collides with a call\'s',
    mutate: withVerdict((doc) => void (doc.calls.AskProcessCreate = { function: '0x840', access: 'FILE_READ_ACCESS' })),
    path: VERDICT_PATH,
    fix: 'rename one of them',
    message: 'IOCTL_PROCESS_MONITOR_ASK_PROCESS_CREATE is also the C name of calls.AskProcessCreate',
  },
];
