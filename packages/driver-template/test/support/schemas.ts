/** The schemas the driver template is rendered for in tests, and a temp-folder renderer. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadDeviceSchema, type DeviceModel } from '@inverted-call/schema';
import { renderKmdfDriver, renderWdmDriver, writeRenderedDriver, type KmdfRenderOptions, type RenderedFile } from '../../src/index.js';
import { CONFORMANCE_SCHEMA, REPO } from './native.js';

export const SCHEMAS = {
  processMonitor: join(REPO, 'examples/process-monitor/schema/process-monitor.device.json'),
  conformance: CONFORMANCE_SCHEMA,
  fileAudit: join(REPO, 'packages/codegen/test/fixtures/file-audit.device.yaml'),
  minimal: join(REPO, 'packages/codegen/test/fixtures/minimal.device.json'),
} as const;

export function model(schema: keyof typeof SCHEMAS): DeviceModel {
  return loadDeviceSchema(SCHEMAS[schema]);
}

export function render(schema: keyof typeof SCHEMAS, options: Partial<KmdfRenderOptions> = {}): RenderedFile[] {
  return renderKmdfDriver(model(schema), { schemaPath: `../schema/${schema}.json`, ...options });
}

/** The WDM flavour of `render`. */
export function renderWdm(schema: keyof typeof SCHEMAS, options: Partial<KmdfRenderOptions> = {}): RenderedFile[] {
  return renderWdmDriver(model(schema), { schemaPath: `../schema/${schema}.json`, ...options });
}

/** Renders into a new temp folder; the caller removes it with `dispose`. */
export function renderToTemp(schema: keyof typeof SCHEMAS, flavour: 'kmdf' | 'wdm' = 'kmdf'): { dir: string; files: RenderedFile[]; dispose(): void } {
  const dir = mkdtempSync(join(tmpdir(), `inverted-call-driver-${flavour}-${schema}-`));
  const files = flavour === 'kmdf' ? render(schema) : renderWdm(schema);
  writeRenderedDriver(dir, files);
  return { dir, files, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}
