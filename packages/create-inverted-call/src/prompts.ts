/**
 * The questions asked at a terminal, one per answer the flags left out. Each validates with the
 * same check as its flag (answers.ts), and defaults follow earlier answers: the device name
 * comes from the project name. A project name whose folder is taken is refused at the question.
 */
import {
  DEFAULT_CALLS,
  DEFAULT_CHANNELS,
  DEFAULT_DEVICE_TYPE,
  DEFAULT_DRIVER,
  DEFAULT_PROJECT_NAME,
  PROCESS_CHANNEL,
  checkDeviceName,
  checkProjectName,
  defaultDeviceName,
  parseDeviceType,
  parseNameList,
  type RawAnswers,
} from './answers.js';
import { checkTargetFolder, targetDirectory } from './target-folder.js';

/** The subset of an inquirer question this generator uses. */
export interface Question {
  type: 'input' | 'confirm' | 'select';
  name: keyof RawAnswers;
  message: string;
  default?: unknown;
  choices?: { name: string; value: string }[];
  validate?: (value: string) => true | string;
}

const asValidation = (problem: string | undefined): true | string => problem ?? true;

/** Where the project goes, so the project-name question can refuse a folder that is taken. */
export interface TargetSettings {
  cwd: string;
  directory?: string;
  allowNonEmpty: boolean;
}

/** Why a project name cannot be used here: the name itself, or the folder it would go into. */
function checkProjectAnswer(name: string, target: TargetSettings): string | undefined {
  const problem = checkProjectName(name);
  if (problem || target.directory !== undefined) return problem;
  try {
    checkTargetFolder(targetDirectory(target.cwd, name), target.cwd, target.allowNonEmpty);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

/** Questions for the answers not given, in the order a user thinks about them. */
export function questionsFor(given: RawAnswers, target: TargetSettings): Question[] {
  const all: Question[] = [
    {
      type: 'input',
      name: 'projectName',
      message: 'Project name (an npm package name; also the folder)',
      default: DEFAULT_PROJECT_NAME,
      validate: (value) => asValidation(checkProjectAnswer(value.trim(), target)),
    },
    {
      type: 'input',
      name: 'deviceName',
      message: 'Device name (PascalCase: \\Device\\<name>, and the prefix of C names)',
      default: (answers: RawAnswers) => defaultDeviceName(answers.projectName ?? given.projectName ?? DEFAULT_PROJECT_NAME),
      validate: (value) => asValidation(checkDeviceName(value.trim())),
    },
    {
      type: 'input',
      name: 'deviceType',
      message: 'Device type (a vendor number, 0x8000-0xFFFF)',
      default: DEFAULT_DEVICE_TYPE,
      validate: (value) => {
        const parsed = parseDeviceType(value);
        return 'problem' in parsed ? parsed.problem : true;
      },
    },
    {
      type: 'confirm',
      name: 'processNotify',
      message: `Report process creation and exit (a ${PROCESS_CHANNEL} channel fed by the driver's process-notify callback)?`,
      default: true,
    },
    {
      type: 'input',
      name: 'calls',
      message: 'Calls to start with (PascalCase, comma-separated; empty for none)',
      default: DEFAULT_CALLS,
      validate: (value) => {
        const parsed = parseNameList(value, 'call');
        return 'problem' in parsed ? parsed.problem : true;
      },
    },
    {
      type: 'input',
      name: 'channels',
      message: `Other channels to start with (PascalCase, comma-separated; empty for none)`,
      default: DEFAULT_CHANNELS,
      validate: (value) => {
        const parsed = parseNameList(value, 'channel');
        return 'problem' in parsed ? parsed.problem : true;
      },
    },
    {
      type: 'select',
      name: 'driver',
      message: 'Driver flavour',
      default: DEFAULT_DRIVER,
      choices: [
        { name: 'KMDF (recommended)', value: 'kmdf' },
        { name: 'WDM (for teams with a WDM driver; also runs under Wine)', value: 'wdm' },
      ],
    },
  ];
  return all.filter((question) => given[question.name] === undefined);
}
