/*
 * CoreConfig.h for the native (Linux, user-mode) build of the portable core: the few Windows
 * types and macros the generated header and Core.h need, then the conformance device's
 * generated header (found on the include path: -I packages/conformance/src/device).
 * The driver build has its own CoreConfig.h that includes <ntddk.h> and its generated header.
 */
#ifndef INVERTED_CALL_CORE_TEST_CONFIG_H
#define INVERTED_CALL_CORE_TEST_CONFIG_H

#include <stddef.h>
#include <stdint.h>

typedef uint8_t UINT8;
typedef uint16_t UINT16;
typedef uint32_t UINT32;
typedef uint64_t UINT64;
typedef uint8_t BOOLEAN;
typedef uint16_t WCHAR; /* Windows wchar_t is 2 bytes; Linux's is 4 */
typedef int32_t NTSTATUS;

#define FIELD_OFFSET(type, field) ((int32_t)offsetof(type, field))
#define CTL_CODE(DeviceType, Function, Method, Access) \
    (((DeviceType) << 16) | ((Access) << 14) | ((Function) << 2) | (Method))
#define METHOD_BUFFERED 0u
#define FILE_ANY_ACCESS 0u
#define FILE_READ_ACCESS 1u
#define FILE_WRITE_ACCESS 2u

#include "conformance-device.h"

#endif /* INVERTED_CALL_CORE_TEST_CONFIG_H */
