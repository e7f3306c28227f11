import { SchemaError } from '../../src/errors.js';

/** Runs `action` and returns the SchemaError it throws; fails the test if it throws nothing or something else. */
export function catchSchemaError(action: () => unknown): SchemaError {
  try {
    action();
  } catch (error) {
    if (error instanceof SchemaError) return error;
    throw error;
  }
  throw new Error('expected a SchemaError, but the schema was accepted');
}
