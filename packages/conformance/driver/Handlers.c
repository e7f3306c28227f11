/*
 * Handlers.c of the conformance device's driver: the calls every backend is checked against.
 * The same file serves the native core harness and the driver built for the Wine bed; it does
 * what the simulator's conformance target does in TypeScript (packages/simulator/test/support):
 * Echo echoes, the counter is one u64 per device, Inject emits through the event path
 * (CoreEmit), the same one a real event source uses.
 */
#include "Handlers.h"

/* The device's counter (ReadCounter / WriteCounter). A u64 store is one access on x64. */
static volatile UINT64 ConformanceCounter;

/* For test harnesses that start a fresh device without reloading the code. */
void ConformanceHandlersReset(void);
void ConformanceHandlersReset(void)
{
    ConformanceCounter = 0;
}

NTSTATUS HandleEcho(const CORE_CALL_CONTEXT *Context, const CONFORMANCE_DEVICE_ECHO_DATA *Input, CONFORMANCE_DEVICE_ECHO_DATA *Output)
{
    (void)Context;
    *Output = *Input;
    return STATUS_SUCCESS;
}

NTSTATUS HandleReadCounter(const CORE_CALL_CONTEXT *Context, CONFORMANCE_DEVICE_COUNTER *Output)
{
    (void)Context;
    Output->Value = ConformanceCounter;
    return STATUS_SUCCESS;
}

NTSTATUS HandleWriteCounter(const CORE_CALL_CONTEXT *Context, const CONFORMANCE_DEVICE_COUNTER *Input)
{
    (void)Context;
    ConformanceCounter = Input->Value;
    return STATUS_SUCCESS;
}

NTSTATUS HandlePing(const CORE_CALL_CONTEXT *Context)
{
    (void)Context;
    return STATUS_SUCCESS;
}

/* ---- Inject: eventData(kind, tag) of packages/conformance/src/target.ts, in C --------------- */

/* "large event <tag>" in UTF-16, NUL-padded. */
static void ConformanceLargeText(WCHAR *Text, size_t Capacity, UINT64 Tag)
{
    static const char Prefix[] = "large event ";
    char digits[24];
    size_t count = 0;
    size_t used = 0;
    size_t index;
    do {
        digits[count++] = (char)('0' + (int)(Tag % 10u));
        Tag /= 10u;
    } while (Tag != 0);
    for (index = 0; index < Capacity; index++) {
        Text[index] = 0;
    }
    for (index = 0; Prefix[index] != '\0' && used + 1 < Capacity; index++) {
        Text[used++] = (WCHAR)Prefix[index];
    }
    while (count > 0 && used + 1 < Capacity) {
        Text[used++] = (WCHAR)digits[--count];
    }
}

static NTSTATUS ConformanceEmitOne(CORE *Core, UINT32 Channel, UINT16 Kind, int Large, UINT64 Tag)
{
    if (Large) {
        CONFORMANCE_DEVICE_LARGE event;
        size_t index;
        for (index = 0; index < sizeof(event); index++) {
            ((UINT8 *)&event)[index] = 0;
        }
        event.Tag = Tag;
        ConformanceLargeText(event.Text, sizeof(event.Text) / sizeof(event.Text[0]), Tag);
        return CoreEmit(Core, Channel, Kind, &event, (UINT32)sizeof(event));
    } else {
        CONFORMANCE_DEVICE_SMALL event;
        size_t index;
        for (index = 0; index < sizeof(event); index++) {
            ((UINT8 *)&event)[index] = 0;
        }
        event.Tag = Tag;
        event.Value = (UINT32)(Tag & 0xFFFFFFFFu);
        event.Flag = (BOOLEAN)(Tag & 1u);
        return CoreEmit(Core, Channel, Kind, &event, (UINT32)sizeof(event));
    }
}

/* Which (channel, kind) pairs exist, and whether the kind carries the Large struct. */
static int ConformanceKindOf(UINT32 Channel, UINT16 Kind, int *Large)
{
    *Large = 0;
    if (Channel == CONFORMANCE_DEVICE_EVENTS_INDEX) {
        *Large = Kind == CONFORMANCE_DEVICE_EVENTS_KIND_LARGE;
        return Kind == CONFORMANCE_DEVICE_EVENTS_KIND_SMALL || Kind == CONFORMANCE_DEVICE_EVENTS_KIND_LARGE;
    }
    if (Channel == CONFORMANCE_DEVICE_LATEST_INDEX) {
        return Kind == CONFORMANCE_DEVICE_LATEST_KIND_SMALL;
    }
    if (Channel == CONFORMANCE_DEVICE_AUDIT_INDEX) {
        return Kind == CONFORMANCE_DEVICE_AUDIT_KIND_SMALL;
    }
    return 0;
}

NTSTATUS HandleInject(const CORE_CALL_CONTEXT *Context, const CONFORMANCE_DEVICE_EMIT_REQUEST *Input, CONFORMANCE_DEVICE_COUNTER *Output)
{
    UINT32 index;
    int large;
    if (!ConformanceKindOf(Input->Channel, Input->Kind, &large)) {
        return STATUS_INVALID_PARAMETER;
    }
    for (index = 0; index < Input->Count; index++) {
        NTSTATUS status = ConformanceEmitOne(Context->Core, Input->Channel, Input->Kind, large, Input->FirstTag + index);
        if (!CORE_SUCCESS(status)) {
            return status;
        }
    }
    Output->Value = Input->Count;
    return STATUS_SUCCESS;
}
