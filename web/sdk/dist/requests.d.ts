/** method, absolute URL, status (0 = network error), start time (ms) */
export type RequestFailed = (method: string, url: string, status: number, started: number) => void;
/** Wraps win.fetch and XMLHttpRequest; `skip(url)` excludes requests (the SDK's own). Returns the undo. */
export declare function watchRequests(win: Window, now: () => number, skip: (url: string) => boolean, fail: RequestFailed): () => void;
