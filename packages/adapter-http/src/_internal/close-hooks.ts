// Work an app must stop before its server can close (OPS-4): open event streams never end on their own, so
// `close()` ends them first instead of waiting out the whole drain time. Kept beside the app, like its listener.

const hooks = new WeakMap<object, Set<() => void>>()

/** Runs `hook` when the server of `app` starts closing; returns a function that unregisters it. */
export function onAppClose(app: object, hook: () => void): () => void {
  let set = hooks.get(app)
  if (set === undefined) hooks.set(app, (set = new Set()))
  set.add(hook)
  return () => void set.delete(hook)
}

/** Runs (and forgets) every hook registered for `app`. */
export function runAppCloseHooks(app: object): void {
  const set = hooks.get(app)
  if (set === undefined) return
  hooks.delete(app)
  for (const hook of set) hook()
}
