/*
 * CoreConfig.h for the native (Linux, user-mode) build of the portable core: the few Windows
 * types and macros the generated header and Core.h need, then the device: DeviceTable.h as the
 * renderer writes it (found on the include path), which includes the generated device header.
 * The driver build has its own CoreConfig.h that includes <ntddk.h> first.
 */
#ifndef INVERTED_CALL_CORE_TEST_CONFIG_H
#define INVERTED_CALL_CORE_TEST_CONFIG_H

#include <stddef.h>
#include <stdint.h>

typedef uint8_t UINT8;
typedef uint16_t UINT16;
typedef uint32_t UINT32;
typedef uint64_t UINT64;
typedef int8_t INT8;
typedef int16_t INT16;
typedef int32_t INT32;
typedef int64_t INT64;
typedef uint8_t BOOLEAN;
typedef uint16_t WCHAR; /* Windows wchar_t is 2 bytes; Linux's is 4 */
typedef int32_t NTSTATUS;
typedef struct { UINT32 Data1; UINT16 Data2; UINT16 Data3; UINT8 Data4[8]; } GUID;

#define FIELD_OFFSET(type, field) ((int32_t)offsetof(type, field))
#define CTL_CODE(DeviceType, Function, Method, Access) \
    (((DeviceType) << 16) | ((Access) << 14) | ((Function) << 2) | (Method))
#define METHOD_BUFFERED 0u
#define METHOD_IN_DIRECT 1u
#define METHOD_OUT_DIRECT 2u
#define FILE_ANY_ACCESS 0u
#define FILE_READ_ACCESS 1u
#define FILE_WRITE_ACCESS 2u

#include "DeviceTable.h"

#endif /* INVERTED_CALL_CORE_TEST_CONFIG_H */
