/*
 * InvertedCallTest.h - the state IOCTL of test builds of the WDM flavour: the driver's own
 * account of what it holds, so end-to-end tests (the Wine bed) can check that a cancel, a close
 * or a dying process left nothing behind. Part of the template: do not edit.
 *
 * Only a build with -DINVERTED_CALL_TEST_BUILD answers this code; any other build refuses it like
 * every code the schema does not declare (STATUS_INVALID_DEVICE_REQUEST). Never ship a test build.
 * DriverEntry of a test build fails with STATUS_DEVICE_CONFIGURATION_ERROR if the schema itself
 * uses IOCTL_INVERTED_CALL_TEST_STATE, or, with a process channel, IOCTL_INVERTED_CALL_TEST_PROCESS
 * (function 0xFFD, NotifyTest.h: the process IOCTL that makes the process-notify callback run).
 *
 * Request: no input. Output: INVERTED_CALL_TEST_STATE, then SubscriptionCount entries of
 * INVERTED_CALL_TEST_SUBSCRIPTION in channel order, then creation order. An output that cannot
 * hold them all gets STATUS_BUFFER_TOO_SMALL and nothing else. Under traffic the header and the
 * entries may come from moments a few instructions apart; on a quiet driver they are exact.
 *
 * User mode can include this header too: <windows.h> and <winioctl.h> first, as for the
 * generated device header.
 */
#ifndef INVERTED_CALL_TEST_H
#define INVERTED_CALL_TEST_H

#include "DeviceTable.h" /* DEVICE_TYPE_VALUE; the generated header's UINT types and static assert */

#define INVERTED_CALL_TEST_STATE_FUNCTION 0xFFE
#define IOCTL_INVERTED_CALL_TEST_STATE \
    CTL_CODE(DEVICE_TYPE_VALUE, INVERTED_CALL_TEST_STATE_FUNCTION, METHOD_BUFFERED, FILE_ANY_ACCESS)
#define INVERTED_CALL_TEST_STATE_VERSION 1u

#pragma pack(push, 8)
typedef struct _INVERTED_CALL_TEST_STATE {
    UINT32 Version;           /* INVERTED_CALL_TEST_STATE_VERSION */
    UINT32 OpenFiles;         /* handles open on the device (this one included) */
    UINT32 SubscriptionCount; /* entries that follow */
    UINT32 CallerFileId;      /* FileId of the handle this request came on */
    UINT64 Completions;       /* device-control requests completed so far (this one not yet) */
    UINT64 Cancels;           /* of those, completed with STATUS_CANCELLED: by the cancel routine,
                                 by a handle's close, or cancelled while being parked */
    UINT64 ParkedNow;         /* subscribe requests parked right now, all handles */
} INVERTED_CALL_TEST_STATE;

typedef struct _INVERTED_CALL_TEST_SUBSCRIPTION {
    UINT64 ProcessId;         /* the process that opened the handle */
    UINT32 FileId;            /* the handle: unique per open, never 0 */
    UINT32 Channel;           /* channel index, in schema order */
    UINT32 RingFill;          /* events waiting in its ring */
    UINT32 Parked;            /* its requests parked right now */
    UINT64 DroppedTotal;      /* events dropped for it so far */
    UINT64 NextSequence;      /* the sequence number its next event gets */
} INVERTED_CALL_TEST_SUBSCRIPTION;
#pragma pack(pop)

/* One layout for x64, x86 and ARM64, and for the driver and its tests alike. */
INVERTED_CALL_STATIC_ASSERT(sizeof(INVERTED_CALL_TEST_STATE) == 40, "INVERTED_CALL_TEST_STATE: size");
INVERTED_CALL_STATIC_ASSERT(FIELD_OFFSET(INVERTED_CALL_TEST_STATE, CallerFileId) == 12, "INVERTED_CALL_TEST_STATE.CallerFileId: offset");
INVERTED_CALL_STATIC_ASSERT(FIELD_OFFSET(INVERTED_CALL_TEST_STATE, Completions) == 16, "INVERTED_CALL_TEST_STATE.Completions: offset");
INVERTED_CALL_STATIC_ASSERT(FIELD_OFFSET(INVERTED_CALL_TEST_STATE, Cancels) == 24, "INVERTED_CALL_TEST_STATE.Cancels: offset");
INVERTED_CALL_STATIC_ASSERT(FIELD_OFFSET(INVERTED_CALL_TEST_STATE, ParkedNow) == 32, "INVERTED_CALL_TEST_STATE.ParkedNow: offset");
INVERTED_CALL_STATIC_ASSERT(sizeof(INVERTED_CALL_TEST_SUBSCRIPTION) == 40, "INVERTED_CALL_TEST_SUBSCRIPTION: size");
INVERTED_CALL_STATIC_ASSERT(FIELD_OFFSET(INVERTED_CALL_TEST_SUBSCRIPTION, FileId) == 8, "INVERTED_CALL_TEST_SUBSCRIPTION.FileId: offset");
INVERTED_CALL_STATIC_ASSERT(FIELD_OFFSET(INVERTED_CALL_TEST_SUBSCRIPTION, Channel) == 12, "INVERTED_CALL_TEST_SUBSCRIPTION.Channel: offset");
INVERTED_CALL_STATIC_ASSERT(FIELD_OFFSET(INVERTED_CALL_TEST_SUBSCRIPTION, RingFill) == 16, "INVERTED_CALL_TEST_SUBSCRIPTION.RingFill: offset");
INVERTED_CALL_STATIC_ASSERT(FIELD_OFFSET(INVERTED_CALL_TEST_SUBSCRIPTION, Parked) == 20, "INVERTED_CALL_TEST_SUBSCRIPTION.Parked: offset");
INVERTED_CALL_STATIC_ASSERT(FIELD_OFFSET(INVERTED_CALL_TEST_SUBSCRIPTION, DroppedTotal) == 24, "INVERTED_CALL_TEST_SUBSCRIPTION.DroppedTotal: offset");
INVERTED_CALL_STATIC_ASSERT(FIELD_OFFSET(INVERTED_CALL_TEST_SUBSCRIPTION, NextSequence) == 32, "INVERTED_CALL_TEST_SUBSCRIPTION.NextSequence: offset");

#endif /* INVERTED_CALL_TEST_H */
