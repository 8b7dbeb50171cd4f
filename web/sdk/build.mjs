// Builds the SDK: the script-tag loader, its lazily loaded recorder chunk and
// the live friction chunk the recorder loads in turn, into web/dist/sdk
// (embedded in the binary), and the npm package into web/sdk/dist.
// Deterministic: no timestamps, no source maps with absolute paths, fixed
// file names.
import { build as esbuild } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const web = join(here, '..');

const common = {
  bundle: true,
  minify: true,
  target: 'es2020',
  platform: 'browser',
  legalComments: 'eof',
  logLevel: 'warning',
  absWorkingDir: web,
  // Private members of the SDK's own classes end in '_' and are renamed;
  // rrweb, the DOM and the wire format use no such names.
  mangleProps: /[^_]_$/,
};
// TG_SDK_NOMINIFY=1: readable bundles for profiling (function names kept,
// esbuild's "// path" comment before each module; `make bench-browser` with
// TG_BENCH_TOP=1 uses them). Never commit a build made with it.
if (process.env.TG_SDK_NOMINIFY) Object.assign(common, { minify: false, mangleProps: undefined });

// Parts of @rrweb/record that the options the SDK passes (client.ts
// recordOptions: recordCanvas, collectFonts, inlineImages and
// recordCrossOriginIframes all false, no hooks, no plugins) never run, but
// that rrweb 2.1.6 bundles regardless. Each patch replaces the text from
// `start` (included) to `end` (excluded) with `with`; the build fails if a
// marker is missing or ambiguous, so an rrweb upgrade cannot silently skip
// one. Figures are gzip savings measured on the recorder chunk.
const PATCHES = [
  {
    // canvas (≈ 2.5 KB): an inlined web worker, WebGL/2D context patching and
    // the CanvasManager; replaced by a CanvasManager with the methods record() calls
    name: 'canvas',
    start: '\nvar chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";',
    end: 'class StylesheetManager {',
    with: '\nclass CanvasManager { reset() {} freeze() {} unfreeze() {} lock() {} unlock() {} }\n',
  },
  {
    // snapshot of canvas pixels (recordCanvas) and inlined images (inlineImages)
    name: 'canvas-and-inline-image-snapshot',
    start: '  if (tagName === "canvas" && recordCanvas) {',
    end: '  if (["audio", "video"].includes(tagName)) {',
    with: '',
  },
  {
    // the font observer (collectFonts)
    name: 'fonts',
    start: 'function initFontObserver({ fontCb, doc }) {',
    end: 'function initSelectionObserver(param) {',
    with: 'function initFontObserver() { return () => {}; }\n',
  },
  {
    // record({hooks}): wraps every callback to call the hooks first
    name: 'hooks',
    start: 'function mergeHooks(o, hooks) {',
    end: 'function initObservers(o, hooks = {}) {',
    with: 'function mergeHooks() {}\n',
  },
  {
    // recordCrossOriginIframes is false: this frame always emits itself, so
    // the parent-frame relay (postMessage of every event) never runs
    name: 'emit-to-parent',
    start: '  const inEmittingFrame = recordCrossOriginIframes ? window.parent === window : true;',
    end: '  if (mousemoveWait !== void 0 && sampling.mousemove === void 0) {',
    with: '  const inEmittingFrame = true;\n  const passEmitsToParent = false;\n',
  },
  {
    // maskAllInputs is false (mask.ts passes maskInputOptions itself)
    name: 'mask-all-inputs',
    start: '  mirror.reset();\n  const maskInputOptions = maskAllInputs === true ? {',
    end: '  const slimDOMOptions = slimDOMDefaults(_slimDOMOptions);',
    with: '  mirror.reset();\n  const maskInputOptions = _maskInputOptions;\n',
  },
  {
    // no plugins and no packFn: events go out as rrweb made them
    name: 'event-processor',
    start: '  const eventProcessor = (e) => {\n    for (const plugin of plugins || []) {',
    end: '  wrappedEmit = (r, isCheckout) => {',
    with: '  const eventProcessor = (e) => e;\n',
  },
  {
    // the deprecated global `mirror` export that only logs a warning
    name: 'departed-mirror',
    start: 'const DEPARTED_MIRROR_ACCESS_WARNING =',
    end: 'function throttle(func, wait, options = {}) {',
    with: '',
  },
  {
    // rrdom's virtual node class, which the recorder only tests real DOM
    // nodes against (hasShadowRoot: `instanceof BaseRRNode`, never true
    // outside the replayer)
    name: 'rrdom-node',
    start: 'class BaseRRNode {',
    end: 'function on(type, fn, target = document) {',
    with: 'class BaseRRNode {}\n',
  },
  {
    // cross-origin iframe recording (recordCrossOriginIframes): the id
    // mirrors and the postMessage protocol
    name: 'cross-origin-iframe-mirror',
    start: 'class CrossOriginIframeMirror {',
    end: 'class IframeManager {',
    with: 'class CrossOriginIframeMirror {}\n',
  },
  {
    name: 'cross-origin-iframe-messages',
    start: '  handleMessage(message) {',
    end: 'class ShadowDomManager {',
    with: '}\n',
  },
];

// Diagnostic messages of rrweb that the SDK never shows (its console output
// is debug-level and its own), shortened: each must occur exactly once.
const MESSAGES = [
  ['"Couldn\'t record new node. Couldn\'t find mirror id for nextSibling:"', '"rrweb: no nextSibling id"'],
  ['"please add custom event after start recording"', '"rrweb: not recording"'],
  ['"please take full snapshot after start recording"', '"rrweb: not recording"'],
  ['"Failed to snapshot the document"', '"rrweb: snapshot failed"'],
  ['"Unable to override Array.from"', '"rrweb: Array.from"'],
  ['`Custom element callback failed for ${name}`', '"rrweb: customElementCb"'],
];

export function patchRecord(src) {
  for (const [from, to] of MESSAGES) {
    const a = src.indexOf(from);
    if (a < 0 || src.indexOf(from, a + 1) >= 0) {
      throw new Error(`trailguide-strip-rrweb: message ${from} not found once; check the @rrweb/record version`);
    }
    src = src.slice(0, a) + to + src.slice(a + from.length);
  }
  // TypeScript enums without their number -> name reverse entries: the
  // recorder only reads names (Object.keys filters the numeric ones out).
  const before = src.length;
  src = src.replace(/^(\s+)(\w+)\[\2\["(\w+)"\] = (-?\d+)\] = "\3";$/gm, '$1$2["$3"] = $4;');
  if (src.length === before) throw new Error('trailguide-strip-rrweb: no enum found; check the @rrweb/record version');
  for (const p of PATCHES) {
    const a = src.indexOf(p.start);
    const z = src.indexOf(p.end, a);
    if (a < 0 || z < a || src.indexOf(p.start, a + 1) >= 0) {
      throw new Error(`trailguide-strip-rrweb: markers of "${p.name}" not found; check the @rrweb/record version`);
    }
    src = src.slice(0, a) + p.with + src.slice(z);
  }
  return src;
}

export const stripRecord = {
  name: 'trailguide-strip-rrweb',
  setup(b) {
    b.onLoad({ filter: /@rrweb[\\/]record[\\/]dist[\\/]record\.js$/ }, async (args) => ({
      contents: patchRecord(await readFile(args.path, 'utf8')),
      loader: 'js',
    }));
  },
};

export async function build() {
  const scriptOut = join(web, 'dist', 'sdk');
  mkdirSync(scriptOut, { recursive: true });
  await esbuild({ ...common, entryPoints: [join(here, 'src/loader.ts')], format: 'iife', outfile: join(scriptOut, 'trailguide.js') });
  await esbuild({ ...common, entryPoints: [join(here, 'src/recorder-entry.ts')], format: 'iife', plugins: [stripRecord], outfile: join(scriptOut, 'recorder.js') });
  // Live friction detection (docs/FRICTION.md), loaded by the recorder chunk
  // after the config arrives; outside the loader+recorder budget.
  await esbuild({ ...common, entryPoints: [join(here, 'src/friction/chunk.ts')], format: 'iife', outfile: join(scriptOut, 'friction.js') });
  // The guides runtime (Floating UI included), loaded by the hook in
  // friction.js only when the visitor has an eligible guide; ≤ 12 KB gzip.
  await esbuild({ ...common, entryPoints: [join(here, 'src/guides/chunk.ts')], format: 'iife', outfile: join(scriptOut, 'guides.js') });

  // npm package: ESM with @rrweb/record left as a dependency, plus declarations.
  const npmOut = join(here, 'dist');
  rmSync(npmOut, { recursive: true, force: true });
  await esbuild({
    ...common,
    minify: false,
    mangleProps: undefined,
    entryPoints: [join(here, 'src/index.ts')],
    format: 'esm',
    external: ['@rrweb/record'],
    outfile: join(npmOut, 'index.js'),
  });
  // React helpers: their own entry, importing the core module (one client
  // per page) and React, neither bundled.
  await esbuild({
    ...common,
    minify: false,
    mangleProps: undefined,
    entryPoints: [join(here, 'src/react.ts')],
    format: 'esm',
    external: ['react', './index.js'],
    outfile: join(npmOut, 'react.js'),
  });
  execFileSync(process.execPath, [join(web, 'node_modules/typescript/bin/tsc'), '-p', join(here, 'tsconfig.build.json')], {
    stdio: 'inherit',
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await build();
