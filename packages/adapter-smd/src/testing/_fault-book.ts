/** An injected answer. Without `status`, only the delay applies and the normal answer follows. */
export interface FakeReply {
  readonly status?: number
  readonly body?: string
  /** Default `application/json` (or `application/problem+json` for errors without a body). */
  readonly contentType?: string
  /** Wait this long before answering, ms. */
  readonly delayMs?: number
  /** Send `body` in 64 KiB writes without a Content-Length (chunked), as a server streaming its answer does. */
  readonly chunked?: boolean
}

/** Per-route call counters and injected faults of a fake server. */
export interface FaultBook<R extends string> {
  /** Counts one call of `route` and returns the injected reply it gets, if any (using up one of its `times`). */
  record(route: R): FakeReply | undefined
  /** Calls of `route`, or of every route. */
  calls(route?: R): number
  /** Answers the next `times` calls of `route` with `reply` (default: every call until cleared). */
  inject(route: R | '*', reply: FakeReply, times?: number): void
  clearInjections(): void
}

/** Creates an empty {@link FaultBook}, shared by the fake SMD and the fake TokenSmith. */
export function createFaultBook<R extends string>(): FaultBook<R> {
  const counts = new Map<R, number>()
  let injections: Array<{ route: R | '*'; reply: FakeReply; left: number }> = []
  return {
    record(route) {
      counts.set(route, (counts.get(route) ?? 0) + 1)
      const injected = injections.find((i) => i.left > 0 && (i.route === '*' || i.route === route))
      if (injected) injected.left--
      return injected?.reply
    },
    calls: (route) => (route === undefined ? [...counts.values()].reduce((a, b) => a + b, 0) : (counts.get(route) ?? 0)),
    inject(route, reply, times = Infinity) {
      injections.push({ route, reply, left: times })
    },
    clearInjections() {
      injections = []
    },
  }
}
