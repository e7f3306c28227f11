/*
 * ntddk.h for the native test of InvertedCallTestCodes.c (test_codes_test.c): the native
 * CoreConfig.h (templates/core/test) and the few kernel names that file uses besides the core's
 * (NT_SUCCESS, TRUE, FALSE, the configuration error, DbgPrintEx).
 * Never rendered; on the include path of that one test only.
 */
#ifndef INVERTED_CALL_NATIVE_NTDDK_H
#define INVERTED_CALL_NATIVE_NTDDK_H

#include "CoreConfig.h"

#define NT_SUCCESS(Status) (((NTSTATUS)(Status)) >= 0)
#define TRUE 1
#define FALSE 0
#define STATUS_DEVICE_CONFIGURATION_ERROR ((NTSTATUS)0xC0000182L)
#define DPFLTR_IHVDRIVER_ID 77u
#define DPFLTR_ERROR_LEVEL 0u

/* test_codes_test.c defines it: it prints the message where the test can read it. */
unsigned int DbgPrintEx(unsigned int ComponentId, unsigned int Level, const char *Format, ...);

#endif /* INVERTED_CALL_NATIVE_NTDDK_H */
