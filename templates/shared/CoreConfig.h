/*
 * CoreConfig.h - what the portable core needs from the kernel build: the DDK's base types and
 * NTSTATUS values, then the device (DeviceTable.h includes the generated device header).
 * Part of the template: do not edit.
 */
#ifndef INVERTED_CALL_CORE_CONFIG_H
#define INVERTED_CALL_CORE_CONFIG_H

#include <ntddk.h>

#include "DeviceTable.h"

#endif /* INVERTED_CALL_CORE_CONFIG_H */
