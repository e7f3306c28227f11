/*
 * CoreInternal.h - what the core's own files (Core.c, Verdict.c) share and nothing else uses: byte
 * copies without the CRT, the intrusive list, and completions decided under the lock and delivered
 * after it is released. Part of the template: do not edit.
 * Every routine here runs at any IRQL the caller is at; none takes the lock.
 */
#ifndef INVERTED_CALL_CORE_INTERNAL_H
#define INVERTED_CALL_CORE_INTERNAL_H

#include "Core.h"

#ifdef __cplusplus
extern "C" {
#endif

#define CORE_CONTAINER(Pointer, Type, Field) ((Type *)(void *)((UINT8 *)(Pointer) - offsetof(Type, Field)))

/* Completions decided under the lock and delivered, in order, after it is released. */
typedef struct _CORE_COMPLETIONS {
    CORE_REQUEST *First;
    CORE_REQUEST *Last;
} CORE_COMPLETIONS;

/* Copies Bytes bytes (no overlap). Any IRQL. Returns nothing. */
void CoreCopyBytes(UINT8 *Destination, const UINT8 *Source, size_t Bytes);
/* Zeroes Bytes bytes. Any IRQL. Returns nothing. */
void CoreZeroBytes(UINT8 *Destination, size_t Bytes);
/* Makes Head an empty list. Any IRQL. Returns nothing. */
void CoreListInit(CORE_LINK *Head);
/* Any IRQL. Returns nonzero when the list holds nothing. */
int CoreListIsEmpty(const CORE_LINK *Head);
/* Puts Link last. Any IRQL. Returns nothing. */
void CoreListAppend(CORE_LINK *Head, CORE_LINK *Link);
/* Takes Link out of its list and leaves it linked to itself. Any IRQL. Returns nothing. */
void CoreListRemove(CORE_LINK *Link);
/* Queues Request's completion (under the lock). Any IRQL. Returns nothing. */
void CoreQueueCompletion(CORE_COMPLETIONS *Completions, CORE_REQUEST *Request, NTSTATUS Status, size_t Information);
/* Completes the queued requests in order, without the lock. IRQL <= DISPATCH_LEVEL. Returns nothing. */
void CoreDeliverCompletions(CORE *Core, CORE_COMPLETIONS *Completions);
/*
 * The parked-request accounting of MaxParkedPerHandle, which subscribe requests (Core.c) and ask
 * requests (Verdict.c) share. With the lock held. CoreCountParked: right after the glue parked
 * Request, it counts against File. CoreUncountParked: Request left its queue (taken back or
 * cancelled); a no-op if it was not counted. CoreParkedLimitReached: nonzero when File already has
 * MaxParkedPerHandle requests parked. Returns: nothing, nothing, the answer.
 */
void CoreCountParked(CORE_FILE *File, CORE_REQUEST *Request);
void CoreUncountParked(CORE_REQUEST *Request);
int CoreParkedLimitReached(const CORE *Core, const CORE_FILE *File);
/*
 * Whether Code is the protocol information's, or one of the first ChannelLimit channels' or
 * CallLimit calls' of Device. Any IRQL. Returns nonzero when taken.
 */
int CoreCodeIsTaken(const CORE_DEVICE_CONFIG *Device, UINT32 Code, UINT32 ChannelLimit, UINT32 CallLimit);

#ifdef __cplusplus
}
#endif

#endif /* INVERTED_CALL_CORE_INTERNAL_H */
