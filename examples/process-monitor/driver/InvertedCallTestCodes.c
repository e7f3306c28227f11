/*
 * InvertedCallTestCodes.c - the IOCTL codes test builds keep for themselves (InvertedCallTest.h),
 * and the check that the schema leaves them free. Shared by the KMDF and the WDM flavour.
 * Part of the template: do not edit. Compiled into every build, but empty unless
 * INVERTED_CALL_TEST_BUILD is defined.
 */
#include <ntddk.h>
#include "InvertedCallTestCodes.h"

#ifdef INVERTED_CALL_TEST_BUILD
#include "InvertedCallTest.h"

/*
 * TestStateCodeIsTaken
 *   Whether the schema already uses the state IOCTL's code, for a protocol-information,
 *   subscribe or call IOCTL.
 * IRQL: PASSIVE_LEVEL (DriverEntry).
 * Returns: TRUE when the code is taken.
 */
static BOOLEAN TestStateCodeIsTaken(const CORE_DEVICE_CONFIG *Config)
{
    UINT32 index;
    if (Config->ProtocolInfoCode == IOCTL_INVERTED_CALL_TEST_STATE) {
        return TRUE;
    }
    for (index = 0; index < Config->ChannelCount; index++) {
        if (Config->Channels[index].SubscribeCode == IOCTL_INVERTED_CALL_TEST_STATE) {
            return TRUE;
        }
    }
    for (index = 0; index < Config->CallCount; index++) {
        if (Config->Calls[index].Code == IOCTL_INVERTED_CALL_TEST_STATE) {
            return TRUE;
        }
    }
    return FALSE;
}

/*
 * TestStateCheckSchema
 *   Refuses, with a debug message naming the fix, a test build whose schema uses the code the
 *   state IOCTL keeps (function 0xFFE).
 * IRQL: PASSIVE_LEVEL (DriverEntry).
 * Returns: STATUS_SUCCESS, or STATUS_DEVICE_CONFIGURATION_ERROR when the code is taken.
 */
NTSTATUS TestStateCheckSchema(const CORE_DEVICE_CONFIG *Config)
{
    if (TestStateCodeIsTaken(Config)) {
        DbgPrintEx(DPFLTR_IHVDRIVER_ID, DPFLTR_ERROR_LEVEL,
                   "inverted-call: the schema uses IOCTL 0x%08X, which test builds keep for their state IOCTL "
                   "(function 0xFFE): move that IOCTL or build without INVERTED_CALL_TEST_BUILD\n",
                   (unsigned int)IOCTL_INVERTED_CALL_TEST_STATE);
        return STATUS_DEVICE_CONFIGURATION_ERROR;
    }
    return STATUS_SUCCESS;
}

#endif /* INVERTED_CALL_TEST_BUILD */
