/*
 * core_test_support.h - what the core's native unit tests (core_test.c, verdict_test.c) share:
 * CHECK, which counts checks and failures and goes on, and the CORE_OPS allocator and lock of
 * their glue doubles. The allocator counts what is live (a test ends with nothing left) and can
 * be told to fail; the lock counts its depth, so a test can see what ran under it. Test code only:
 * include it once, from the test's one .c file, after <stdio.h>, <stdlib.h> and <string.h>.
 */
#ifndef INVERTED_CALL_CORE_TEST_SUPPORT_H
#define INVERTED_CALL_CORE_TEST_SUPPORT_H

static int Failures;
static int Checks;

#define CHECK(condition)                                                                  \
    do {                                                                                  \
        Checks++;                                                                         \
        if (!(condition)) {                                                               \
            Failures++;                                                                   \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #condition); \
        }                                                                                 \
    } while (0)

/* The allocator's and the lock's state; TestMemoryReset starts a test with none of either. */
static struct {
    long Allocations; /* live allocations */
    long FailAfter;   /* -1: never fail; n: the (n+1)th allocation from now fails */
    int LockHeld;     /* the lock's depth */
} TestMemory;

/* The lock state TestLock hands out; TestUnlock checks it comes back. */
#define TEST_LOCK_STATE 7u

static void TestMemoryReset(void)
{
    memset(&TestMemory, 0, sizeof(TestMemory));
    TestMemory.FailAfter = -1;
}

/* CORE_OPS.Allocate: the memory is filled with 0xA5, so that nothing relies on zeroed memory. */
static void *TestAllocate(void *Context, size_t Bytes)
{
    void *memory;
    (void)Context;
    if (TestMemory.FailAfter == 0) return NULL;
    if (TestMemory.FailAfter > 0) TestMemory.FailAfter--;
    memory = malloc(Bytes);
    if (memory) {
        memset(memory, 0xA5, Bytes);
        TestMemory.Allocations++;
    }
    return memory;
}

static void TestFree(void *Context, void *Memory)
{
    (void)Context;
    if (Memory) {
        TestMemory.Allocations--;
        free(Memory);
    }
}

static uintptr_t TestLock(void *Context)
{
    (void)Context;
    TestMemory.LockHeld++;
    return TEST_LOCK_STATE;
}

static void TestUnlock(void *Context, uintptr_t State)
{
    (void)Context;
    CHECK(State == TEST_LOCK_STATE);
    TestMemory.LockHeld--;
}

#endif /* INVERTED_CALL_CORE_TEST_SUPPORT_H */
