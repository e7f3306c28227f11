// The timed rounds of decode.bench.ts in a plain Node process of its own, bundled and started by the
// benchmark several times over: what the engine optimizes how differs from one process to the next,
// so one process is one sample. Prints each workload's CPU times per way, round by round, as JSON.
//
//   node bench-results/decode-rounds/decode-rounds.js <rounds>
import { measureRounds } from './decode-ways.js';
import { decodeWorkloads } from './decode-workload.js';

const rounds = Number(process.argv[2] ?? 15);
const times: Record<string, Awaited<ReturnType<typeof measureRounds>>> = {};
for (const workload of decodeWorkloads()) times[workload.title] = await measureRounds(workload, rounds);
process.stdout.write(`${JSON.stringify(times)}\n`);
