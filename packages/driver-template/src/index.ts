/**
 * @inverted-call/driver-template: renders the KMDF inverted-call driver for a device schema.
 *
 * `renderKmdfDriver(model, options)` returns every file of the driver folder with its owner:
 * the template's portable core and KMDF glue, the C generated from the schema (device header,
 * device table, handler prototypes), and the user's starting points (Handlers.c, INF, vcxproj,
 * README). See docs/driver-template.md for the tour.
 */
export { renderKmdfDriver, KMDF_VERSION, type FileOwner, type KmdfRenderOptions, type RenderedFile } from './render-kmdf.js';
export { planProcessNotify, AUTO_CREATED_STRUCT, AUTO_EXITED_STRUCT, type ProcessNotifyMapping, type ProcessNotifyPlan } from './process-notify.js';
export { handlerName, poolTag } from './device-table.js';
export { kmdfTemplateRoot } from './template-files.js';
export { checkDriver, DRIVER_CHECK_TOOLS, MINGW_DDK_INCLUDE, type DriverCheckResult, type DriverCheckTool } from './check.js';
export { writeRenderedDriver, staleDriverFiles, type WriteReport } from './write.js';
