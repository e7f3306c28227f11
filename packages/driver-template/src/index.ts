/**
 * @inverted-call/driver-template: renders the inverted-call driver for a device schema, in two
 * flavours that share the portable core and the generated files.
 *
 * `renderKmdfDriver(model, options)` and `renderWdmDriver(model, options)` return every file of
 * the driver folder with its owner: the template's portable core and glue, the C generated from
 * the schema (device header, device table, handler prototypes), and the user's starting points
 * (Handlers.c, INF, vcxproj, README). `checkDriver` compile-checks a rendered folder of either
 * flavour and links it; `buildWdmDriverImage` links a WDM folder into a .sys for the Wine bed.
 * `windowsScriptFiles()` returns the PowerShell scripts that build, test-sign, install and
 * uninstall the driver on Windows. See docs/driver-template.md for the tour.
 */
export { renderKmdfDriver, KMDF_VERSION, type FileOwner, type KmdfRenderOptions, type RenderedFile } from './render-kmdf.js';
export { renderWdmDriver, type WdmRenderOptions } from './render-wdm.js';
export { sourcesPropsFile, isWdkBuildSource, OUTSIDE_PROJECT_FOLDER, type DriverRenderOptions } from './render-common.js';
export { buildKmdfDriverImage, kmdfBuildArguments, kmdfImagePlan, kmdfRuntimeSources, KMDF_RUNTIME_DIR } from './build-kmdf.js';
export { buildWdmDriverImage, wdmBuildArguments, wdmImagePlan, kernelImageArguments, wdmBuildSources, WDM_LINK_FLAGS, WDM_WINE_RUNTIME_SOURCES, type KernelImagePlan, type WdmBuildOptions, type WdmBuildResult } from './build-wdm.js';
export { planProcessNotify, AUTO_CREATED_STRUCT, AUTO_EXITED_STRUCT, type ProcessNotifyMapping, type ProcessNotifyPlan } from './process-notify.js';
export { handlerName, poolTag } from './device-table.js';
export { templateRoot, type TemplateFolder } from './template-files.js';
export { windowsScriptFiles, staleWindowsScripts, writeWindowsScripts, WINDOWS_SCRIPTS_FOLDER, type WindowsScriptFile, type StaleWindowsScript } from './windows-scripts.js';
export { checkDriver, DRIVER_CHECK_TOOLS, type DriverCheckResult, type DriverCheckTool } from './check.js';
export { driverFolderFlavour, undefinedSymbols, type UndefinedSymbol } from './link-check.js';
export { declaredHandlers, missingHandlers, missingHandlerMessage, type DeclaredHandler } from './handler-scan.js';
// Owned by codegen's toolchain module; still exported here for code that took it from this package.
export { MINGW_DDK_INCLUDE } from '@inverted-call/codegen';
export { writeRenderedDriver, staleDriverFiles, renderedFlavour, flavourMismatchMessage, type WriteReport, type WriteOptions, type StaleReason } from './write.js';
export { RENDER_RECORD_FILE, DRIVER_FLAVOURS, flavourOfFolder, readRenderRecord, type DriverFlavourName, type RenderRecord, type RecordedFile } from './render-record.js';
export { WDK_NUGET_PACKAGES, wdkPackagePlatform, wdkPackagePropsPath, wdkPackageImportCondition, type WdkNugetPackage, type DriverPlatform } from './wdk-packages.js';
export { DRIVER_CONFIGURATIONS, PACKAGES_CONFIG_FILE, DIRECTORY_BUILD_PROPS_FILE, solutionFile } from './windows-build-files.js';
export { checkWindowsBuildFiles } from './windows-build-check.js';
