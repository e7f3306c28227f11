// Emits `count` events on Events, one Inject call each, so a live reader can keep up.
import { inject, open, report } from './shared.js';

const count = Number(process.argv[2] ?? 100);
const control = await open('read-write');
for (let index = 0; index < count; index++) await inject(control, 1, BigInt(index + 1));
await control.close();
report({ injected: count });
