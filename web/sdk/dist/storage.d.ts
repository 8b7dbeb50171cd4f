export interface KV {
    get(key: string): string | null;
    set(key: string, value: string): void;
    remove(key: string): void;
}
export declare function memoryKV(): KV;
export declare function webKV(kind: 'localStorage' | 'sessionStorage', cached?: string[]): KV;
export declare function readJSON<T>(kv: KV, key: string, raw?: string | null): T | null;
