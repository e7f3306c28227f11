/*
 * Handlers.c: the calls of ProcessMonitor. This file is ours: `inverted-call-driver render`
 * wrote it once, as stubs, and never touches it again. Handlers.h (regenerated from the schema)
 * declares what to implement.
 *
 * The events need no handler: Notify.c (template) turns PsSetCreateProcessNotifyRoutineEx into
 * ProcessCreated / ProcessExited events on channel Process, and the core delivers them to the
 * parked subscribe requests, or rings them, or counts them as dropped.
 */
#include "Handlers.h"

/* The driver's own version, reported by GetVersion. Bump it with every release of the driver. */
#define PROCESS_MONITOR_VERSION_MAJOR 1
#define PROCESS_MONITOR_VERSION_MINOR 0
#define PROCESS_MONITOR_VERSION_PATCH 0

/* DriverVersion.flags, bit 0: built with the test-only IOCTLs (a test build, which the Wine tests
 * use; never shipped). */
#ifndef INVERTED_CALL_TEST_BUILD
#define PROCESS_MONITOR_VERSION_FLAGS 0
#else
#define PROCESS_MONITOR_VERSION_FLAGS 1
#endif

NTSTATUS HandleGetVersion(const CORE_CALL_CONTEXT *Context, PROCESS_MONITOR_DRIVER_VERSION *Output)
{
    (void)Context;
    /* The core has checked the output length and zeroed the struct; fill every field anyway. */
    Output->Major = PROCESS_MONITOR_VERSION_MAJOR;
    Output->Minor = PROCESS_MONITOR_VERSION_MINOR;
    Output->Patch = PROCESS_MONITOR_VERSION_PATCH;
    Output->Flags = PROCESS_MONITOR_VERSION_FLAGS;
    return STATUS_SUCCESS;
}
