/**
 * The link step of the driver check. Compiling each source with -c (check.ts) does not notice a
 * function that is declared and called but defined nowhere: after a call is added to the schema,
 * Handlers.h declares Handle<Call> and DeviceTable.c calls it, and only the link finds that
 * Handlers.c lacks it. So the check also builds the folder into a throw-away kernel image, as the
 * Wine bed's builder of its flavour does (its sources, compile flags and link flags: build-kmdf.ts
 * links against the KMDF-subset runtime, build-wdm.ts against mingw-w64's ntoskrnl and hal import
 * libraries), and turns the linker's "undefined reference" lines into messages that name the
 * symbol and where it belongs.
 *
 * It links one configuration: the Wine test build when the folder has test-build code (every
 * render does), else the plain Wine build. A WDK build is not linked: its libraries (WDF,
 * wdmsec.lib) are not on Linux. Within a process, a clean link with identical inputs is not run
 * again, and an object compiled from identical inputs is reused (clean-sources.ts keys both), so
 * a copy of a folder with one file changed (a negative control) compiles one file and links.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, isAbsolute, join } from 'node:path';
import { MINGW_X64 } from '@inverted-call/codegen';
import { kmdfImagePlan } from './build-kmdf.js';
import { kernelImageArguments, MINGW_GCC, spawnKernelBuild, wdmImagePlan, type KernelImagePlan, type WdmBuildOptions } from './build-wdm.js';
import type { DriverCheckResult } from './check.js';
import { isKnownClean, outsideSourceKey, rememberClean, sourceKeys } from './clean-sources.js';
import { RENDER_RECORD_FILE, flavourOfFolder, type DriverFlavourName } from './render-record.js';
import { declaredHandlers, HANDLERS_HEADER, HANDLERS_SOURCE, missingHandlerMessage } from './handler-scan.js';

/** The folder's flavour as render recorded it, or as its files tell (render-record.ts owns both). */
export function driverFolderFlavour(directory: string): DriverFlavourName {
  const found = flavourOfFolder(directory);
  if (!found) throw new Error(`${directory}: no rendered driver (no ${RENDER_RECORD_FILE}, no Core.c): run inverted-call-driver render first`);
  return found.flavour;
}

/** The Wine build of each flavour (its builder owns sources, flags and libraries). */
const IMAGE_PLAN: Record<DriverFlavourName, (directory: string, options: WdmBuildOptions) => KernelImagePlan> = {
  kmdf: kmdfImagePlan,
  wdm: wdmImagePlan,
};

/** What the image is linked against, for the message about a symbol nothing defines. */
const LINKED_AGAINST: Record<DriverFlavourName, string> = {
  kmdf: "the KMDF-subset runtime and mingw-w64's ntoskrnl and hal import libraries",
  wdm: "mingw-w64's ntoskrnl and hal import libraries",
};

/** A symbol the linker found no definition for, and the files whose code refers to it. */
export interface UndefinedSymbol {
  symbol: string;
  referencedBy: string[];
}

/**
 * The undefined references in GNU ld's output, one entry per symbol in order of first mention.
 * A line reads `ld: /tmp/cc1.o:DeviceTable.c:(.text+0x11): undefined reference to `HandlePing'`
 * (with -g: `DeviceTable.c:42: undefined reference ...`); the referencing file is the last source
 * file named before the message, else the object.
 */
export function undefinedSymbols(linkerOutput: string): UndefinedSymbol[] {
  const found = new Map<string, Set<string>>();
  for (const match of linkerOutput.matchAll(/^(.*?)\bundefined reference to [`']([^'`]+)'/gm)) {
    const location = match[1]!;
    const files = [...location.matchAll(/([\w.+-]+\.(?:c|o|obj))(?=:)/g)].map((file) => file[1]!);
    const source = [...files].reverse().find((file) => file.endsWith('.c')) ?? files.at(-1);
    const referencedBy = found.get(match[2]!) ?? new Set<string>();
    if (source) referencedBy.add(basename(source));
    found.set(match[2]!, referencedBy);
  }
  return [...found].map(([symbol, referencedBy]) => ({ symbol, referencedBy: [...referencedBy] }));
}

/**
 * One line per undefined symbol: a handler Handlers.h declares gets the fix (add it to the
 * folder's Handlers.c); any other symbol is named with the files that refer to it.
 */
export function explainUndefinedSymbols(symbols: readonly UndefinedSymbol[], directory: string, flavour: DriverFlavourName): string[] {
  const header = join(directory, HANDLERS_HEADER);
  const declared = existsSync(header) ? declaredHandlers(readFileSync(header, 'utf8')) : [];
  return symbols.map(({ symbol, referencedBy }) => {
    const handler = declared.find((candidate) => candidate.handler === symbol);
    if (handler) return missingHandlerMessage(handler, join(directory, HANDLERS_SOURCE));
    // A DDK declaration marked for import links against __imp_<name>.
    const name = symbol.replace(/^__imp_/, '');
    const where = referencedBy.length > 0 ? referencedBy.join(', ') : 'the driver';
    return `${name} is referenced by ${where} but defined nowhere in the driver folder or in ${LINKED_AGAINST[flavour]}: define it, or correct the name where it is misspelt`;
  });
}

/** Objects this process compiled for a link, by the source's content key: a copy of a folder with one file changed compiles only that file again. */
const objects = new Map<string, Buffer>();

function failed(command: string, output: string): DriverCheckResult {
  return { tool: 'link', command, ok: false, output, reused: [] };
}

/**
 * Builds the folder's kernel image in a temp folder and reports it as the check's `link` tool.
 * Each source is compiled on its own with the builder's flags (an object already compiled from
 * identical inputs in this process is reused, clean-sources.ts), then the objects are linked with
 * the builder's link flags; `command` is the builder's one-run equivalent.
 */
export function linkDriver(directory: string, testBuild: boolean): DriverCheckResult {
  const flavour = driverFolderFlavour(directory);
  const plan = IMAGE_PLAN[flavour](directory, { testBuild });
  const scratch = mkdtempSync(join(tmpdir(), 'inverted-call-link-'));
  try {
    const image = join(scratch, 'driver.sys');
    const command = `${MINGW_GCC} ${kernelImageArguments(plan, image).join(' ')}`;
    const compileLine = [MINGW_GCC, ...plan.compileFlags, '-c'];
    const folderSources = plan.sources.filter((source) => !isAbsolute(source));
    const folderKeys = sourceKeys(directory, folderSources, compileLine);
    const keys = plan.sources.map((source) => (isAbsolute(source) ? outsideSourceKey(directory, folderSources, source, compileLine) : folderKeys.get(source)));
    // The whole link's key: every object's and the link flags.
    const linkKey = keys.every((key) => key !== undefined) ? createHash('sha256').update(JSON.stringify([keys, plan.linkFlags])).digest('hex') : undefined;
    if (isKnownClean(linkKey)) return { tool: 'link', command, ok: true, output: '', reused: [...plan.sources] };

    const objectFiles: string[] = [];
    const reused: string[] = [];
    for (const [index, source] of plan.sources.entries()) {
      const object = join(scratch, `${index}-${basename(source, '.c')}.o`);
      const key = keys[index];
      const kept = key === undefined ? undefined : objects.get(key);
      if (kept) {
        writeFileSync(object, kept);
        reused.push(source);
      } else {
        const compiled = spawnKernelBuild(directory, [...plan.compileFlags, '-c', source, '-o', object]);
        if (compiled.missing) return failed(`${MINGW_GCC} ...`, `${MINGW_GCC} is not installed (${MINGW_X64.installHint}; npm test installs it)`);
        if (compiled.status !== 0 || compiled.output !== '') return failed(command, `${source} did not compile for the link (gcc said, below)\n\n${compiled.output}`);
        if (key !== undefined) objects.set(key, readFileSync(object));
      }
      objectFiles.push(object);
    }
    const run = spawnKernelBuild(directory, [...objectFiles, '-o', image, ...plan.linkFlags]);
    if (run.missing) return failed(`${MINGW_GCC} ...`, `${MINGW_GCC} is not installed (${MINGW_X64.installHint}; npm test installs it)`);
    // Like the other tools, anything printed fails the check (an ld warning such as a missing entry point is a broken image).
    if (run.status === 0 && run.output === '') {
      rememberClean(linkKey);
      return { tool: 'link', command, ok: true, output: '', reused };
    }
    const explained = explainUndefinedSymbols(undefinedSymbols(run.output), directory, flavour);
    const summary = explained.length > 0 ? explained : [run.status === 0 ? 'the linker printed warnings (below)' : 'the driver did not link (ld said, below)'];
    return failed(command, `${summary.join('\n')}\n\n${run.output}`);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
