import { defineConfig } from 'tsup';
import { windowsScriptConfig } from '../../tsup.base.js';

// The notify and verdict tests' Windows-side scripts, run by Windows node.exe under Wine.
export default defineConfig(windowsScriptConfig({ 'notify-client': 'test/windows/notify-client.ts', 'verdict-client': 'test/windows/verdict-client.ts' }));
