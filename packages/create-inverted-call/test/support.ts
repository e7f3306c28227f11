/** Shared helpers: running the generator with yeoman-test, reading what it wrote, spawning the bin. */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import helpers from 'yeoman-test';
import { InvertedCallGenerator, type CreateOptions } from '../src/index.js';

export const packageRoot = fileURLToPath(new URL('..', import.meta.url));
export const repositoryRoot = fileURLToPath(new URL('../../..', import.meta.url));
export const bin = join(packageRoot, 'bin', 'create-inverted-call.mjs');

export interface Generated {
  /** The folder the generator ran in. */
  cwd: string;
  /** The project folder. */
  project: string;
  generator: InvertedCallGenerator;
  /** Names of the questions asked, in order. */
  asked: string[];
}

/**
 * Runs the generator class (not a path: yeoman packages are ESM-only) in a temporary folder.
 * `prepare` runs in that folder first, to put files there. yeoman-test makes the environment
 * overwrite files without asking (`force`); `environment` can turn that off.
 */
export async function generate(
  options: CreateOptions,
  settings: { answers?: Record<string, unknown>; prepare?: (cwd: string) => void; environment?: Record<string, unknown> } = {},
): Promise<Generated> {
  const context = helpers.run(InvertedCallGenerator, {}, settings.environment).withOptions(options as never);
  if (settings.answers) context.withAnswers(settings.answers);
  if (settings.prepare) context.doInDir(settings.prepare);
  const result = await context;
  const generator = result.generator as unknown as InvertedCallGenerator;
  return { cwd: result.cwd, project: generator.destinationRoot(), generator, asked: context.askedQuestions.map((question) => question.name) };
}

/** Every file under a folder, relative, with forward slashes, sorted. */
export function filesUnder(folder: string): string[] {
  const files: string[] = [];
  const walk = (directory: string) => {
    for (const entry of readdirSync(directory, { withFileTypes: true })) {
      const path = join(directory, entry.name);
      if (entry.isDirectory()) walk(path);
      else files.push(relative(folder, path).split(sep).join('/'));
    }
  };
  if (existsSync(folder)) walk(folder);
  return files.sort();
}

export function readText(...path: string[]): string {
  return readFileSync(join(...path), 'utf8');
}

export function readJson<T = Record<string, any>>(...path: string[]): T {
  return JSON.parse(readText(...path)) as T;
}

export interface Spawned {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Both streams, interleaved as they came: for failure messages. */
  output: string;
}

/** Runs a command without a terminal (stdin closed), collecting its output. */
export function run(command: string, args: readonly string[], options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<Spawned> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk;
      output += chunk;
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk;
      output += chunk;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, output });
    });
  });
}

/** Runs the create-inverted-call bin (the built one: the package is built before its tests). */
export function runBin(args: readonly string[], cwd: string): Promise<Spawned> {
  return run(process.execPath, [bin, ...args], { cwd });
}
