export interface KV {
    get(key: string): string | null;
    set(key: string, value: string): void;
    remove(key: string): void;
}
/**
 * sessionStorage: the last two pages of the tab and the last click on each,
 * for the live quick back across page loads (friction/dom.ts). Written only
 * while the SDK runs (so never before consent) and deleted when it is halted.
 */
export declare const K_FRICTION = "tg_fx";
export declare function memoryKV(): KV;
export declare function webKV(kind: 'localStorage' | 'sessionStorage', cached?: string[]): KV;
export declare function readJSON<T>(kv: KV, key: string, raw?: string | null): T | null;
