// Prints the driver's own account of its state, asked through a handle of its own.
import { open, readDriverState, report } from './shared.js';

const handle = await open('read');
report(await readDriverState(handle));
await handle.close();
