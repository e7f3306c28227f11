/*
 * The native test program of AskTestInput.c: the ask IOCTL's input check (AskTest.h), built with
 * gcc -std=c11 -Wall -Wextra -Werror -fsanitize=address,undefined, the native CoreConfig.h
 * (templates/core/test) and a rendered DeviceTable.h (its DEVICE_TYPE_VALUE).
 * packages/driver-template/test/test-ask.test.ts runs it.
 *
 *   ask_test --layout          prints the layout as AskTest.h declares it, and the core's outcome
 *                              numbers (Verdict.h), as one JSON line, so the TypeScript encoder and
 *                              decoder are checked against the headers, not a copy of them;
 *   ask_test <outputLength> <questionBytes>:<answerBytes>...
 *                              reads one input as hex from stdin into a heap block of exactly its
 *                              size (ASan reports any read past it), parses it for an output of
 *                              outputLength bytes against a device whose verdicts have the sizes
 *                              given (in schema order; the test takes them from its descriptor, so
 *                              the sizes have one owner), and prints the status and, on success,
 *                              what was parsed (one JSON line). Empty stdin stands for no input.
 */
#include "AskTest.h"
#include "Verdict.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ASK_OFFSET_OF(field) (int)FIELD_OFFSET(INVERTED_CALL_TEST_ASK, field)
#define RESULT_OFFSET_OF(field) (int)FIELD_OFFSET(INVERTED_CALL_TEST_ASK_RESULT, field)

static int PrintLayout(void)
{
    printf("{\"function\":%d,\"code\":%lu,\"size\":%d,\"resultSize\":%d,\"cannotWait\":%u,\"flags\":%u,"
           "\"offsets\":{\"verdictIndex\":%d,\"flags\":%d,\"askerProcessId\":%d,\"questionBytes\":%d,\"reserved\":%d},"
           "\"resultOffsets\":{\"outcome\":%d,\"reserved\":%d,\"id\":%d},"
           "\"outcomes\":{\"answered\":%u,\"timedOut\":%u,\"defaulted\":%u,\"refused\":%u}}\n",
           INVERTED_CALL_TEST_ASK_FUNCTION, (unsigned long)IOCTL_INVERTED_CALL_TEST_ASK, (int)sizeof(INVERTED_CALL_TEST_ASK),
           (int)sizeof(INVERTED_CALL_TEST_ASK_RESULT), INVERTED_CALL_TEST_ASK_CANNOT_WAIT, INVERTED_CALL_TEST_ASK_FLAGS,
           ASK_OFFSET_OF(VerdictIndex), ASK_OFFSET_OF(Flags), ASK_OFFSET_OF(AskerProcessId), ASK_OFFSET_OF(QuestionBytes),
           ASK_OFFSET_OF(Reserved), RESULT_OFFSET_OF(Outcome), RESULT_OFFSET_OF(Reserved), RESULT_OFFSET_OF(Id),
           CORE_VERDICT_OUTCOME_ANSWERED, CORE_VERDICT_OUTCOME_TIMED_OUT, CORE_VERDICT_OUTCOME_DEFAULTED, CORE_VERDICT_OUTCOME_REFUSED);
    return 0;
}

static int HexDigit(int Character)
{
    if (Character >= '0' && Character <= '9') {
        return Character - '0';
    }
    Character = tolower(Character);
    return Character >= 'a' && Character <= 'f' ? Character - 'a' + 10 : -1;
}

/*
 * Reads stdin's hex (whitespace ignored) into a block of exactly the bytes it names (at least one
 * byte, so malloc never sees 0). Returns NULL, with a message, for odd or non-hex text or no memory.
 */
static UINT8 *ReadHexInput(size_t *Length)
{
    size_t capacity = 4096;
    size_t used = 0;
    UINT8 *staging = (UINT8 *)malloc(capacity);
    UINT8 *exact;
    int high = -1;
    int character;
    if (staging == NULL) {
        fprintf(stderr, "ask_test: out of memory\n");
        return NULL;
    }
    while ((character = getchar()) != EOF) {
        int digit;
        if (isspace(character)) {
            continue;
        }
        digit = HexDigit(character);
        if (digit < 0) {
            fprintf(stderr, "ask_test: stdin has '%c', which is not a hex digit; fix: send the input as hex\n", character);
            free(staging);
            return NULL;
        }
        if (high < 0) {
            high = digit;
            continue;
        }
        if (used == capacity) {
            UINT8 *grown = (UINT8 *)realloc(staging, capacity * 2u);
            if (grown == NULL) {
                fprintf(stderr, "ask_test: out of memory\n");
                free(staging);
                return NULL;
            }
            staging = grown;
            capacity *= 2u;
        }
        staging[used++] = (UINT8)((high << 4) | digit);
        high = -1;
    }
    if (high >= 0) {
        fprintf(stderr, "ask_test: stdin has an odd number of hex digits; fix: send whole bytes\n");
        free(staging);
        return NULL;
    }
    exact = (UINT8 *)malloc(used > 0 ? used : 1u);
    if (exact != NULL && used > 0) {
        memcpy(exact, staging, used);
    }
    free(staging);
    if (exact == NULL) {
        fprintf(stderr, "ask_test: out of memory\n");
    }
    *Length = used;
    return exact;
}

/* Reads "<questionBytes>:<answerBytes>" into Verdict. Returns 0, or -1 with a message. */
static int ParseVerdictSizes(const char *Text, CORE_VERDICT_CONFIG *Verdict)
{
    char *end;
    unsigned long question = strtoul(Text, &end, 10);
    unsigned long answer;
    if (end == Text || *end != ':') {
        fprintf(stderr, "ask_test: verdict \"%s\" is not <questionBytes>:<answerBytes>\n", Text);
        return -1;
    }
    Text = end + 1;
    answer = strtoul(Text, &end, 10);
    if (end == Text || *end != '\0' || question == 0ul || answer == 0ul || question > 0xFFFFFFFFul || answer > 0xFFFFFFFFul) {
        fprintf(stderr, "ask_test: verdict sizes must be 1 to 2^32-1 bytes each, as <questionBytes>:<answerBytes>\n");
        return -1;
    }
    memset(Verdict, 0, sizeof(*Verdict));
    Verdict->QuestionBytes = (UINT32)question;
    Verdict->AnswerBytes = (UINT32)answer;
    return 0;
}

static int ParseStdin(int argc, char **argv)
{
    CORE_VERDICT_CONFIG *verdicts = NULL;
    CORE_DEVICE_CONFIG config;
    ASK_TEST_REQUEST request;
    UINT8 untouched[sizeof(ASK_TEST_REQUEST)];
    size_t outputLength;
    size_t length = 0;
    UINT8 *input;
    NTSTATUS status;
    UINT32 index;
    char *end;
    int verdict;

    if (argc < 2) {
        fprintf(stderr, "usage: ask_test --layout | ask_test <outputLength> <questionBytes>:<answerBytes>...\n");
        return 2;
    }
    outputLength = (size_t)strtoull(argv[1], &end, 10);
    if (end == argv[1] || *end != '\0') {
        fprintf(stderr, "ask_test: outputLength \"%s\" is not a number of bytes\n", argv[1]);
        return 2;
    }
    /* The table on the heap, exactly as long as the verdicts given: ASan reports a read past it. */
    memset(&config, 0, sizeof(config));
    if (argc > 2) {
        verdicts = (CORE_VERDICT_CONFIG *)malloc((size_t)(argc - 2) * sizeof(CORE_VERDICT_CONFIG));
        if (verdicts == NULL) {
            fprintf(stderr, "ask_test: out of memory\n");
            return 2;
        }
    }
    for (verdict = 0; verdict < argc - 2; verdict++) {
        if (ParseVerdictSizes(argv[verdict + 2], &verdicts[verdict]) != 0) {
            free(verdicts);
            return 2;
        }
    }
    config.Verdicts = verdicts;
    config.VerdictCount = (UINT32)(argc - 2);

    input = ReadHexInput(&length);
    if (input == NULL) {
        free(verdicts);
        return 2;
    }
    /* Request is untouched unless STATUS_SUCCESS (AskTest.h): every byte of it is compared. */
    memset(&request, 0xA5, sizeof(request));
    memset(untouched, 0xA5, sizeof(untouched));
    status = AskTestParse(&config, length > 0 ? input : NULL, length, outputLength, &request);
    printf("{\"status\":%lu", (unsigned long)(UINT32)status);
    if (status == STATUS_SUCCESS) {
        /* The process id as a string: JSON numbers past 2^53 lose digits in JavaScript. */
        printf(",\"verdictIndex\":%u,\"flags\":%u,\"askerProcessId\":\"%llu\",\"questionBytes\":%u,\"reserved\":%u,"
               "\"answerBytes\":%u,\"questionOffset\":%ld,\"question\":[",
               request.Fixed.VerdictIndex, request.Fixed.Flags, (unsigned long long)request.Fixed.AskerProcessId, request.Fixed.QuestionBytes,
               request.Fixed.Reserved, request.AnswerBytes, (long)(request.Question - input));
        for (index = 0; index < request.Fixed.QuestionBytes; index++) {
            printf(index == 0 ? "%u" : ",%u", (unsigned int)request.Question[index]);
        }
        printf("]");
    } else {
        printf(",\"untouched\":%s", memcmp(&request, untouched, sizeof(untouched)) == 0 ? "true" : "false");
    }
    printf("}\n");
    free(input);
    free(verdicts);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--layout") == 0) {
        return PrintLayout();
    }
    return ParseStdin(argc, argv);
}
