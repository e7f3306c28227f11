/*
 * Core.h - the portable core of an inverted-call driver (protocol v1, DESIGN.md section 4).
 *
 * Subscriptions per (file, channel), a bounded ring per subscription with an overflow policy,
 * a u64 sequence counter per subscription, the drop count, the FIFO of parked subscribe requests
 * and batch filling. Rules R1-R5. No WDF/WDM calls and no allocation of its own: the glue passes
 * an allocator, a lock and a complete-request callback through CORE_OPS.
 *
 * Before this header the build must make available (normally through "CoreConfig.h", found on
 * the include path: the driver's own includes <ntddk.h> and the generated device header; the
 * native test's defines the few Windows types itself):
 *   - NTSTATUS, UINT8, UINT16, UINT32, UINT64 (and what the generated header needs);
 *   - the protocol structs INVERTED_CALL_BATCH_HEADER and INVERTED_CALL_RECORD_HEADER
 *     (INVERTED_CALL_PROTOCOL_V1, from any generated device header).
 *
 * Locking: every entry point takes the glue's lock itself and calls CompleteRequest only after
 * releasing it, so the callback may complete the WDFREQUEST / IRP directly.
 */
#ifndef INVERTED_CALL_CORE_H
#define INVERTED_CALL_CORE_H

#include "CoreConfig.h"

#include <stddef.h> /* size_t, NULL: freestanding, no CRT */
#include <stdint.h> /* freestanding */

#ifndef INVERTED_CALL_PROTOCOL_V1
#error "CoreConfig.h must include a generated device header (protocol v1 structs) before Core.h is used."
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* NTSTATUS values the core completes with; the real ntstatus.h values win when present. */
#ifndef STATUS_SUCCESS
#define STATUS_SUCCESS ((NTSTATUS)0x00000000L)
#endif
#ifndef STATUS_PENDING
#define STATUS_PENDING ((NTSTATUS)0x00000103L)
#endif
#ifndef STATUS_INVALID_PARAMETER
#define STATUS_INVALID_PARAMETER ((NTSTATUS)0xC000000DL)
#endif
#ifndef STATUS_INVALID_DEVICE_REQUEST
#define STATUS_INVALID_DEVICE_REQUEST ((NTSTATUS)0xC0000010L)
#endif
#ifndef STATUS_BUFFER_TOO_SMALL
#define STATUS_BUFFER_TOO_SMALL ((NTSTATUS)0xC0000023L)
#endif
#ifndef STATUS_INSUFFICIENT_RESOURCES
#define STATUS_INSUFFICIENT_RESOURCES ((NTSTATUS)0xC000009AL)
#endif
#ifndef STATUS_CANCELLED
#define STATUS_CANCELLED ((NTSTATUS)0xC0000120L)
#endif

#define CORE_OVERFLOW_DROP_NEWEST 0u /* == INVERTED_CALL_OVERFLOW_DROP_NEWEST */
#define CORE_OVERFLOW_DROP_OLDEST 1u /* == INVERTED_CALL_OVERFLOW_DROP_OLDEST */

/* Bytes a record with a payload of PayloadBytes takes in a batch (header + payload, 8-aligned). */
#define CORE_RECORD_BYTES(PayloadBytes) \
    ((((size_t)sizeof(INVERTED_CALL_RECORD_HEADER) + (size_t)(PayloadBytes)) + 7u) & ~(size_t)7u)

/* An intrusive doubly linked list (the core's own: no LIST_ENTRY, so it builds anywhere). */
typedef struct _CORE_LINK {
    struct _CORE_LINK *Next;
    struct _CORE_LINK *Prev;
} CORE_LINK;

/* One channel as the glue describes it at init (from the generated header's macros). */
typedef struct _CORE_CHANNEL_CONFIG {
    UINT32 Capacity;           /* ring slots per subscription, >= 1 */
    UINT32 Overflow;           /* CORE_OVERFLOW_DROP_NEWEST or CORE_OVERFLOW_DROP_OLDEST */
    UINT32 MinimumOutputBytes; /* batch header + the largest record (R1); 8-aligned record sizes */
} CORE_CHANNEL_CONFIG;

struct _CORE_REQUEST;

/*
 * What the glue provides. Allocate returns memory of at least Bytes (not necessarily zeroed) or
 * NULL; it may be called with the lock held (use non-paged memory in the kernel). Lock returns
 * whatever Unlock needs back (the old IRQL, say). CompleteRequest is never called with the lock
 * held; after it returns the core does not touch the request again.
 */
typedef struct _CORE_OPS {
    void *Context;
    void *(*Allocate)(void *Context, size_t Bytes);
    void (*Free)(void *Context, void *Memory);
    uintptr_t (*Lock)(void *Context);
    void (*Unlock)(void *Context, uintptr_t LockState);
    void (*CompleteRequest)(void *Context, struct _CORE_REQUEST *Request, NTSTATUS Status, size_t Information);
} CORE_OPS;

/*
 * A subscribe request, in storage the glue owns (a WDF request context, say) that must stay
 * valid until CompleteRequest is called for it. Fill in GlueRequest, OutputBuffer and
 * OutputLength; the rest is the core's.
 */
typedef struct _CORE_REQUEST {
    void *GlueRequest;  /* opaque to the core (the WDFREQUEST) */
    UINT8 *OutputBuffer;
    size_t OutputLength;
    /* Core-private below. */
    CORE_LINK SubscriptionLink; /* FIFO of parked requests of one subscription */
    CORE_LINK FileLink;         /* parked requests of one file, in the order they were parked */
    struct _CORE_SUBSCRIPTION *Subscription;
    struct _CORE_FILE *File;
    struct _CORE_REQUEST *CompleteNext;
    NTSTATUS CompleteStatus;
    size_t CompleteInformation;
} CORE_REQUEST;

/* One open file object (handle), in storage the glue owns (a WDF file object context). */
typedef struct _CORE_FILE {
    CORE_LINK Subscriptions; /* CORE_SUBSCRIPTION.FileLink, creation order */
    CORE_LINK Parked;        /* CORE_REQUEST.FileLink, park order */
    UINT8 Open;
} CORE_FILE;

/* Per (file, channel): allocated by the core through CORE_OPS.Allocate. */
typedef struct _CORE_SUBSCRIPTION {
    CORE_LINK ChannelLink; /* fan-out order: creation order */
    CORE_LINK FileLink;
    CORE_LINK Parked;      /* CORE_REQUEST.SubscriptionLink */
    CORE_FILE *File;
    UINT32 ChannelIndex;
    UINT32 Capacity;
    UINT32 Overflow;
    UINT32 Head;
    UINT32 Count;
    size_t SlotBytes;      /* bytes per ring slot: one encoded record of the largest kind */
    UINT64 NextSequence;
    UINT64 DroppedTotal;
    UINT8 *Slots;          /* Capacity * SlotBytes: encoded records (header, payload, zero padding) */
} CORE_SUBSCRIPTION;

typedef struct _CORE_CHANNEL {
    CORE_CHANNEL_CONFIG Config;
    size_t MaxPayloadBytes; /* MinimumOutputBytes - batch header - record header */
    CORE_LINK Subscriptions;
} CORE_CHANNEL;

/* The core of one device, in storage the glue owns (the device context). */
typedef struct _CORE {
    CORE_OPS Ops;
    UINT32 ChannelCount;
    CORE_CHANNEL *Channels; /* allocated through Ops.Allocate */
} CORE;

/*
 * Checks the channel table (capacity >= 1, a known policy, a minimum that holds a header and a
 * record) and allocates the channel array. STATUS_INVALID_PARAMETER or
 * STATUS_INSUFFICIENT_RESOURCES on failure, leaving nothing allocated.
 */
NTSTATUS CoreInitialize(CORE *Core, const CORE_OPS *Ops, const CORE_CHANNEL_CONFIG *Channels, UINT32 ChannelCount);

/* Frees what CoreInitialize allocated. Close every file first. */
void CoreUninitialize(CORE *Core);

/* A file object was created (EvtDeviceFileCreate). */
void CoreFileOpen(CORE *Core, CORE_FILE *File);

/*
 * R5: cancels the file's parked requests (STATUS_CANCELLED, in the order they were parked),
 * frees its subscriptions and rings; other files are untouched. Call from EvtFileCleanup and
 * again, harmlessly, from EvtFileClose.
 */
void CoreFileClose(CORE *Core, CORE_FILE *File);

/*
 * A subscribe request on channel ChannelIndex (its input length already checked by the glue).
 * R1: an output buffer below the channel's minimum completes with STATUS_BUFFER_TOO_SMALL, never
 * parked, no subscription. Otherwise the file's subscription for the channel is created if
 * needed; R2: events waiting complete the request at once with as many whole records as fit;
 * otherwise it is parked and STATUS_PENDING returned. Every other return value is the status the
 * request was completed with (through CompleteRequest, before this returns).
 */
NTSTATUS CoreSubscribe(CORE *Core, CORE_FILE *File, UINT32 ChannelIndex, CORE_REQUEST *Request);

/*
 * R4: if Request is parked, unparks it and completes it with STATUS_CANCELLED, and returns 1.
 * Returns 0 if it is not parked (already completed: nothing happens). No event is ever written
 * into a request that is then cancelled.
 */
int CoreCancel(CORE *Core, CORE_REQUEST *Request);

/*
 * R3: offers one event to every subscription of the channel, in creation order: it completes the
 * oldest parked request when the ring is empty, else enters the ring, else the overflow policy
 * drops one event and counts it. Every offer takes the subscription's next sequence number.
 * STATUS_INVALID_PARAMETER for an unknown channel or a payload larger than the channel allows.
 */
NTSTATUS CoreEmit(CORE *Core, UINT32 ChannelIndex, UINT16 Kind, const void *Payload, UINT32 PayloadBytes);

#ifdef __cplusplus
}
#endif

#endif /* INVERTED_CALL_CORE_H */
