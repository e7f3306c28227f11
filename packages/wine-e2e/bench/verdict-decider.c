/*
 * verdict-decider.c - the verdict benchmark's native reference decider: the process monitor's
 * ProcessCreate verdict decided directly against Win32, as the TypeScript decider
 * (src/windows/verdict-decider.ts) decides it with the client. CONCURRENCY ask requests stay
 * parked with overlapped I/O on one completion port; when one completes with a question, the
 * reply (allow) is sent on the same handle (only the handle a question was delivered to may
 * answer it, rule V2) and the ask request is parked again at once. Runs under Wine.
 *
 *   verdict-decider.exe CONCURRENCY STOP_FILE
 *
 * Prints {"ready":true} once its ask requests are at the driver, decides until STOP_FILE exists,
 * then prints what it did as one JSON line and exits (which cancels its parked ask requests).
 */
#include <windows.h>
#include <winioctl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "process-monitor.h"

#define MAX_CONCURRENCY 64
/* Replies in flight at once: one per completed question, so at most the asks ever parked. */
#define REPLY_SLOTS (2 * MAX_CONCURRENCY)
#define POLL_MS 50

typedef enum { OPERATION_ASK, OPERATION_REPLY } OPERATION_KIND;

typedef struct {
    OVERLAPPED Overlapped; /* first: the completion packet's OVERLAPPED pointer is the operation */
    OPERATION_KIND Kind;
    BOOL Busy;             /* a reply slot whose reply has not completed yet */
    UINT8 Buffer[PROCESS_MONITOR_VERDICT_PROCESS_CREATE_ASK_OUTPUT_BYTES];
} OPERATION;

static HANDLE Device;
static OPERATION Asks[MAX_CONCURRENCY];
static OPERATION Replies[REPLY_SLOTS];
static unsigned long Received, Answered, Refused, FirstRefusal;

static void Fail(const char *What)
{
    printf("{\"error\":\"%s failed: %lu\"}\n", What, (unsigned long)GetLastError());
    fflush(stdout);
    exit(1);
}

/* Parks one ask request: no input, an output buffer for the question header and the question. */
static void Ask(OPERATION *Operation)
{
    memset(&Operation->Overlapped, 0, sizeof(Operation->Overlapped));
    if (!DeviceIoControl(Device, IOCTL_PROCESS_MONITOR_ASK_PROCESS_CREATE, NULL, 0, Operation->Buffer, sizeof(Operation->Buffer), NULL, &Operation->Overlapped) &&
        GetLastError() != ERROR_IO_PENDING) {
        Fail("DeviceIoControl(ask)");
    }
}

/* Sends the reply to the question an ask request brought: its id, and allow. */
static void Reply(const OPERATION *Asked, DWORD Bytes)
{
    INVERTED_CALL_VERDICT_QUESTION_HEADER header;
    INVERTED_CALL_VERDICT_REPLY_HEADER reply;
    PROCESS_MONITOR_PROCESS_DECISION decision;
    OPERATION *slot = NULL;
    int index;
    if (Bytes != sizeof(Asked->Buffer)) {
        printf("{\"error\":\"an ask request completed with %lu bytes, expected %lu\"}\n", (unsigned long)Bytes, (unsigned long)sizeof(Asked->Buffer));
        exit(1);
    }
    memcpy(&header, Asked->Buffer, sizeof(header));
    for (index = 0; index < REPLY_SLOTS && slot == NULL; index++) {
        if (!Replies[index].Busy) slot = &Replies[index];
    }
    if (slot == NULL) {
        printf("{\"error\":\"more than %d replies in flight\"}\n", REPLY_SLOTS);
        exit(1);
    }
    memset(&slot->Overlapped, 0, sizeof(slot->Overlapped));
    slot->Kind = OPERATION_REPLY;
    slot->Busy = TRUE;
    reply.Id = header.Id;
    memset(&decision, 0, sizeof(decision));
    decision.Allow = 1;
    memcpy(slot->Buffer, &reply, sizeof(reply));
    memcpy(slot->Buffer + sizeof(reply), &decision, sizeof(decision));
    if (!DeviceIoControl(Device, IOCTL_PROCESS_MONITOR_REPLY_PROCESS_CREATE, slot->Buffer, PROCESS_MONITOR_VERDICT_PROCESS_CREATE_REPLY_INPUT_BYTES, NULL, 0, NULL, &slot->Overlapped) &&
        GetLastError() != ERROR_IO_PENDING) {
        /* Refused at once (a late reply, rule V5): no completion packet follows a failed call. */
        if (Refused++ == 0) FirstRefusal = GetLastError();
        slot->Busy = FALSE;
    }
}

int main(int argc, char **argv)
{
    HANDLE port;
    int concurrency, index;
    const char *stopFile;

    if (argc != 3) {
        printf("{\"error\":\"usage: verdict-decider CONCURRENCY STOP_FILE\"}\n");
        return 2;
    }
    concurrency = atoi(argv[1]);
    stopFile = argv[2];
    if (concurrency < 1 || concurrency > MAX_CONCURRENCY) return 2;

    /* FILE_WRITE_ACCESS: the verdict's ask and reply IOCTLs require it. */
    Device = CreateFileW(PROCESS_MONITOR_DEVICE_PATH, GENERIC_READ | GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL, OPEN_EXISTING, FILE_FLAG_OVERLAPPED, NULL);
    if (Device == INVALID_HANDLE_VALUE) Fail("CreateFileW");
    port = CreateIoCompletionPort(Device, NULL, 1, 1);
    if (port == NULL) Fail("CreateIoCompletionPort");
    for (index = 0; index < concurrency; index++) {
        Asks[index].Kind = OPERATION_ASK;
        Ask(&Asks[index]);
    }
    printf("{\"ready\":true}\n");
    fflush(stdout);

    for (;;) {
        DWORD bytes = 0;
        ULONG_PTR key;
        LPOVERLAPPED overlapped = NULL;
        OPERATION *operation;
        BOOL ok = GetQueuedCompletionStatus(port, &bytes, &key, &overlapped, POLL_MS);
        if (overlapped == NULL) {
            if (GetLastError() != WAIT_TIMEOUT) Fail("GetQueuedCompletionStatus");
            if (GetFileAttributesA(stopFile) != INVALID_FILE_ATTRIBUTES) break;
            continue;
        }
        operation = (OPERATION *)overlapped;
        if (operation->Kind == OPERATION_REPLY) {
            operation->Busy = FALSE;
            if (ok) {
                Answered++;
            } else if (Refused++ == 0) {
                FirstRefusal = GetLastError();
            }
            continue;
        }
        if (!ok) Fail("an ask request");
        Received++;
        Reply(operation, bytes);
        Ask(operation);
    }

    printf("{\"decider\":\"native\",\"received\":%lu,\"answered\":%lu,\"refused\":%lu,\"firstRefusal\":%lu}\n", Received, Answered, Refused, FirstRefusal);
    fflush(stdout);
    /* Exiting closes the handle: the driver cancels the parked ask requests (rule V6). */
    return 0;
}
