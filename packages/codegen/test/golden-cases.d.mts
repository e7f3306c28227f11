export declare const goldenCases: { name: string; schema: string; header: string; ts: string }[];
