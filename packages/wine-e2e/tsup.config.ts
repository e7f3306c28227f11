import { defineConfig } from 'tsup';
import { windowsScriptConfig } from '../../tsup.base.js';

// The scripts Windows node.exe runs under Wine.
export default defineConfig(
  windowsScriptConfig({
    conformance: 'src/windows/conformance.ts',
    'parked-client': 'src/windows/parked-client.ts',
    'close-parked': 'src/windows/close-parked.ts',
    probe: 'src/windows/probe.ts',
    injector: 'src/windows/injector.ts',
    streamer: 'src/windows/streamer.ts',
    interleavings: 'src/windows/interleavings.ts',
    bench: 'src/windows/bench.ts',
    'verdict-decider': 'src/windows/verdict-decider.ts',
    emit: 'src/windows/emit.ts',
    'service-subscriber': 'src/windows/service-subscriber.ts',
    'service-control': 'src/windows/service-control.ts',
  }),
);
