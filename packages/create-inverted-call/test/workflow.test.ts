/**
 * The generated CI workflow: what each job runs, the Windows job's pins from the manifest, and
 * actionlint's verdict on the rendered file for a KMDF and a WDM project (none of its findings
 * allowed), with broken workflows as the negative control. actionlint checks the workflow's
 * syntax, job graph, expressions, runner labels and the inputs of the actions it knows; whether
 * the Windows job passes on a Windows runner is not shown here (nothing here runs on Windows).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadVersions } from '../src/index.js';
import { actionlint, formatFindings, loadActionlint } from './actionlint.js';
import { generate, readText } from './support.js';

const WORKFLOW = ['.github', 'workflows', 'ci.yml'] as const;

describe.each([
  { flavour: 'KMDF', options: { yes: true }, driverName: 'MyDevice' },
  { flavour: 'WDM', options: { yes: true, projectName: 'legacy-probe', deviceName: 'LegacyProbe', driver: 'wdm', calls: 'GetVersion,Reset', channels: 'Level' }, driverName: 'LegacyProbe' },
])('the workflow of a $flavour project', ({ options, driverName }) => {
  let workflow = '';
  beforeAll(async () => {
    const { project } = await generate(options);
    workflow = readText(project, ...WORKFLOW);
  });

  it('passes actionlint with no finding', async () => {
    const findings = await actionlint(workflow);
    expect(formatFindings(findings)).toBe('');
  });

  it('builds its own driver on windows-2025: the WDK restored from NuGet for the driver’s solution, then MSBuild Release|x64', () => {
    const job = windowsJob(workflow);
    expect(job).toContain('runs-on: windows-2025');
    expect(job).toContain(`run: nuget restore driver\\${driverName}.sln`);
    expect(job).toContain(`run: msbuild driver\\${driverName}.sln /t:Rebuild /p:Configuration=Release /p:Platform=x64`);
    // Restore, then CodeQL's init, then the build it watches, then the analysis.
    const order = ['nuget restore', 'codeql-action/init', 'msbuild ', 'codeql-action/analyze'].map((step) => job.indexOf(step));
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(order.every((index) => index >= 0)).toBe(true);
  });
});

describe('the Windows job’s pins and SARIF', () => {
  let job = '';
  beforeAll(async () => {
    const { project } = await generate({ yes: true, projectName: 'pinned' });
    job = windowsJob(readText(project, ...WORKFLOW));
  });

  it('takes every action from the manifest', () => {
    const { actions } = loadVersions();
    const used = [...job.matchAll(/uses: (\S+)/g)].map((match) => match[1]);
    expect(used).toEqual([actions.checkout, actions.setupMsbuild, actions.codeqlInit, actions.codeqlAnalyze, actions.uploadArtifact, actions.codeqlUploadSarif]);
  });

  it('runs the manifest’s windows-drivers pack with its recommended, mustrun and mustfix suites, and no default suite', () => {
    const { codeql } = loadVersions();
    expect(codeql.pack).toMatch(/^microsoft\/windows-drivers@\d+\.\d+\.\d+$/);
    expect(codeql.suites.map((suite) => suite.replace(/^.*\/|\.qls$/g, ''))).toEqual(['recommended', 'mustrun', 'mustfix']);
    for (const suite of codeql.suites) expect(job).toContain(`- ${codeql.pack}:${suite}`);
    expect(job).toContain('disable-default-queries: true');
    expect(job).toMatch(/languages: c-cpp\n\s+build-mode: manual/);
  });

  it('keeps the SARIF as an artifact, and uploads it to code scanning only where that can work, without failing the job', () => {
    expect(job).toContain('security-events: write');
    expect(job).toContain('upload: never');
    const artifact = job.indexOf(loadVersions().actions.uploadArtifact);
    const upload = job.indexOf('name: Upload the SARIF to code scanning');
    expect(artifact).toBeGreaterThan(0);
    expect(upload).toBeGreaterThan(artifact);
    const uploadStep = job.slice(upload);
    expect(uploadStep).toContain('github.event.pull_request.head.repo.full_name == github.repository');
    expect(uploadStep).toContain('continue-on-error: true');
  });

  it('says that the kit’s own CI never ran it', () => {
    expect(job).toContain("this job was never run by the kit's\n  # own CI");
  });
});

describe('negative control: actionlint reports a broken workflow', () => {
  let workflow = '';
  beforeAll(async () => {
    const { project } = await generate({ yes: true, projectName: 'broken' });
    workflow = readText(project, ...WORKFLOW);
  });

  it.each([
    ['an unknown key in a job', (text: string) => text.replace('    runs-on: windows-2025\n', '    runs-on: windows-2025\n    run-on-failure: always\n'), 'syntax-check', 'unexpected key "run-on-failure"'],
    ['a needs naming no job', (text: string) => text.replace('    runs-on: windows-2025\n', '    runs-on: windows-2025\n    needs: driver-linux\n'), 'job-needs', 'needs job "driver-linux" which does not exist'],
    ['an expression that does not parse', (text: string) => text.replace('${{ runner.temp }}/codeql-sarif', '${{ runner.temp( }}/codeql-sarif'), 'expression', 'parser did not reach end of input'],
    ['a runner label that does not exist', (text: string) => text.replace('runs-on: windows-2025', 'runs-on: windows-2052'), 'runner-label', 'label "windows-2052" is unknown'],
  ])('%s', async (_fault, breakIt, kind, message) => {
    const broken = breakIt(workflow);
    expect(broken).not.toBe(workflow);
    const findings = await actionlint(broken);
    expect(findings).toEqual([expect.objectContaining({ kind, message: expect.stringContaining(message) })]);
    expect(formatFindings(findings)).toMatch(/^\.github\/workflows\/ci\.yml:\d+:\d+: .+ \[[a-z-]+\]$/);
  });

  it('a linter that does not load fails the test with the fix, instead of skipping the check', () => {
    expect(() => loadActionlint('@tktco/no-such-actionlint')).toThrow(/^actionlint is missing: @tktco\/no-such-actionlint .*; run pnpm install$/);
    expect(typeof loadActionlint()).toBe('function');
  });
});

/** The driver-windows job's text: from its key to the next job or the end. */
function windowsJob(workflow: string): string {
  const start = workflow.indexOf('\n  driver-windows:\n');
  expect(start, 'the workflow has a driver-windows job').toBeGreaterThan(0);
  const next = workflow.slice(start + 1).search(/\n {2}[\w-]+:\n/);
  // The comment above the job belongs to it.
  const commentStart = workflow.lastIndexOf('\n\n', start) + 1;
  return next < 0 ? workflow.slice(commentStart) : workflow.slice(commentStart, start + 1 + next);
}
