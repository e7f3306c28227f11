// A schema with a verdict, rendered and built natively with the portable core: the rendered
// DeviceTable.c compiles (its CORE_VERDICT_CONFIG entries and default-answer arrays against the
// generated header), and the core's protocol-information answer, read back by codec, reports the
// verdict's table as the model has it (counters 0 until the core's verdict engine counts; issue 15).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeProtocolInfo } from '@inverted-call/codec';
import { loadDeviceSchema } from '@inverted-call/schema';
import { afterAll, describe, expect, it } from 'vitest';
import { renderKmdfDriver } from '../src/index.js';
import { CORE_DIR, REPO, compile, hex32, runNative } from './support/native.js';

const SCHEMA = join(REPO, 'packages/codegen/test/fixtures/port-rules.device.json');
const model = loadDeviceSchema(SCHEMA);
const dir = mkdtempSync(join(tmpdir(), 'inverted-call-verdict-table-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function build(): string {
  const device = join(dir, 'device');
  mkdirSync(device, { recursive: true });
  for (const file of renderKmdfDriver(model, { schemaPath: 'port-rules.device.json' })) {
    if (file.owner === 'generated') writeFileSync(join(device, file.path), file.content);
    // The first Handlers.c (every handler refuses), plus the reset hook the harness calls.
    if (file.path === 'Handlers.c') writeFileSync(join(device, file.path), `${file.content}\nvoid ConformanceHandlersReset(void) {}\n`);
  }
  const harness = join(dir, 'harness');
  compile(harness, [join(CORE_DIR, 'test'), CORE_DIR, device], [join(CORE_DIR, 'Core.c'), join(CORE_DIR, 'Verdict.c'), join(device, 'DeviceTable.c'), join(device, 'Handlers.c'), join(CORE_DIR, 'test/harness.c')]);
  return harness;
}

describe('a rendered device table with a verdict', () => {
  it('the model has the verdict this test is about', () => {
    expect(model.verdicts.map((verdict) => verdict.name)).toEqual(['Connect']);
  });

  it('compiles with the core, and the protocol information reports the verdict table', () => {
    const harness = build();
    const code = `0x${hex32(model.protocolInfo.code)}`;
    const result = runNative(harness, `open 1 3\nioctl 1 7 ${code} 4096 -\nclose 1\n`);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const [request, status, bytes] = result.stdout.trim().split('\n')[0]!.split(' ');
    expect([request, status]).toEqual(['7', '00000000']);
    const info = decodeProtocolInfo(Uint8Array.from(Buffer.from(bytes!, 'hex')));
    const [connect] = model.verdicts;
    expect(info).toEqual({
      version: 2,
      schemaHash: model.schemaHash,
      channels: [],
      verdicts: [{ deadlineMs: 50, maxPending: 64, questionBytes: connect!.questionBytes, answerBytes: connect!.answerBytes, asked: 0n, answered: 0n, timedOut: 0n, defaulted: 0n, refused: 0n }],
    });
  });
});
