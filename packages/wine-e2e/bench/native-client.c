/*
 * native-client.c - the benchmark's native reference: the same workload as the TypeScript client
 * (src/windows/bench.ts), written directly against Win32: overlapped DeviceIoControl, one I/O
 * completion port, re-posting each subscribe request as it completes. Runs under Wine.
 *
 *   native-client.exe DEPTH BATCH_BYTES ROUNDS BURST
 *
 * Each round injects BURST Large events with one Inject call, then reads until every one of them
 * is delivered or counted in the batch header's DroppedTotal. Prints one JSON line.
 */
#include <windows.h>
#include <winioctl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conformance-device.h"

#define MAX_DEPTH 64

typedef struct {
    OVERLAPPED Overlapped; /* first: the packet's OVERLAPPED pointer is the request */
    UINT8 *Buffer;
} REQUEST;

static HANDLE Device;
static DWORD BatchBytes;

static void Fail(const char *What)
{
    printf("{\"error\":\"%s failed: %lu\"}\n", What, (unsigned long)GetLastError());
    exit(1);
}

static void Post(REQUEST *Request)
{
    memset(&Request->Overlapped, 0, sizeof(Request->Overlapped));
    if (!DeviceIoControl(Device, IOCTL_CONFORMANCE_DEVICE_SUBSCRIBE_EVENTS, NULL, 0, Request->Buffer, BatchBytes, NULL, &Request->Overlapped) &&
        GetLastError() != ERROR_IO_PENDING) {
        Fail("DeviceIoControl(subscribe)");
    }
}

static void Inject(HANDLE Control, UINT32 Count, UINT64 FirstTag)
{
    CONFORMANCE_DEVICE_EMIT_REQUEST request;
    CONFORMANCE_DEVICE_COUNTER counter;
    DWORD returned;
    memset(&request, 0, sizeof(request));
    request.Channel = CONFORMANCE_DEVICE_EVENTS_INDEX;
    request.Kind = CONFORMANCE_DEVICE_EVENTS_KIND_LARGE;
    request.Count = Count;
    request.FirstTag = FirstTag;
    if (!DeviceIoControl(Control, IOCTL_CONFORMANCE_DEVICE_INJECT, &request, sizeof(request), &counter, sizeof(counter), &returned, NULL)) {
        Fail("DeviceIoControl(Inject)");
    }
}

int main(int argc, char **argv)
{
    REQUEST requests[MAX_DEPTH];
    HANDLE port;
    HANDLE control;
    LARGE_INTEGER frequency, started, ended;
    int depth, rounds, burst, round, index;
    UINT64 delivered = 0, dropped = 0, target = 0;

    if (argc != 5) {
        printf("{\"error\":\"usage: native-client DEPTH BATCH_BYTES ROUNDS BURST\"}\n");
        return 2;
    }
    depth = atoi(argv[1]);
    BatchBytes = (DWORD)atoi(argv[2]);
    rounds = atoi(argv[3]);
    burst = atoi(argv[4]);
    if (depth < 1 || depth > MAX_DEPTH) return 2;

    Device = CreateFileW(CONFORMANCE_DEVICE_DEVICE_PATH, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL, OPEN_EXISTING, FILE_FLAG_OVERLAPPED, NULL);
    if (Device == INVALID_HANDLE_VALUE) Fail("CreateFileW");
    control = CreateFileW(CONFORMANCE_DEVICE_DEVICE_PATH, GENERIC_READ | GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL, OPEN_EXISTING, 0, NULL);
    if (control == INVALID_HANDLE_VALUE) Fail("CreateFileW(control)");
    port = CreateIoCompletionPort(Device, NULL, 1, 1);
    if (port == NULL) Fail("CreateIoCompletionPort");

    for (index = 0; index < depth; index++) {
        requests[index].Buffer = (UINT8 *)malloc(BatchBytes);
        if (requests[index].Buffer == NULL) Fail("malloc");
        Post(&requests[index]);
    }

    QueryPerformanceFrequency(&frequency);
    QueryPerformanceCounter(&started);
    for (round = 0; round < rounds; round++) {
        Inject(control, (UINT32)burst, target + 1);
        target += (UINT64)burst;
        while (delivered + dropped < target) {
            DWORD bytes;
            ULONG_PTR key;
            LPOVERLAPPED overlapped;
            INVERTED_CALL_BATCH_HEADER header;
            if (!GetQueuedCompletionStatus(port, &bytes, &key, &overlapped, INFINITE)) Fail("GetQueuedCompletionStatus");
            memcpy(&header, ((REQUEST *)overlapped)->Buffer, sizeof(header));
            delivered += header.Count;
            dropped = header.DroppedTotal;
            Post((REQUEST *)overlapped);
        }
    }
    QueryPerformanceCounter(&ended);

    printf("{\"delivered\":%llu,\"dropped\":%llu,\"injected\":%llu,\"seconds\":%.6f}\n", (unsigned long long)delivered,
           (unsigned long long)dropped, (unsigned long long)target,
           (double)(ended.QuadPart - started.QuadPart) / (double)frequency.QuadPart);
    fflush(stdout);
    /* Exiting cancels the parked requests: the driver completes them with STATUS_CANCELLED. */
    return 0;
}
