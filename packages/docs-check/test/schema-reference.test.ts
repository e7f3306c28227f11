/**
 * docs/schema-reference.md is generated from the published JSON Schema and must be current; what
 * it states as defaults must be what the validator applies.
 */
import { readFileSync } from 'node:fs';
import { DEFAULT_BATCH_BYTES, DEFAULT_CAPACITY, DEFAULT_SDDL, deviceJsonSchema } from '@inverted-call/schema';
import { describe, expect, it } from 'vitest';
import { defaultOf, readJsonSchema, referencePath, renderSchemaReference } from '../scripts/schema-reference.mjs';

const schema = readJsonSchema();
const page = renderSchemaReference(schema);

describe('docs/schema-reference.md', () => {
  it('is what the generator makes from packages/schema/device.schema.json (else: pnpm --filter @inverted-call/docs-check run docs:update)', () => {
    const committed = readFileSync(referencePath, 'utf8');
    if (committed !== page) {
      throw new Error('docs/schema-reference.md is stale or edited by hand: run `pnpm --filter @inverted-call/docs-check run docs:update` and commit the result');
    }
  });

  it('is made from the JSON Schema the schema package publishes', () => {
    // device.schema.json is written from deviceJsonSchema (json-schema:update); both must agree.
    expect(schema).toEqual(JSON.parse(JSON.stringify(deviceJsonSchema)));
  });

  it('lists every key the JSON Schema defines, at every depth', () => {
    const keys = new Set<string>();
    const walk = (node: unknown): void => {
      if (!node || typeof node !== 'object') return;
      const record = node as Record<string, unknown>;
      if (record.properties && typeof record.properties === 'object') {
        for (const [key, child] of Object.entries(record.properties)) {
          keys.add(key);
          walk(child);
        }
      }
      walk(record.additionalProperties);
      walk(record.items);
      if (Array.isArray(record.anyOf)) record.anyOf.forEach(walk);
    };
    walk(schema);
    const missing = [...keys].filter((key) => !page.includes(`| \`${key}\` |`));
    expect(keys.size).toBeGreaterThan(20);
    expect(missing).toEqual([]);
  });

  it('states the defaults the validator applies', () => {
    const channel = schema.properties.channels.additionalProperties.properties;
    const call = schema.properties.calls.additionalProperties.properties;
    expect(defaultOf(channel.capacity)).toBe(String(DEFAULT_CAPACITY));
    expect(defaultOf(channel.batchBytes)).toBe(String(DEFAULT_BATCH_BYTES));
    expect(defaultOf(channel.overflow)).toBe('drop-newest');
    expect(defaultOf(channel.method)).toBe('METHOD_BUFFERED');
    expect(defaultOf(call.method)).toBe('METHOD_BUFFERED');
    expect(defaultOf(schema.properties.pack)).toBe('8');
    expect(defaultOf(schema.properties.device.properties.sddl)?.startsWith(`${DEFAULT_SDDL} `)).toBe(true);
    for (const row of [`| \`capacity\` | integer | no | \`${DEFAULT_CAPACITY}\` |`, `| \`batchBytes\` | integer | no | \`${DEFAULT_BATCH_BYTES}\` |`, `| \`pack\` | integer | no | \`8\` |`]) {
      expect(page).toContain(row);
    }
  });
});
