// Names of the calls and events between the primary and its workers that both sides of more than one file use.
// The replica store and inventory keep their own names beside their two sides.

/**
 * A worker that bound a socket of its own (SO_REUSEPORT, issue 19) tells the primary its port with this event:
 * node:cluster reports only listens on the handle it shares.
 */
export const LISTENING_EVENT = 'listening'

/** The primary asks its workers to drain and exit (OPS-4) with this event. */
export const SHUTDOWN_EVENT = 'shutdown'

/** A worker asks the primary for every worker's metrics snapshot (SVC-4: any worker's scrape shows the group). */
export const GATHER_METRICS_CALL = 'metrics.gather'

/** The primary asks one worker for its own metrics snapshot. */
export const METRICS_SNAPSHOT_CALL = 'metrics.snapshot'
