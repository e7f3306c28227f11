/*
 * ntddk.h (test stand-in) - exactly what wine-runtime/IoCsq.c uses of the kernel headers, so that
 * iocsq_test.c can build and run the runtime natively on Linux, with the I/O manager played by
 * the test. Names and meanings are the documented ones; the IRP carries only the fields the
 * queue touches, and IoMarkIrpPending sets a flag the test reads instead of a stack location bit.
 */
#ifndef IOCSQ_TEST_NTDDK_H
#define IOCSQ_TEST_NTDDK_H

#include <stddef.h>

#define NTAPI
#define VOID void
typedef void *PVOID;
typedef unsigned char BOOLEAN;
typedef unsigned char KIRQL, *PKIRQL;
typedef unsigned int ULONG; /* 32 bits, as on Windows */
typedef int NTSTATUS; /* 32 bits, as on Windows: error codes are negative */
#define TRUE 1
#define FALSE 0

#define STATUS_SUCCESS ((NTSTATUS)0x00000000L)
#define STATUS_CANCELLED ((NTSTATUS)0xC0000120L)
#define STATUS_INVALID_PARAMETER ((NTSTATUS)0xC000000DL)
#define STATUS_NOT_SUPPORTED ((NTSTATUS)0xC00000BBL)
#define NT_SUCCESS(Status) (((NTSTATUS)(Status)) >= 0)

#define IO_TYPE_CSQ_IRP_CONTEXT 1
#define IO_TYPE_CSQ 2
#define IO_TYPE_CSQ_EX 3
#define DPFLTR_IHVDRIVER_ID 77
#define DPFLTR_ERROR_LEVEL 0

typedef struct _DEVICE_OBJECT *PDEVICE_OBJECT;
struct _IRP;
typedef VOID DRIVER_CANCEL(PDEVICE_OBJECT DeviceObject, struct _IRP *Irp);
typedef DRIVER_CANCEL *PDRIVER_CANCEL;

typedef struct _IRP {
    BOOLEAN Cancel;
    KIRQL CancelIrql;
    PDRIVER_CANCEL CancelRoutine;
    BOOLEAN MarkedPending; /* the stand-in's IoMarkIrpPending */
    struct {
        struct {
            PVOID DriverContext[4];
        } Overlay;
    } Tail;
} IRP, *PIRP;

struct _IO_CSQ;
typedef struct _IO_CSQ_IRP_CONTEXT {
    ULONG Type;
    PIRP Irp;
    struct _IO_CSQ *Csq;
} IO_CSQ_IRP_CONTEXT, *PIO_CSQ_IRP_CONTEXT;

typedef VOID (*PIO_CSQ_INSERT_IRP)(struct _IO_CSQ *Csq, PIRP Irp);
typedef NTSTATUS IO_CSQ_INSERT_IRP_EX(struct _IO_CSQ *Csq, PIRP Irp, PVOID InsertContext);
typedef IO_CSQ_INSERT_IRP_EX *PIO_CSQ_INSERT_IRP_EX;
typedef VOID (*PIO_CSQ_REMOVE_IRP)(struct _IO_CSQ *Csq, PIRP Irp);
typedef PIRP (*PIO_CSQ_PEEK_NEXT_IRP)(struct _IO_CSQ *Csq, PIRP Irp, PVOID PeekContext);
typedef VOID (*PIO_CSQ_ACQUIRE_LOCK)(struct _IO_CSQ *Csq, PKIRQL Irql);
typedef VOID (*PIO_CSQ_RELEASE_LOCK)(struct _IO_CSQ *Csq, KIRQL Irql);
typedef VOID (*PIO_CSQ_COMPLETE_CANCELED_IRP)(struct _IO_CSQ *Csq, PIRP Irp);

typedef struct _IO_CSQ {
    ULONG Type;
    PIO_CSQ_INSERT_IRP CsqInsertIrp;
    PIO_CSQ_REMOVE_IRP CsqRemoveIrp;
    PIO_CSQ_PEEK_NEXT_IRP CsqPeekNextIrp;
    PIO_CSQ_ACQUIRE_LOCK CsqAcquireLock;
    PIO_CSQ_RELEASE_LOCK CsqReleaseLock;
    PIO_CSQ_COMPLETE_CANCELED_IRP CsqCompleteCanceledIrp;
    PVOID ReservePointer;
} IO_CSQ, *PIO_CSQ;

/* The documented atomic exchange of the IRP's cancel routine, returning the previous one. */
#define IoSetCancelRoutine(Irp, Routine) ((PDRIVER_CANCEL)__atomic_exchange_n(&(Irp)->CancelRoutine, (Routine), __ATOMIC_SEQ_CST))
#define IoMarkIrpPending(Irp) ((Irp)->MarkedPending = TRUE)

/* Played by the test. */
VOID IoReleaseCancelSpinLock(KIRQL Irql);
ULONG DbgPrintEx(ULONG ComponentId, ULONG Level, const char *Format, ...);

NTSTATUS NTAPI IoCsqInitializeEx(PIO_CSQ Csq, PIO_CSQ_INSERT_IRP_EX CsqInsertIrp, PIO_CSQ_REMOVE_IRP CsqRemoveIrp,
                                 PIO_CSQ_PEEK_NEXT_IRP CsqPeekNextIrp, PIO_CSQ_ACQUIRE_LOCK CsqAcquireLock,
                                 PIO_CSQ_RELEASE_LOCK CsqReleaseLock, PIO_CSQ_COMPLETE_CANCELED_IRP CsqCompleteCanceledIrp);
NTSTATUS NTAPI IoCsqInsertIrpEx(PIO_CSQ Csq, PIRP Irp, PIO_CSQ_IRP_CONTEXT Context, PVOID InsertContext);
PIRP NTAPI IoCsqRemoveNextIrp(PIO_CSQ Csq, PVOID PeekContext);

#endif
