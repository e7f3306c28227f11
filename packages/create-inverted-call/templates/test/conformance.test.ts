/**
 * The device conformance suite: the rules every inverted-call driver keeps (protocol information,
 * buffer checks, delivery in order, exact loss accounting, cancellation, nothing left behind),
 * derived from the schema and run against the target `openTestTarget` picks: the simulator under
 * `npm test`, the driver itself under Wine with `npm run test:driver`.
 */
import { describeDeviceConformance } from '@inverted-call/conformance/vitest';
import { openTestTarget } from '@inverted-call/wine-bed/target';
import { <%- deviceConst %> } from '<%- testModuleImport %>';

describeDeviceConformance(<%- deviceConst %>, () => openTestTarget(<%- deviceConst %>));
