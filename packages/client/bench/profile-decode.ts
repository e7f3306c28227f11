// Drives the workload of decode.bench.ts outside vitest, so `node --cpu-prof` can show where the
// client's time per event goes. Not a benchmark: the rates it prints are only a sanity check.
//
//   cd packages/client
//   pnpm exec tsup bench/profile-decode.ts --no-config --format esm --target node20 --out-dir bench-results/profile
//   node --cpu-prof --cpu-prof-dir bench-results/profile bench-results/profile/profile-decode.js <small|large> <iterator|batches|hand> [rounds]
//
// The bundle goes under the package (bench-results/ is not committed) so that it finds the
// workspace packages in the package's node_modules.
import { processCreatedWorkload, smallWorkload, subscribeToReplay, type HandItem, type Workload } from './decode-workload.js';

const [size = 'small', way = 'iterator', rounds = '20'] = process.argv.slice(2);
const workload: Workload = size === 'large' ? processCreatedWorkload(512, 64) : smallWorkload(4096, 64);
let sink: unknown;

async function once(): Promise<void> {
  if (way === 'hand') {
    for (const batch of workload.batches) {
      const items: HandItem[] = [];
      workload.decodeByHand(batch, items);
      sink = items;
    }
    return;
  }
  const { device, subscription } = await subscribeToReplay(workload);
  let taken = 0;
  if (way === 'batches') {
    for await (const items of subscription.batches()) {
      sink = items;
      if ((taken += items.length) >= workload.events) break;
    }
  } else {
    for await (const item of subscription) {
      sink = item;
      if (++taken === workload.events) break;
    }
  }
  await device.close();
}

for (let round = 0; round < Number(rounds); round++) {
  const start = performance.now();
  await once();
  console.log(`${workload.title}, ${way}: ${Math.round((workload.events / (performance.now() - start)) * 1000)} events/s`);
}
export { sink };
