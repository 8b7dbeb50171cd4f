import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { render } from 'preact';
import { act } from 'preact/test-utils';
import { useLoad, useSubmit, type Load } from '../src/hooks';

// A fetch whose answers the test gives by hand, one per call.
interface Call {
  arg: string;
  signal: AbortSignal;
  resolve: (v: string) => void;
  reject: (e: unknown) => void;
}

let root: HTMLElement;
let calls: Call[];
let seen: Load<string>;
let loaded: string[];

function fetchFake(arg: string, signal: AbortSignal): Promise<string> {
  return new Promise((resolve, reject) => {
    calls.push({ arg, signal, resolve, reject });
    signal.addEventListener('abort', () => reject(Object.assign(new Error('aborted'), { name: 'AbortError' })));
  });
}

function Probe({ arg }: { arg: string }) {
  seen = useLoad((signal) => fetchFake(arg, signal), [arg], (v) => loaded.push(v));
  return null;
}

const show = (arg: string) => act(() => render(<Probe arg={arg} />, root));
const settle = () => act(async () => {});

beforeEach(() => {
  root = document.createElement('div');
  calls = [];
  loaded = [];
});
afterEach(() => {
  render(null, root);
});

describe('useLoad', () => {
  it('loads on mount: loading, then the data', async () => {
    await show('a');
    expect(seen.loading).toBe(true);
    expect(seen.data).toBeNull();
    expect(calls.map((c) => c.arg)).toEqual(['a']);
    calls[0].resolve('A');
    await settle();
    expect(seen).toMatchObject({ data: 'A', error: null, loading: false });
    expect(loaded).toEqual(['A']);
  });

  it('keeps the error with its status and message, and reload clears it', async () => {
    await show('a');
    calls[0].reject(Object.assign(new Error('The server had a problem.'), { status: 503 }));
    await settle();
    expect(seen.loading).toBe(false);
    expect(seen.error).toEqual({ message: 'The server had a problem.', status: 503 });
    await act(() => seen.reload());
    expect(seen.error).toBeNull();
    expect(seen.loading).toBe(true);
    calls[1].resolve('A2');
    await settle();
    expect(seen).toMatchObject({ data: 'A2', error: null, loading: false });
  });

  it('aborts the previous load when the deps change and ignores its late answer', async () => {
    await show('a');
    await show('b');
    expect(calls.map((c) => c.arg)).toEqual(['a', 'b']);
    expect(calls[0].signal.aborted).toBe(true);
    calls[0].resolve('A'); // too late: already rejected as aborted, and ignored
    calls[1].resolve('B');
    await settle();
    expect(seen).toMatchObject({ data: 'B', error: null, loading: false });
    expect(loaded).toEqual(['B']);
  });

  it('keeps the data while reloading', async () => {
    await show('a');
    calls[0].resolve('A');
    await settle();
    await act(() => seen.reload());
    expect(seen).toMatchObject({ data: 'A', loading: true });
    calls[1].resolve('A2');
    await settle();
    expect(seen.data).toBe('A2');
  });

  it('a reload aborts the load under way', async () => {
    await show('a');
    await act(() => seen.reload());
    expect(calls[0].signal.aborted).toBe(true);
    expect(calls[1].signal.aborted).toBe(false);
  });

  it('aborts on unmount', async () => {
    await show('a');
    await act(() => render(null, root));
    expect(calls[0].signal.aborted).toBe(true);
  });

  it('setData changes the loaded value', async () => {
    await show('a');
    calls[0].resolve('A');
    await settle();
    await act(() => seen.setData((d) => d + '!'));
    expect(seen.data).toBe('A!');
  });
});

describe('useSubmit', () => {
  let sub: ReturnType<typeof useSubmit<{ code: number }>>;
  function Form() {
    sub = useSubmit((err) => ({ code: (err as { status: number }).status }));
    return null;
  }

  it('is busy while the action runs, keeps what fail makes of its error, and clears it on the next run', async () => {
    await act(() => render(<Form />, root));
    let finish!: () => void;
    let failNow!: (e: unknown) => void;
    let run: Promise<void> | undefined;
    await act(() => {
      run = sub.run(() => new Promise<void>((res, rej) => ((finish = res), (failNow = rej))));
    });
    expect(sub.busy).toBe(true);
    await act(async () => {
      failNow({ status: 409 });
      await run;
    });
    expect(sub).toMatchObject({ busy: false, error: { code: 409 } });
    await act(() => {
      run = sub.run(() => new Promise<void>((res) => (finish = res)));
    });
    expect(sub).toMatchObject({ busy: true, error: null });
    await act(async () => {
      finish();
      await run;
    });
    expect(sub).toMatchObject({ busy: false, error: null });
  });
});
