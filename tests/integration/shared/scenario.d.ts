// Types for scenario.js (kept free of a `vitrine` import: this folder has no node_modules).
export declare const CANDIDATES: ReadonlyArray<{ id: string; serverRank: number; attributes: Record<string, string>; price: number }>;
export declare const EVENTS: ReadonlyArray<{ type: string; productId: string; attributes: Record<string, string>; price: number }>;
export declare function runScenario(vitrine: { init(options?: { worker?: boolean }): Promise<unknown> }, tool: string): Promise<void>;
