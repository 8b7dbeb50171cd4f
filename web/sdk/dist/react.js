// sdk/src/react.ts
import { createContext, createElement, useContext, useEffect } from "react";
import * as core from "./index.js";
var api = {
  track: core.track,
  identify: core.identify,
  consent: core.consent,
  optOut: core.optOut,
  optIn: core.optIn,
  flush: core.flush,
  on: core.on,
  page: core.page
};
var Ctx = createContext(null);
function TrailguideProvider({ options, children }) {
  const key = options.key;
  useEffect(() => {
    core.init(options);
  }, [key]);
  return createElement(Ctx.Provider, { value: api }, children);
}
function useTrailguide() {
  return useContext(Ctx) || api;
}
function usePageview(path, title) {
  useEffect(() => {
    core.page(path, title);
  }, [path, title]);
}
export {
  TrailguideProvider,
  usePageview,
  useTrailguide
};
