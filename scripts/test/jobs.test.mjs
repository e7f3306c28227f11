// Each job of bootstrap.mjs names the system tools it needs; only `test` needs all of them.
import { describe, expect, it } from 'vitest';
import { JOBS, SYSTEM_TOOLS, toolsFor } from '../jobs.mjs';

const names = (job) => toolsFor(job).map((tool) => tool.name);

describe('toolsFor', () => {
  it('gives the whole suite every tool', () => {
    expect(names('test')).toEqual(Object.keys(SYSTEM_TOOLS));
  });

  it('gives the demo none: the simulated driver is TypeScript', () => {
    expect(toolsFor('demo')).toEqual([]);
  });

  it('gives the benchmarks what the Wine benchmark builds and runs with, and nothing else', () => {
    expect(names('bench')).toEqual(['mingwX64', 'mingwDdk', 'wine64', 'wineserver']);
    expect(toolsFor('bench').find((tool) => tool.name === 'mingwX64')).toEqual({ name: 'mingwX64', ...SYSTEM_TOOLS.mingwX64 });
  });

  it('refuses an unknown job, and a job naming a tool that is not listed', () => {
    expect(() => toolsFor('deploy')).toThrow('no job "deploy": test, demo, bench');
    JOBS.broken = { command: [], tools: ['mingwX64', 'fortran'] };
    try {
      expect(() => toolsFor('broken')).toThrow('job "broken" needs "fortran", which is not in SYSTEM_TOOLS');
    } finally {
      delete JOBS.broken;
    }
  });

  it('has a check and Debian packages for every tool', () => {
    for (const [name, tool] of Object.entries(SYSTEM_TOOLS)) {
      expect(tool.check, name).toMatch(/^\S+$/);
      expect(tool.packages.length, name).toBeGreaterThan(0);
    }
  });
});
