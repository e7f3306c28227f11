/*
 * Notify.h - the process-notify callback as both glues see it (Notify.c implements it).
 * Part of the template: do not edit. Rendered with Notify.c.
 *
 * Notify.c needs nothing from KMDF or from the WDM glue: only the DDK, the portable core and the
 * generated device table. So one Notify.c serves the KMDF and the WDM flavour alike, and this
 * header is all either glue includes to register and remove the callback.
 */
#ifndef NOTIFY_H
#define NOTIFY_H

#include <ntddk.h>

#include "Handlers.h" /* Core.h and DeviceTable.h (DEVICE_PROCESS_NOTIFY) come with it */

/* Registration can fail (an image without /INTEGRITYCHECK): a caller that ignores the status
 * does not compile under the Linux check, and SAL flags it in the WDK build. */
#if defined(__GNUC__) || defined(__clang__)
#define NOTIFY_CHECK_RESULT __attribute__((warn_unused_result))
#else
#define NOTIFY_CHECK_RESULT _Must_inspect_result_
#endif

#if DEVICE_PROCESS_NOTIFY
/* Registers the PsSetCreateProcessNotifyRoutineEx callback that feeds Core's process channel.
 * Call after the core exists; on failure nothing stays registered. */
NOTIFY_CHECK_RESULT NTSTATUS NotifyRegister(CORE *Core);

/* Removes the callback (waiting for running ones) before the core it feeds is freed. */
VOID NotifyUnregister(VOID);

#ifdef INVERTED_CALL_TEST_BUILD
/* The routine registered with the kernel, or NULL: the test-build process IOCTL (NotifyTest.c)
 * calls exactly this pointer. */
PCREATE_PROCESS_NOTIFY_ROUTINE_EX NotifyRegisteredRoutine(VOID);
#endif
#endif

#endif /* NOTIFY_H */
