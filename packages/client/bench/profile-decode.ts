// Drives one way of decode.bench.ts over one workload outside vitest, so `node --cpu-prof` shows
// where the client's time per event goes. Not a benchmark: the rates it prints are a sanity check.
//
//   cd packages/client
//   pnpm exec tsup bench/profile-decode.ts --no-config --format esm --target node20 --out-dir bench-results/profile
//   node --cpu-prof --cpu-prof-dir bench-results/profile bench-results/profile/profile-decode.js <small|large> <iterator|batches|hand|decoder> [rounds]
//
// The bundle goes under the package (bench-results/ is not committed) so that it finds the
// workspace packages in the package's node_modules.
import { WAYS, type Way } from './decode-ways.js';
import { decodeWorkloads } from './decode-workload.js';

const [size = 'small', way = 'iterator', rounds = '20'] = process.argv.slice(2);
if (!(way in WAYS)) throw new Error(`profile-decode: the way is one of ${Object.keys(WAYS).join(', ')}, got ${way}`);
const workload = decodeWorkloads()[size === 'large' ? 1 : 0]!;
for (let round = 0; round < Number(rounds); round++) {
  const start = performance.now();
  await WAYS[way as Way](workload);
  console.log(`${workload.title}, ${way}: ${Math.round((workload.events / (performance.now() - start)) * 1000)} events/s`);
}
