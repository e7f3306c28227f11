/*
 * InvertedCallTestCodes.c - the IOCTL codes test builds keep for themselves (InvertedCallTest.h,
 * EmitTest.h, and NotifyTest.h with a process channel), and the check that the schema leaves them
 * free.
 * Shared by the KMDF and the WDM flavour.
 * Part of the template: do not edit. Compiled into every build, but empty unless
 * INVERTED_CALL_TEST_BUILD is defined.
 */
/* Included only in test builds: a WDK build compiles this file to nothing without reading the
 * DDK headers, which is most of what compiling and analysing a file costs. */
#ifdef INVERTED_CALL_TEST_BUILD
#include <ntddk.h>
#include "InvertedCallTestCodes.h"
#include "InvertedCallTest.h"
#include "EmitTest.h"
#include "AskTest.h"
#if DEVICE_PROCESS_NOTIFY
#include "NotifyTest.h"
#endif

/*
 * TestCodeIsTaken
 *   Whether the schema already uses Code, for a protocol-information, subscribe, call or verdict IOCTL.
 * IRQL: PASSIVE_LEVEL (DriverEntry).
 * Returns: TRUE when the code is taken.
 */
static BOOLEAN TestCodeIsTaken(const CORE_DEVICE_CONFIG *Config, UINT32 Code)
{
    UINT32 index;
    if (Config->ProtocolInfoCode == Code) {
        return TRUE;
    }
    for (index = 0; index < Config->ChannelCount; index++) {
        if (Config->Channels[index].SubscribeCode == Code) {
            return TRUE;
        }
    }
    for (index = 0; index < Config->CallCount; index++) {
        if (Config->Calls[index].Code == Code) {
            return TRUE;
        }
    }
    for (index = 0; index < Config->VerdictCount; index++) {
        if (Config->Verdicts[index].AskCode == Code || Config->Verdicts[index].ReplyCode == Code) {
            return TRUE;
        }
    }
    return FALSE;
}

/*
 * TestRefuseTakenCode
 *   Refuses, with a debug message naming the fix, a test build whose schema uses Code, which
 *   test builds keep for one of their IOCTLs (Function names it).
 * IRQL: PASSIVE_LEVEL (DriverEntry).
 * Returns: STATUS_SUCCESS, or STATUS_DEVICE_CONFIGURATION_ERROR when the code is taken.
 */
static NTSTATUS TestRefuseTakenCode(const CORE_DEVICE_CONFIG *Config, UINT32 Code, const char *Use, unsigned int Function)
{
    if (TestCodeIsTaken(Config, Code)) {
        DbgPrintEx(DPFLTR_IHVDRIVER_ID, DPFLTR_ERROR_LEVEL,
                   "inverted-call: the schema uses IOCTL 0x%08X, which test builds keep for their %s IOCTL "
                   "(function 0x%03X): move that IOCTL or build without INVERTED_CALL_TEST_BUILD\n",
                   (unsigned int)Code, Use, Function);
        return STATUS_DEVICE_CONFIGURATION_ERROR;
    }
    return STATUS_SUCCESS;
}

/*
 * TestStateCheckSchema
 *   Refuses a test build whose schema uses a code a test-only IOCTL keeps: the state IOCTL's
 *   (function 0xFFE), the emit IOCTL's (0xFFC) and, with a process channel, the process IOCTL's
 *   (0xFFD).
 * IRQL: PASSIVE_LEVEL (DriverEntry).
 * Returns: STATUS_SUCCESS, or STATUS_DEVICE_CONFIGURATION_ERROR when a code is taken.
 */
NTSTATUS TestStateCheckSchema(const CORE_DEVICE_CONFIG *Config)
{
    NTSTATUS status = TestRefuseTakenCode(Config, IOCTL_INVERTED_CALL_TEST_STATE, "state", INVERTED_CALL_TEST_STATE_FUNCTION);
    if (NT_SUCCESS(status)) {
        status = TestRefuseTakenCode(Config, IOCTL_INVERTED_CALL_TEST_EMIT, "emit", INVERTED_CALL_TEST_EMIT_FUNCTION);
    }
    if (NT_SUCCESS(status)) {
        status = TestRefuseTakenCode(Config, IOCTL_INVERTED_CALL_TEST_ASK, "ask", INVERTED_CALL_TEST_ASK_FUNCTION);
    }
#if DEVICE_PROCESS_NOTIFY
    if (NT_SUCCESS(status)) {
        status = TestRefuseTakenCode(Config, IOCTL_INVERTED_CALL_TEST_PROCESS, "process", INVERTED_CALL_TEST_PROCESS_FUNCTION);
    }
#endif
    return status;
}

#else
/* A translation unit must declare something. */
typedef int InvertedCallTestCodesIsOff;
#endif /* INVERTED_CALL_TEST_BUILD */
