/*
 * InvertedCallTestCodes.h - the check, made by test builds at load, that the schema leaves the
 * test IOCTL codes of InvertedCallTest.h free. Shared by the KMDF and the WDM flavour.
 * Part of the template: do not edit.
 */
#ifndef INVERTED_CALL_TEST_CODES_H
#define INVERTED_CALL_TEST_CODES_H

#include "Core.h"

#ifdef INVERTED_CALL_TEST_BUILD
/* STATUS_DEVICE_CONFIGURATION_ERROR (and a debug message naming the fix) when a code is taken. */
NTSTATUS TestStateCheckSchema(const CORE_DEVICE_CONFIG *Config);
#endif

#endif /* INVERTED_CALL_TEST_CODES_H */
