// Runs under Windows node.exe in Wine: the whole conformance suite, through the node:test adapter,
// with the Win32 backend against the conformance device's real WDM driver (test build).
import { runConformance } from '@inverted-call/conformance/node-test';
import { WINE_KNOWN_DIFFERENCES } from '../known-differences.js';
import { createWineTarget } from '../wine-target.js';

runConformance('wdm driver under wine', createWineTarget, { knownDifferences: WINE_KNOWN_DIFFERENCES });
