/*
 * EmitTest.h - the emit IOCTL of test builds: puts events into the driver's channels through
 * CoreEmit, the path the driver's own code uses, so a test can feed any device (not only one whose
 * schema has a call for it) and read the events back with the real client.
 * Part of the template: do not edit. Rendered into every driver.
 *
 * Only a build with -DINVERTED_CALL_TEST_BUILD answers it; any other build refuses it like every
 * code the schema does not declare (STATUS_INVALID_DEVICE_REQUEST). Never ship a test build: like
 * the state (0xFFE) and process (0xFFD) IOCTLs it asks for FILE_ANY_ACCESS, so any handle the
 * device's SDDL lets open can send it.
 *
 * Request: METHOD_BUFFERED, FILE_ANY_ACCESS. Input: INVERTED_CALL_TEST_EMIT, then exactly
 * PayloadBytes bytes: one event's payload as the codec encodes it (the kind's struct, whose size
 * is the same on x64, x86 and ARM64). The driver emits that payload Count times on channel
 * Channel as kind Kind, each a CoreEmit of its own (each takes the next sequence number of every
 * subscription, and a full ring follows its overflow policy). No output. Answers:
 *   STATUS_BUFFER_TOO_SMALL    the input is shorter than INVERTED_CALL_TEST_EMIT;
 *   STATUS_INVALID_PARAMETER   a channel the schema does not have, a kind that channel does not
 *                              carry, a PayloadBytes other than the kind's payload size, payload
 *                              bytes that do not number exactly PayloadBytes, a Count of 0 or
 *                              above INVERTED_CALL_TEST_EMIT_MAX_COUNT, a nonzero Reserved;
 *   STATUS_SUCCESS             every event was offered (delivered, ringed or dropped).
 *
 * The tests' encoder (packages/driver-template/src/test-ioctls.ts) is checked against this layout
 * by the native test (templates/shared/test/emit_test.c), which prints it from these declarations.
 */
#ifndef EMIT_TEST_H
#define EMIT_TEST_H

#include "Core.h" /* the base types, DeviceTable.h (DEVICE_TYPE_VALUE, DEVICE_EVENT_KINDS), NTSTATUS values */

#define INVERTED_CALL_TEST_EMIT_FUNCTION 0xFFC
#define IOCTL_INVERTED_CALL_TEST_EMIT \
    CTL_CODE(DEVICE_TYPE_VALUE, INVERTED_CALL_TEST_EMIT_FUNCTION, METHOD_BUFFERED, FILE_ANY_ACCESS)

/* Twice the largest ring capacity a schema may give (1,048,576): one request can overflow any
 * ring, and no request keeps a dispatch routine busy for long. */
#define INVERTED_CALL_TEST_EMIT_MAX_COUNT 0x200000u

#pragma pack(push, 8)
typedef struct _INVERTED_CALL_TEST_EMIT {
    UINT32 Channel;      /* channel index, in schema order */
    UINT16 Kind;         /* the event kind's id on that channel */
    UINT16 Reserved;     /* 0 */
    UINT32 Count;        /* events to emit, 1 to INVERTED_CALL_TEST_EMIT_MAX_COUNT */
    UINT32 PayloadBytes; /* bytes after this struct: the kind's payload size */
} INVERTED_CALL_TEST_EMIT;
#pragma pack(pop)

/* One layout for x64, x86 and ARM64, and for the driver and its tests alike. */
INVERTED_CALL_STATIC_ASSERT(sizeof(INVERTED_CALL_TEST_EMIT) == 16, "INVERTED_CALL_TEST_EMIT: size");
INVERTED_CALL_STATIC_ASSERT(FIELD_OFFSET(INVERTED_CALL_TEST_EMIT, Kind) == 4, "INVERTED_CALL_TEST_EMIT.Kind: offset");
INVERTED_CALL_STATIC_ASSERT(FIELD_OFFSET(INVERTED_CALL_TEST_EMIT, Reserved) == 6, "INVERTED_CALL_TEST_EMIT.Reserved: offset");
INVERTED_CALL_STATIC_ASSERT(FIELD_OFFSET(INVERTED_CALL_TEST_EMIT, Count) == 8, "INVERTED_CALL_TEST_EMIT.Count: offset");
INVERTED_CALL_STATIC_ASSERT(FIELD_OFFSET(INVERTED_CALL_TEST_EMIT, PayloadBytes) == 12, "INVERTED_CALL_TEST_EMIT.PayloadBytes: offset");

/* One checked input: the fixed part, read field by field, and where its payload is. */
typedef struct _EMIT_TEST_REQUEST {
    INVERTED_CALL_TEST_EMIT Fixed;
    const UINT8 *Payload; /* into the input: Fixed.PayloadBytes bytes */
} EMIT_TEST_REQUEST;

#ifdef INVERTED_CALL_TEST_BUILD
/* EmitTest.c (portable: the native tests build it too). Checks Input against every rule above and
 * the schema's kinds (DEVICE_EVENT_KINDS); Request is untouched unless STATUS_SUCCESS is returned. */
NTSTATUS EmitTestParse(const UINT8 *Input, size_t InputLength, EMIT_TEST_REQUEST *Request);

/* EmitTest.c: parses the input and emits its payload Count times. PASSIVE_LEVEL; Input must be
 * non-paged (the METHOD_BUFFERED system buffer is), as CoreEmit requires of a payload. The one
 * line each glue adds for the emit IOCTL. */
NTSTATUS EmitTestRun(CORE *Core, const void *Input, size_t InputLength);
#endif

#endif /* EMIT_TEST_H */
