/*
 * Core.h - the portable core of an inverted-call driver (protocol v2: rules R1-R7 of the kit's
 * docs/concepts.md, "The protocol rules in plain words"; the verdicts, rules V1-V9, are
 * Verdict.h's).
 * Part of the template: do not edit (your code goes in Handlers.c).
 *
 * Everything the protocol decides lives here, in C11 with no WDF/WDM calls and no allocation of
 * its own: request classification and length checks (R6, R7), the protocol-information answer,
 * call dispatch to the user's handlers, subscriptions per (file, channel), a bounded ring per
 * subscription with an overflow policy, a u64 sequence counter, the drop count and batch filling
 * (R1-R5). The glue (KMDF or WDM) passes in an allocator, a lock, a way to park a request where
 * the framework can cancel it, a way to take a parked request back, and a way to complete one.
 *
 * Cancellation belongs to the framework. A parked request sits in the glue's cancelable queue
 * (a manual WDFQUEUE per channel), not in the core: when it is cancelled the framework completes
 * it, and the core never hears of it. The core only ever writes events into a request it took
 * back through TakeParkedRequest, which returns requests that can no longer be cancelled: so an
 * event is never written into a request that is then cancelled, and no event is lost by a cancel.
 *
 * Before this header the build must make available, through "CoreConfig.h" on the include path:
 *   - NTSTATUS, UINT8, UINT16, UINT32, UINT64 (and what the generated header needs);
 *   - the protocol structs of a generated device header of protocol v2 (INVERTED_CALL_PROTOCOL_V2).
 *
 * Locking: every entry point takes the glue's lock itself. ParkRequest and TakeParkedRequest are
 * called with it held; CompleteRequest and call handlers are never called with it held.
 */
#ifndef INVERTED_CALL_CORE_H
#define INVERTED_CALL_CORE_H

#include "CoreConfig.h"

#include <stddef.h> /* size_t, NULL: freestanding, no CRT */
#include <stdint.h> /* freestanding */

#ifndef INVERTED_CALL_PROTOCOL_V2
#error "CoreConfig.h must include a generated device header of protocol v2 (regenerate it) before Core.h is used."
#endif
#if !defined(INVERTED_CALL_RECORD_BYTES) || !defined(INVERTED_CALL_RECORD_ALIGNMENT) || \
    !defined(INVERTED_CALL_OVERFLOW_DROP_NEWEST) || !defined(INVERTED_CALL_OVERFLOW_DROP_OLDEST)
#error "The generated device header lacks the protocol constants Core.h uses: regenerate it with this version of the kit."
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
#ifndef STATUS_UNSUCCESSFUL
#define STATUS_UNSUCCESSFUL ((NTSTATUS)0xC0000001L)
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
#ifndef STATUS_QUOTA_EXCEEDED
#define STATUS_QUOTA_EXCEEDED ((NTSTATUS)0xC0000044L)
#endif

/* NT_SUCCESS without depending on the DDK's definition. */
#define CORE_SUCCESS(Status) (((NTSTATUS)(Status)) >= 0)

/*
 * The protocol's own constants come from the generated device header, which owns them: the
 * overflow policy codes (INVERTED_CALL_OVERFLOW_DROP_NEWEST, INVERTED_CALL_OVERFLOW_DROP_OLDEST),
 * the record alignment (INVERTED_CALL_RECORD_ALIGNMENT), a record's size in a batch
 * (INVERTED_CALL_RECORD_BYTES) and the batch flags. The core defines none of them again.
 */

/* Inputs up to this size are copied to the stack before a handler runs; larger ones to Allocate. */
#define CORE_INPUT_STACK_BYTES 256u

/* An intrusive doubly linked list (the core's own: no LIST_ENTRY, so it builds anywhere). */
typedef struct _CORE_LINK {
    struct _CORE_LINK *Next;
    struct _CORE_LINK *Prev;
} CORE_LINK;

struct _CORE;
struct _CORE_FILE;
struct _CORE_REQUEST;

/* What a call handler is given besides its input and output. */
typedef struct _CORE_CALL_CONTEXT {
    struct _CORE *Core;       /* to emit events: CoreEmit(Context->Core, ...) */
    struct _CORE_FILE *File;  /* the handle the call came on */
    void *DeviceContext;      /* CORE_OPS.Context: the glue's device context */
} CORE_CALL_CONTEXT;

/*
 * A call handler. Input holds exactly the call's input struct (NULL without one) in memory of its
 * own (never the output buffer); Output is the output struct, zeroed (NULL without one). Returns
 * the request's status; on success the whole output struct goes back. Handlers run without the
 * core's lock, at the IRQL of the glue's dispatch routine, and complete synchronously: a returned
 * STATUS_PENDING is treated as STATUS_UNSUCCESSFUL.
 */
typedef NTSTATUS CORE_CALL_HANDLER(const CORE_CALL_CONTEXT *Context, const void *Input, void *Output);

/* One call IOCTL of the schema (from the generated DeviceTable.c). */
typedef struct _CORE_CALL_CONFIG {
    UINT32 Code;              /* IOCTL code */
    UINT32 InputBytes;        /* exact input length; 0: the call takes no input */
    UINT32 OutputBytes;       /* minimum output length and bytes returned; 0: no output */
    CORE_CALL_HANDLER *Handler;
} CORE_CALL_CONFIG;

/* One channel of the schema (from the generated DeviceTable.c). */
typedef struct _CORE_CHANNEL_CONFIG {
    UINT32 SubscribeCode;     /* IOCTL code of its subscribe request */
    UINT32 Capacity;          /* ring slots per subscription, >= 1 */
    UINT32 Overflow;          /* INVERTED_CALL_OVERFLOW_DROP_NEWEST or _DROP_OLDEST */
    UINT32 BatchBytes;        /* output size the client is told to use (protocol information) */
    UINT32 MaxRecordBytes;    /* one record of its largest kind, header included, aligned */
} CORE_CHANNEL_CONFIG;

/*
 * The device's resource limits (the schema's device.limits; the generated header's
 * <PREFIX>_MAX_* macros). Each is >= 1. A subscribe request that would pass one is completed with
 * STATUS_QUOTA_EXCEEDED, creates nothing and is never parked: rings come from non-paged pool and
 * every parked request pins its output buffer, so any handle could otherwise exhaust both.
 */
typedef struct _CORE_LIMITS {
    UINT32 MaxSubscriptions;   /* open subscriptions (file, channel) of the device */
    UINT32 MaxParkedPerHandle; /* parked requests of one file: subscribe (all channels) and ask (all verdicts) together */
    UINT32 MaxRingBytes;       /* ring memory of all the device's subscriptions: Capacity * MaxRecordBytes each */
} CORE_LIMITS;

/*
 * One verdict of the schema (from the generated DeviceTable.c): a question the driver asks and a
 * decider answers within DeadlineMs. The core reports these in the protocol information
 * (VERDICT_INFO); the question table that asks and settles them is Verdict.c's
 * (CoreVerdictInitialize, Verdict.h), set up from this same table.
 */
typedef struct _CORE_VERDICT_CONFIG {
    UINT32 AskCode;              /* IOCTL code of the ask request (askFunction) */
    UINT32 ReplyCode;            /* IOCTL code of the reply (replyFunction) */
    UINT32 QuestionBytes;        /* sizeof the question struct, >= 1 */
    UINT32 AnswerBytes;          /* sizeof the answer struct, >= 1 */
    UINT32 DeadlineMs;           /* deadlineMs, >= 1 (the schema owns the upper bound) */
    UINT32 MaxPending;           /* maxPending, >= 1: unsettled questions (queued + delivered) */
    const UINT8 *DefaultAnswer;  /* AnswerBytes bytes: the encoded defaultAnswer */
} CORE_VERDICT_CONFIG;

/* The device as the schema describes it (the generated DeviceTable.c fills one in). */
typedef struct _CORE_DEVICE_CONFIG {
    UINT32 ProtocolInfoCode;  /* the built-in R7 call */
    const UINT8 *SchemaHash;  /* 32 bytes */
    const CORE_CHANNEL_CONFIG *Channels;
    UINT32 ChannelCount;
    const CORE_CALL_CONFIG *Calls;
    UINT32 CallCount;
    CORE_LIMITS Limits;
    const CORE_VERDICT_CONFIG *Verdicts; /* in schema order; NULL when VerdictCount is 0 */
    UINT32 VerdictCount;
} CORE_DEVICE_CONFIG;

/*
 * What the glue provides. Allocate returns memory of at least Bytes (not necessarily zeroed) or
 * NULL; it may be called with the lock held (use non-paged memory in the kernel). Lock returns
 * whatever Unlock needs back (the old IRQL, say).
 *
 * ParkRequest (lock held) puts Request where the framework may cancel it: the channel's manual
 * queue. After success the core forgets the request; on failure the core completes it with the
 * returned status. TakeParkedRequest (lock held) takes back the oldest parked request of File on
 * channel ChannelIndex that is no longer cancelable, or returns NULL when none is left.
 *
 * CompleteRequest is never called with the lock held; after it returns the core does not touch
 * the request again.
 */
typedef struct _CORE_OPS {
    void *Context;
    void *(*Allocate)(void *Context, size_t Bytes);
    void (*Free)(void *Context, void *Memory);
    uintptr_t (*Lock)(void *Context);
    void (*Unlock)(void *Context, uintptr_t LockState);
    NTSTATUS (*ParkRequest)(void *Context, struct _CORE_REQUEST *Request, UINT32 ChannelIndex);
    struct _CORE_REQUEST *(*TakeParkedRequest)(void *Context, struct _CORE_FILE *File, UINT32 ChannelIndex);
    void (*CompleteRequest)(void *Context, struct _CORE_REQUEST *Request, NTSTATUS Status, size_t Information);
} CORE_OPS;

/*
 * A device-control request, in storage the glue owns (a WDF request context) that stays valid
 * until CompleteRequest is called for it. The glue fills in the public part. With METHOD_BUFFERED
 * the input and output buffers are the same memory: the core allows for that.
 */
typedef struct _CORE_REQUEST {
    void *GlueRequest;        /* opaque to the core (the WDFREQUEST) */
    const UINT8 *InputBuffer; /* NULL when InputLength is 0 */
    size_t InputLength;
    UINT8 *OutputBuffer;      /* NULL when OutputLength is 0 */
    size_t OutputLength;
    /* Core-private below (zeroed memory is a valid start: a zeroed request is not parked). */
    UINT64 ParkStamp;         /* park order across a file's channels (R5 cancels oldest first) */
    struct _CORE_FILE *ParkedFile; /* while parked: the file whose ParkedCount it is counted in */
    CORE_LINK ParkedLink;     /* while parked: in ParkedFile->Parked */
    struct _CORE_REQUEST *CompleteNext;
    NTSTATUS CompleteStatus;
    size_t CompleteInformation;
    struct _CORE_FILE *AskFile; /* while a verdict ask request is parked (Verdict.h): its handle */
} CORE_REQUEST;

/* One open file object (handle), in storage the glue owns (a WDF file object context). */
typedef struct _CORE_FILE {
    void *GlueFile;           /* opaque to the core (the WDFFILEOBJECT) */
    CORE_LINK Subscriptions;  /* CORE_SUBSCRIPTION.FileLink, creation order */
    CORE_LINK Parked;         /* CORE_REQUEST.ParkedLink: its parked requests, for the limit */
    UINT32 ParkedCount;
    UINT8 Open;
    CORE_LINK Deciders;       /* CORE_VERDICT_DECIDER.FileLink (Verdict.h): the verdicts it decides */
    UINT8 VerdictsClosed;     /* CoreVerdictClose ran: no ask request makes it a decider again */
} CORE_FILE;

/* Per (file, channel): allocated by the core through CORE_OPS.Allocate. */
typedef struct _CORE_SUBSCRIPTION {
    CORE_LINK ChannelLink;    /* fan-out order: creation order */
    CORE_LINK FileLink;
    CORE_FILE *File;
    UINT32 ChannelIndex;
    UINT32 Capacity;
    UINT32 Overflow;
    UINT32 Head;
    UINT32 Count;
    size_t SlotBytes;         /* bytes per ring slot: one encoded record of the largest kind */
    UINT64 NextSequence;
    UINT64 DroppedTotal;
    UINT8 *Slots;             /* Capacity * SlotBytes: encoded records (header, payload, zero padding) */
} CORE_SUBSCRIPTION;

typedef struct _CORE_CHANNEL {
    CORE_CHANNEL_CONFIG Config;
    size_t MinimumOutputBytes; /* batch header + the largest record (R1) */
    size_t MaxPayloadBytes;
    CORE_LINK Subscriptions;
} CORE_CHANNEL;

/* The core of one device, in storage the glue owns (the device context). */
typedef struct _CORE {
    CORE_OPS Ops;
    const CORE_DEVICE_CONFIG *Device;
    CORE_CHANNEL *Channels;   /* allocated through Ops.Allocate */
    UINT32 ChannelCount;
    UINT64 NextParkStamp;
    UINT32 SubscriptionCount; /* open subscriptions, against Device->Limits.MaxSubscriptions */
    size_t RingBytes;         /* their rings' bytes, against Device->Limits.MaxRingBytes */
    struct _CORE_VERDICTS *Verdicts; /* NULL until CoreVerdictInitialize (Verdict.h) */
} CORE;

/* One subscription as CoreQueryState reports it (for a test-build state IOCTL, say). */
typedef struct _CORE_SUBSCRIPTION_STATE {
    void *GlueFile;
    UINT32 ChannelIndex;
    UINT32 RingFill;
    UINT64 DroppedTotal;
    UINT64 NextSequence;
} CORE_SUBSCRIPTION_STATE;

/*
 * Checks the device table (channel capacity >= 1, a known policy, record sizes that hold a record
 * header and are multiples of INVERTED_CALL_RECORD_ALIGNMENT, no code used twice, a handler for
 * every call, limits >= 1, and no METHOD_IN_DIRECT code that the core would write into: a call
 * with an output or a subscribe code, since Windows locks that buffer for read access only) and
 * allocates the channel array. Device must outlive the core. STATUS_INVALID_PARAMETER or STATUS_INSUFFICIENT_RESOURCES
 * on failure, leaving nothing allocated.
 */
NTSTATUS CoreInitialize(CORE *Core, const CORE_OPS *Ops, const CORE_DEVICE_CONFIG *Device);

/* Frees what CoreInitialize allocated. Close every file first. */
void CoreUninitialize(CORE *Core);

/* A file object was created (EvtDeviceFileCreate). GlueFile is what TakeParkedRequest gets back. */
void CoreFileOpen(CORE *Core, CORE_FILE *File, void *GlueFile);

/*
 * R5: takes back the file's parked requests and completes them with STATUS_CANCELLED, oldest
 * first, and frees its subscriptions and rings; other files are untouched. Call from
 * EvtFileCleanup and again, harmlessly, from EvtFileClose.
 */
void CoreFileClose(CORE *Core, CORE_FILE *File);

/*
 * Every device-control request of the device, after the I/O manager's access check:
 *   - the protocol-information call (R7): no input allowed (STATUS_INVALID_PARAMETER); an output
 *     below the whole answer gets STATUS_BUFFER_TOO_SMALL;
 *   - a call (R6): input of exactly the input struct's size, else STATUS_INVALID_PARAMETER; output
 *     of at least the output struct's size, else STATUS_BUFFER_TOO_SMALL; then its handler;
 *   - a subscribe request: no input allowed (STATUS_INVALID_PARAMETER); R1: an output below a
 *     batch header plus the largest record gets STATUS_BUFFER_TOO_SMALL, is never parked and
 *     creates no subscription; else the file's subscription for the channel is created if needed;
 *     R2: waiting events complete it at once with as many whole records as fit, the header
 *     flagged INVERTED_CALL_BATCH_FLAG_RING_EMPTY if none is left; otherwise it is parked and
 *     STATUS_PENDING returned. Limits (CORE_LIMITS): a request that would create a subscription
 *     past MaxSubscriptions or MaxRingBytes, or be parked while its file already has
 *     MaxParkedPerHandle parked, gets STATUS_QUOTA_EXCEEDED and creates nothing;
 *   - any other code: STATUS_INVALID_DEVICE_REQUEST.
 * Unless STATUS_PENDING is returned, the request has been completed through CompleteRequest with
 * the returned status before this returns.
 */
NTSTATUS CoreDispatch(CORE *Core, CORE_FILE *File, CORE_REQUEST *Request, UINT32 IoControlCode);

/*
 * A parked request left the glue's queue without TakeParkedRequest: the framework cancelled and
 * completed it (WDM: the cancel routine, before it completes the IRP; KMDF: the request's
 * EvtCleanupCallback). Gives its place back under MaxParkedPerHandle. Harmless for a request that
 * is not parked (taken back, completed by the core, never dispatched: zeroed storage). Call it
 * before the request's storage is freed; it never touches a file that has been closed meanwhile.
 * Takes the lock; never call it with the lock held. IRQL <= DISPATCH_LEVEL. Returns nothing.
 */
void CoreParkedRequestCancelled(CORE *Core, CORE_REQUEST *Request);

/*
 * R3: offers one event to every subscription of the channel, in creation order: it completes the
 * oldest parked request when the ring is empty (a one-record batch flagged
 * INVERTED_CALL_BATCH_FLAG_RING_EMPTY), else enters the ring, else the overflow policy
 * drops one event and counts it. Every offer takes the subscription's next sequence number.
 * STATUS_INVALID_PARAMETER for an unknown channel or a payload larger than the channel allows.
 * Callable from any context the glue's lock allows (the process-notify callback, a handler).
 *
 * Payload must be in non-paged memory (a local of the caller's stack is: a running thread's
 * kernel stack is resident): the payload is copied into each subscriber's ring or parked request
 * with the core's spin lock held, at DISPATCH_LEVEL, where touching a paged-out page bugchecks.
 * Copying it aside before taking the lock would cost every event a second copy.
 */
NTSTATUS CoreEmit(CORE *Core, UINT32 ChannelIndex, UINT16 Kind, const void *Payload, UINT32 PayloadBytes);

/*
 * Copies Source (SourceUnits UTF-16 code units, not NUL-terminated) into Destination, which holds
 * Capacity units (>= 1), truncating to Capacity - 1 units without splitting a surrogate pair, and
 * always NUL-terminates. Returns the units copied; *Truncated tells whether any were left out.
 */
size_t CoreCopyUtf16(WCHAR *Destination, size_t Capacity, const WCHAR *Source, size_t SourceUnits, int *Truncated);

/*
 * Copies the state of up to MaxStates subscriptions (channel order, then creation order) and
 * returns how many there are in all.
 */
UINT32 CoreQueryState(CORE *Core, CORE_SUBSCRIPTION_STATE *States, UINT32 MaxStates);

#ifdef __cplusplus
}
#endif

#endif /* INVERTED_CALL_CORE_H */
