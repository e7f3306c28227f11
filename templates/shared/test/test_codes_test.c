/*
 * The native test program of InvertedCallTestCodes.c: whether TestStateCheckSchema refuses a
 * schema that takes a code test builds keep. Built with the native CoreConfig.h, native-ntddk/
 * and a rendered DeviceTable.h; packages/driver-template/test/test-ioctls.test.ts runs it.
 *
 *   test_codes_test <code>   checks a device whose one call has IOCTL code <code> (decimal) and
 *                            prints {"status":...} (one JSON line); the refusal's debug message
 *                            goes to stderr.
 */
#include <ntddk.h>
#include "InvertedCallTestCodes.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

unsigned int DbgPrintEx(unsigned int ComponentId, unsigned int Level, const char *Format, ...)
{
    va_list arguments;
    (void)ComponentId;
    (void)Level;
    va_start(arguments, Format);
    vfprintf(stderr, Format, arguments);
    va_end(arguments);
    return 0;
}

static NTSTATUS NoHandler(const CORE_CALL_CONTEXT *Context, const void *Input, void *Output)
{
    (void)Context;
    (void)Input;
    (void)Output;
    return STATUS_SUCCESS;
}

int main(int argc, char **argv)
{
    static const UINT8 hash[32] = { 0 };
    CORE_CALL_CONFIG call = { 0, 0, 0, NoHandler };
    CORE_DEVICE_CONFIG config = { 0 };
    NTSTATUS status;
    if (argc != 2) {
        fprintf(stderr, "usage: test_codes_test <code>\n");
        return 2;
    }
    call.Code = (UINT32)strtoul(argv[1], NULL, 10);
    config.ProtocolInfoCode = 1u; /* never a CTL_CODE with the device's type */
    config.SchemaHash = hash;
    config.Calls = &call;
    config.CallCount = 1u;
    status = TestStateCheckSchema(&config);
    printf("{\"status\":%lu}\n", (unsigned long)(UINT32)status);
    return 0;
}
