// Writes device.schema.json from the built package, so editors can use it without building.
import { writeFileSync } from 'node:fs';
import { deviceJsonSchema } from '../dist/index.js';

writeFileSync(new URL('../device.schema.json', import.meta.url), `${JSON.stringify(deviceJsonSchema, null, 2)}\n`);
console.log('wrote device.schema.json');
