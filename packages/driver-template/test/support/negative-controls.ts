/** Code a negative control appends to a driver source: each is the fault one checker is there to find. */

/** clang --analyze must report core.NullDereference. */
export const NULL_DEREFERENCE = `
int AnalyzerControl(int Flag);
int AnalyzerControl(int Flag)
{
    int *pointer = 0;
    if (Flag) {
        return *pointer;
    }
    return 0;
}
`;

/** cppcheck must report arrayIndexOutOfBounds. */
export const INDEX_OUT_OF_BOUNDS = `
int CppcheckControl(void);
int CppcheckControl(void)
{
    int values[4] = { 0, 1, 2, 3 };
    return values[4];
}
`;
