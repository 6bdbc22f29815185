/** Whether a file whose stat says it changed at `ctimeMs` may have changed at `sinceMs` or later (cli/racy.mjs). */
export declare function mayHaveChangedSince(ctimeMs: number, sinceMs: number): boolean;
