/*
 * EmitTest.c - the test-build emit IOCTL (EmitTest.h): checks its input against the schema's
 * event kinds and hands the payload to CoreEmit. Part of the template: do not edit. Compiled into
 * every build, but empty unless INVERTED_CALL_TEST_BUILD is defined. Portable C, like the core:
 * the native tests build it under ASan to feed it short, long and malformed inputs.
 *
 * The input is user-mode bytes: the fixed part is read byte by byte (no misaligned reads), and
 * every length is checked against InputLength before anything past the fixed part is looked at.
 * The kinds come from DeviceTable.h (DEVICE_EVENT_KINDS, generated from the schema), so a payload
 * of the wrong size never reaches a subscriber's ring.
 */
/* Included only in test builds: a WDK build compiles this file to nothing without reading the
 * DDK headers, which is most of what compiling and analysing a file costs. */
#ifdef INVERTED_CALL_TEST_BUILD
#include "EmitTest.h"

/*
 * EmitTestReadU16 / EmitTestReadU32
 *   A little-endian field of the input at Offset (the caller has checked it lies inside).
 * IRQL: any.
 * Returns: the value.
 */
static UINT16 EmitTestReadU16(const UINT8 *Input, size_t Offset)
{
    return (UINT16)((UINT32)Input[Offset] | ((UINT32)Input[Offset + 1u] << 8));
}

static UINT32 EmitTestReadU32(const UINT8 *Input, size_t Offset)
{
    return (UINT32)EmitTestReadU16(Input, Offset) | ((UINT32)EmitTestReadU16(Input, Offset + 2u) << 16);
}

/*
 * EmitTestPayloadBytes
 *   Looks up kind Kind of channel Channel among the schema's event kinds.
 * IRQL: any.
 * Returns: 1 with *PayloadBytes set to the kind's payload size; 0 for a channel the schema does
 *   not have or a kind that channel does not carry (int: the native build has no TRUE).
 */
static int EmitTestPayloadBytes(UINT32 Channel, UINT32 Kind, UINT32 *PayloadBytes)
{
#define EMIT_TEST_KIND(channelIndex, kindId, payloadType)                        \
    if (Channel == (UINT32)(channelIndex) && Kind == (UINT32)(kindId)) {         \
        *PayloadBytes = (UINT32)sizeof(payloadType);                             \
        return 1;                                                                \
    }
    DEVICE_EVENT_KINDS(EMIT_TEST_KIND)
#undef EMIT_TEST_KIND
    (void)Channel;
    (void)Kind;
    (void)PayloadBytes;
    return 0;
}

/*
 * EmitTestParse
 *   Checks one emit IOCTL input (layout and rules in EmitTest.h) and describes it.
 * IRQL: any (it touches only Input and Request).
 * Returns: STATUS_SUCCESS with Request filled; STATUS_BUFFER_TOO_SMALL for an input shorter
 *   than the fixed part; STATUS_INVALID_PARAMETER for any other broken rule.
 */
NTSTATUS EmitTestParse(const UINT8 *Input, size_t InputLength, EMIT_TEST_REQUEST *Request)
{
    INVERTED_CALL_TEST_EMIT fixed;
    const size_t fixedBytes = sizeof(INVERTED_CALL_TEST_EMIT);
    UINT32 kindPayloadBytes = 0;

    if (Input == NULL || InputLength < fixedBytes) {
        return STATUS_BUFFER_TOO_SMALL;
    }
    fixed.Channel = EmitTestReadU32(Input, FIELD_OFFSET(INVERTED_CALL_TEST_EMIT, Channel));
    fixed.Kind = EmitTestReadU16(Input, FIELD_OFFSET(INVERTED_CALL_TEST_EMIT, Kind));
    fixed.Reserved = EmitTestReadU16(Input, FIELD_OFFSET(INVERTED_CALL_TEST_EMIT, Reserved));
    fixed.Count = EmitTestReadU32(Input, FIELD_OFFSET(INVERTED_CALL_TEST_EMIT, Count));
    fixed.PayloadBytes = EmitTestReadU32(Input, FIELD_OFFSET(INVERTED_CALL_TEST_EMIT, PayloadBytes));

    if (fixed.Reserved != 0 || fixed.Count == 0 || fixed.Count > INVERTED_CALL_TEST_EMIT_MAX_COUNT) {
        return STATUS_INVALID_PARAMETER;
    }
    if (!EmitTestPayloadBytes(fixed.Channel, fixed.Kind, &kindPayloadBytes) || fixed.PayloadBytes != kindPayloadBytes) {
        return STATUS_INVALID_PARAMETER;
    }
    /* Exactly the payload's bytes follow: none missing (never read past the input), none extra. */
    if (InputLength - fixedBytes != (size_t)fixed.PayloadBytes) {
        return STATUS_INVALID_PARAMETER;
    }

    Request->Fixed = fixed;
    Request->Payload = Input + fixedBytes;
    return STATUS_SUCCESS;
}

/*
 * EmitTestRun
 *   Checks the input (EmitTestParse), then offers its payload Count times to the channel's
 *   subscriptions, one CoreEmit each: the path the driver's own events take.
 * IRQL: PASSIVE_LEVEL (device-control dispatch); CoreEmit raises to DISPATCH_LEVEL under its
 *   lock, which is why Input must be non-paged (the METHOD_BUFFERED system buffer is).
 * Returns: STATUS_SUCCESS once every event was offered; the parse's status for a bad input;
 *   CoreEmit's status should it refuse one (the parse leaves it nothing to refuse).
 */
NTSTATUS EmitTestRun(CORE *Core, const void *Input, size_t InputLength)
{
    EMIT_TEST_REQUEST request;
    NTSTATUS status;
    UINT32 index;

    status = EmitTestParse((const UINT8 *)Input, InputLength, &request);
    for (index = 0; CORE_SUCCESS(status) && index < request.Fixed.Count; index++) {
        status = CoreEmit(Core, request.Fixed.Channel, request.Fixed.Kind, request.Payload, request.Fixed.PayloadBytes);
    }
    return status;
}

#else
/* A translation unit must declare something. */
typedef int EmitTestIsOff;
#endif
