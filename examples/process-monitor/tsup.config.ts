import { defineConfig } from 'tsup';
import { windowsScriptConfig } from '../../tsup.base.js';

// The notify test's Windows-side script, run by Windows node.exe under Wine.
export default defineConfig(windowsScriptConfig({ 'notify-client': 'test/windows/notify-client.ts' }));
