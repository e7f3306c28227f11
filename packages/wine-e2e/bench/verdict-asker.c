/*
 * verdict-asker.c - the verdict benchmark's asker: it plays the kernel's part. Each request is the
 * process monitor's test-build process IOCTL describing one process creation; the driver runs
 * Notify.c's callback on a worker thread, which asks the ProcessCreate verdict and waits, and the
 * IOCTL completes once the question has settled. So one request's round trip is one question's
 * whole life: asked, delivered to the decider (or not), answered or defaulted, settled.
 *
 *   verdict-asker.exe PROCESS_IOCTL INPUT_HEX OUTPUT_BYTES COUNT DEPTH
 *
 * PROCESS_IOCTL is the IOCTL code and INPUT_HEX its input (one creation), both from the harness,
 * which takes them from the TypeScript encoder that owns the layout
 * (@inverted-call/driver-template/notify-test). OUTPUT_BYTES is 4 (the driver writes the
 * CreationStatus Notify.c set) or 0. DEPTH requests are kept in flight through one completion port;
 * each one's round trip is timed from DeviceIoControl to its completion.
 *
 * Before and after, it reads the ProcessCreate counters of the protocol information (rule V9), so
 * the outcomes are the driver's own count. Prints one JSON line: the round trips in microseconds,
 * the wall time, the CreationStatus values that were not STATUS_SUCCESS and the counter deltas.
 */
#include <windows.h>
#include <winioctl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "process-monitor.h"

#define MAX_DEPTH 64
#define MAX_INPUT_BYTES 4096

typedef struct {
    OVERLAPPED Overlapped; /* first: the completion packet's OVERLAPPED pointer is the request */
    LARGE_INTEGER SentAt;
    UINT32 Status;         /* the CreationStatus the driver writes */
} REQUEST;

typedef struct {
    UINT64 Asked, Answered, TimedOut, Defaulted, Refused;
} COUNTERS;

static HANDLE Device;
static DWORD ProcessIoctl;
static UINT8 Input[MAX_INPUT_BYTES];
static DWORD InputBytes;
static DWORD OutputBytes;

/* Prints the failure as the JSON line the harness reads, and exits. */
static void Fail(const char *What)
{
    printf("{\"error\":\"%s failed: %lu\"}\n", What, (unsigned long)GetLastError());
    fflush(stdout);
    exit(1);
}

/* INPUT_HEX into Input; FALSE for odd lengths, non-hex digits or too many bytes. */
static BOOL ParseHex(const char *Text)
{
    size_t length = strlen(Text), index;
    if (length % 2 != 0 || length / 2 > MAX_INPUT_BYTES) return FALSE;
    for (index = 0; index < length; index += 2) {
        unsigned int value;
        if (sscanf(Text + index, "%2x", &value) != 1) return FALSE;
        Input[index / 2] = (UINT8)value;
    }
    InputBytes = (DWORD)(length / 2);
    return TRUE;
}

/* The ProcessCreate verdict's counters, from a synchronous protocol-information call. */
static COUNTERS ReadCounters(HANDLE Control)
{
    UINT8 buffer[PROCESS_MONITOR_PROTOCOL_INFO_OUTPUT_BYTES];
    INVERTED_CALL_PROTOCOL_INFO info;
    INVERTED_CALL_VERDICT_INFO verdict;
    COUNTERS counters;
    DWORD returned = 0;
    if (!DeviceIoControl(Control, IOCTL_PROCESS_MONITOR_PROTOCOL_INFO, NULL, 0, buffer, sizeof(buffer), &returned, NULL)) Fail("DeviceIoControl(protocol info)");
    if (returned != sizeof(buffer)) {
        printf("{\"error\":\"protocol info returned %lu bytes, expected %lu\"}\n", (unsigned long)returned, (unsigned long)sizeof(buffer));
        exit(1);
    }
    memcpy(&info, buffer, sizeof(info));
    if (info.VerdictCount != PROCESS_MONITOR_VERDICT_COUNT) {
        printf("{\"error\":\"protocol info reports %lu verdicts, the header %u\"}\n", (unsigned long)info.VerdictCount, PROCESS_MONITOR_VERDICT_COUNT);
        exit(1);
    }
    memcpy(&verdict,
           buffer + sizeof(INVERTED_CALL_PROTOCOL_INFO) + info.ChannelCount * sizeof(INVERTED_CALL_CHANNEL_INFO) +
               PROCESS_MONITOR_VERDICT_PROCESS_CREATE_INDEX * sizeof(INVERTED_CALL_VERDICT_INFO),
           sizeof(verdict));
    counters.Asked = verdict.Asked;
    counters.Answered = verdict.Answered;
    counters.TimedOut = verdict.TimedOut;
    counters.Defaulted = verdict.Defaulted;
    counters.Refused = verdict.Refused;
    return counters;
}

/* Sends one process IOCTL on the completion port's handle, stamping when it left. */
static void Send(REQUEST *Request)
{
    memset(&Request->Overlapped, 0, sizeof(Request->Overlapped));
    Request->Status = 0xFFFFFFFFu; /* not a status the driver writes: a missing write shows */
    QueryPerformanceCounter(&Request->SentAt);
    if (!DeviceIoControl(Device, ProcessIoctl, Input, InputBytes, OutputBytes ? &Request->Status : NULL, OutputBytes, NULL, &Request->Overlapped) &&
        GetLastError() != ERROR_IO_PENDING) {
        Fail("DeviceIoControl(process)");
    }
}

int main(int argc, char **argv)
{
    REQUEST requests[MAX_DEPTH];
    HANDLE port, control;
    LARGE_INTEGER frequency, started, ended;
    COUNTERS before, after;
    double *roundTrips;
    int count, depth, sent = 0, done = 0, index, notSuccess = 0;
    UINT32 firstNotSuccess = 0;

    if (argc != 6 || !ParseHex(argv[2])) {
        printf("{\"error\":\"usage: verdict-asker PROCESS_IOCTL INPUT_HEX OUTPUT_BYTES COUNT DEPTH\"}\n");
        return 2;
    }
    ProcessIoctl = (DWORD)strtoul(argv[1], NULL, 0);
    OutputBytes = (DWORD)atoi(argv[3]);
    count = atoi(argv[4]);
    depth = atoi(argv[5]);
    if ((OutputBytes != 0 && OutputBytes != 4) || count < 1 || depth < 1 || depth > MAX_DEPTH) {
        printf("{\"error\":\"OUTPUT_BYTES must be 0 or 4, COUNT at least 1, DEPTH 1 to %d\"}\n", MAX_DEPTH);
        return 2;
    }
    roundTrips = (double *)malloc(sizeof(double) * (size_t)count);
    if (roundTrips == NULL) Fail("malloc");

    Device = CreateFileW(PROCESS_MONITOR_DEVICE_PATH, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL, OPEN_EXISTING, FILE_FLAG_OVERLAPPED, NULL);
    if (Device == INVALID_HANDLE_VALUE) Fail("CreateFileW");
    control = CreateFileW(PROCESS_MONITOR_DEVICE_PATH, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL, OPEN_EXISTING, 0, NULL);
    if (control == INVALID_HANDLE_VALUE) Fail("CreateFileW(control)");
    port = CreateIoCompletionPort(Device, NULL, 1, 1);
    if (port == NULL) Fail("CreateIoCompletionPort");

    before = ReadCounters(control);
    QueryPerformanceFrequency(&frequency);
    QueryPerformanceCounter(&started);
    for (index = 0; index < depth && sent < count; index++, sent++) Send(&requests[index]);
    while (done < count) {
        DWORD bytes;
        ULONG_PTR key;
        LPOVERLAPPED overlapped;
        LARGE_INTEGER now;
        REQUEST *request;
        if (!GetQueuedCompletionStatus(port, &bytes, &key, &overlapped, INFINITE)) Fail("the process IOCTL");
        QueryPerformanceCounter(&now);
        request = (REQUEST *)overlapped;
        roundTrips[done++] = (double)(now.QuadPart - request->SentAt.QuadPart) * 1e6 / (double)frequency.QuadPart;
        if (OutputBytes != 0 && (bytes != OutputBytes || request->Status != 0)) {
            if (notSuccess++ == 0) firstNotSuccess = bytes == OutputBytes ? request->Status : 0xFFFFFFFFu;
        }
        if (sent < count) {
            Send(request);
            sent++;
        }
    }
    QueryPerformanceCounter(&ended);
    after = ReadCounters(control);

    printf("{\"count\":%d,\"depth\":%d,\"seconds\":%.6f,\"notSuccess\":%d,\"firstNotSuccess\":%lu,", count, depth,
           (double)(ended.QuadPart - started.QuadPart) / (double)frequency.QuadPart, notSuccess, (unsigned long)firstNotSuccess);
    printf("\"outcomes\":{\"asked\":%llu,\"answered\":%llu,\"timedOut\":%llu,\"defaulted\":%llu,\"refused\":%llu},\"roundTripsUs\":[",
           (unsigned long long)(after.Asked - before.Asked), (unsigned long long)(after.Answered - before.Answered),
           (unsigned long long)(after.TimedOut - before.TimedOut), (unsigned long long)(after.Defaulted - before.Defaulted),
           (unsigned long long)(after.Refused - before.Refused));
    for (index = 0; index < count; index++) printf(index ? ",%.1f" : "%.1f", roundTrips[index]);
    printf("]}\n");
    fflush(stdout);
    return 0;
}
