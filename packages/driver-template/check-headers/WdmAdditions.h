/*
 * WdmAdditions.h - the project's own declarations of the few WDM routines the template uses that
 * Debian's mingw-w64 DDK headers (wdm.h, ntddk.h) lack. Compile check only, like KmdfSubset.h:
 * the real WDK declares these itself. Written from the public reference pages, not copied.
 */
#ifndef WDM_ADDITIONS_H
#define WDM_ADDITIONS_H

#if !defined(_NTDDK_) && !defined(_WDMDDK_)
#error "Include <ntddk.h> or <wdm.h> before WdmAdditions.h."
#endif

#ifndef POOL_FLAG_NON_PAGED
/* POOL_FLAGS (wdm.h): a 64-bit set of allocation flags. */
typedef ULONG64 POOL_FLAGS;

/* POOL_FLAG_NON_PAGED: non-paged, non-executable pool ("Pool flags" reference page). */
#define POOL_FLAG_NON_PAGED 0x0000000000000040ULL

/* ExAllocatePool2 function (wdm.h): zeroed memory, or NULL on failure. Windows 10 2004 and later. */
__attribute__((warn_unused_result)) PVOID NTAPI ExAllocatePool2(POOL_FLAGS Flags, SIZE_T NumberOfBytes, ULONG Tag);
#endif

#endif /* WDM_ADDITIONS_H */
