import { ApiError, readEvents, saveToken, savedToken } from './api.js'
import { showNode } from './detail.js'
import { byId, fill } from './dom.js'
import type { BootEvent } from './events.js'
import { GridCanvas } from './grid.js'
import { layoutGrid, nodeAt, type GridLayout } from './layout.js'
import { FleetModel } from './model.js'
import { showAttention, showGroups, showReplica, showSummary, showUnknown } from './panels.js'
import { STATES } from './states.js'

// BOOT /status: the fleet as a grid in xname order, live over /boot-status/events. Everything the page shows comes
// from the API with the viewer's own access (SEC-6); the page itself holds no data.

/** Timings the page measures itself (the benchmark reads them), milliseconds. */
interface Timings {
  /** From navigation start until the first snapshot was drawn. */
  firstSnapshotAt: number
  /** Parse, layout and draw of the latest snapshot. */
  snapshotMs: number
  /** Parse and draw of the latest changes event. */
  lastUpdateMs: number
  /** `performance.now()` when the latest event was drawn. */
  lastEventAt: number
  events: number
}

const RETRY_MS = 2_000
const model = new FleetModel()
const grid = new GridCanvas(byId<HTMLCanvasElement>('grid'))
const select = byId<HTMLSelectElement>('group')
const timings: Timings = { firstSnapshotAt: 0, snapshotMs: 0, lastUpdateMs: 0, lastEventAt: 0, events: 0 }
let layout: GridLayout | undefined
let controller: AbortController | undefined
let retry: ReturnType<typeof setTimeout> | undefined

// The test hook: what the grid holds, per state, the timings, and where a node's cell is (CSS pixels in the canvas).
;(window as unknown as { __statusPage: unknown }).__statusPage = {
  timings,
  counts: () => model.counts(),
  cellOf: (xname: string) => {
    const i = model.indexOf(xname)
    if (i === undefined || layout === undefined) return undefined
    return { x: ((layout.column[i] as number) + 0.5) * layout.cell, y: ((layout.row[i] as number) + 0.5) * layout.cell }
  },
}

function connect(): void {
  controller?.abort()
  clearTimeout(retry)
  const current = (controller = new AbortController())
  fill('connection', 'connecting…')
  const group = select.value
  readEvents(`/boot-status/events${group === '' ? '' : `?group=${encodeURIComponent(group)}`}`, current.signal, (event) => {
    const started = performance.now()
    handle(JSON.parse(event.data) as BootEvent, started)
  })
    .then(() => reconnect('the stream ended'))
    .catch((err: unknown) => {
      if (current.signal.aborted) return
      if (err instanceof ApiError && (err.status === 401 || err.status === 403)) return askForToken(err.message)
      reconnect((err as Error).message)
    })
}

function reconnect(reason: string): void {
  fill('connection', `disconnected (${reason}); retrying…`)
  retry = setTimeout(connect, RETRY_MS)
}

function handle(event: BootEvent, started: number): void {
  const changed = model.apply(event)
  if (changed === 'all') {
    layout = layoutGrid(model.xnames, gridWidth())
    grid.drawAll(layout, model)
  } else grid.drawCells(changed, model)
  const group = event.group
  showSummary(group === undefined ? event.summary : (event.groups[group] ?? event.summary), group ?? 'all groups')
  showAttention(event, (xname) => void showNode(xname))
  if (event.unknownAddresses !== undefined) showUnknown(event.unknownAddresses)
  showReplica(event)
  showGroups(select, event.groups)
  fill('connection', `live · updated ${new Date(event.generatedAt).toLocaleTimeString()}`)
  const now = performance.now()
  if (changed === 'all') {
    timings.snapshotMs = now - started
    if (timings.firstSnapshotAt === 0) timings.firstSnapshotAt = now
  } else timings.lastUpdateMs = now - started
  timings.lastEventAt = now
  timings.events += 1
}

function askForToken(message: string): void {
  byId('auth').hidden = false
  fill('auth-message', savedToken() === undefined ? 'This server needs a bearer token to show boot status.' : message)
  fill('connection', 'not connected')
}

function gridWidth(): number {
  return Math.max(200, byId('grid-wrap').clientWidth - 4)
}

byId<HTMLFormElement>('token-form').addEventListener('submit', (e) => {
  e.preventDefault()
  saveToken(byId<HTMLInputElement>('token').value.trim())
  byId('auth').hidden = true
  connect()
})
select.addEventListener('change', () => connect())
const canvas = byId<HTMLCanvasElement>('grid')
const pointed = (e: MouseEvent) => (layout === undefined ? undefined : nodeAt(layout, e.offsetX, e.offsetY))
canvas.addEventListener('click', (e) => {
  const i = pointed(e)
  if (i !== undefined) void showNode(model.xnames[i] as string)
})
canvas.addEventListener('mousemove', (e) => {
  const i = pointed(e)
  fill('hover', i === undefined ? '' : `${model.xnames[i] as string}: ${STATES[model.states[i] as number] ?? ''}`)
})
let resizing: ReturnType<typeof setTimeout> | undefined
window.addEventListener('resize', () => {
  clearTimeout(resizing)
  resizing = setTimeout(() => {
    if (model.xnames.length === 0) return
    layout = layoutGrid(model.xnames, gridWidth())
    grid.drawAll(layout, model)
  }, 200)
})
connect()
