// Reads Events with `depth` requests in flight, re-posting each as it completes, until every one
// of `count` events is delivered or counted as dropped; then reports what it saw.
import { open, report, subscribeOnce } from './shared.js';

const count = Number(process.argv[2] ?? 100);
const depth = Number(process.argv[3] ?? 4);
const handle = await open('read');
const sequences: string[] = [];
let dropped = 0n;
let done: () => void;
const finished = new Promise<void>((resolve) => (done = resolve));

const post = (): void => {
  subscribeOnce(handle).then(
    (batch) => {
      sequences.push(...batch.sequences.map(String));
      dropped = batch.dropped;
      if (BigInt(sequences.length) + dropped >= BigInt(count)) done();
      else post();
    },
    (error: unknown) => {
      report({ error: String(error) });
      done();
    },
  );
};
for (let index = 0; index < depth; index++) post();
report({ ready: true, pid: process.pid });
await finished;
report({ sequences, dropped });
await handle.close();
