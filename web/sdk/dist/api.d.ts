import { Client, type ClientEvent, type InitOptions, type RecorderLike } from './client';
export interface TrailguideAPI {
    init(options: InitOptions): void;
    track(name: string, props?: Record<string, unknown>): void;
    identify(userId: string, traits?: Record<string, unknown>): void;
    /** Answer for init({requireConsent: true}): true starts capturing, false stops it and deletes stored ids. */
    consent(granted: boolean): void;
    optOut(): void;
    optIn(): void;
    flush(): void;
    on(event: ClientEvent, fn: (arg?: unknown) => void): () => void;
    readonly version: string;
}
export declare function createAPI(recorder?: RecorderLike): TrailguideAPI & {
    client(): Client | null;
};
