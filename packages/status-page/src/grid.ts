import type { GridLayout } from './layout.js'
import type { FleetModel } from './model.js'
import { STATE_COLORS } from './states.js'

/**
 * Draws the fleet on a `<canvas>`: every cell on a snapshot (one fill colour at a time), only the changed cells on
 * an update, so 100,000 nodes repaint in milliseconds. The canvas carries what it shows as data attributes
 * (`data-cells`, `data-<state>`, `data-updates`) for tests and tools.
 */
export class GridCanvas {
  readonly #canvas: HTMLCanvasElement
  readonly #context: CanvasRenderingContext2D
  #layout: GridLayout | undefined

  constructor(canvas: HTMLCanvasElement) {
    this.#canvas = canvas
    const context = canvas.getContext('2d')
    if (context === null) throw new Error('no 2D canvas')
    this.#context = context
  }

  /** Sizes the canvas for `layout` and paints every cell of `model`. */
  drawAll(layout: GridLayout, model: FleetModel): void {
    this.#layout = layout
    const ratio = window.devicePixelRatio || 1
    const width = layout.columns * layout.cell
    const height = Math.max(1, layout.rows * layout.cell)
    this.#canvas.style.width = `${width}px`
    this.#canvas.style.height = `${height}px`
    this.#canvas.width = Math.ceil(width * ratio)
    this.#canvas.height = Math.ceil(height * ratio)
    this.#context.setTransform(ratio, 0, 0, ratio, 0, 0)
    this.#context.clearRect(0, 0, width, height)
    // Cells grouped by state: one fillStyle change per state instead of one per cell.
    const byState: number[][] = STATE_COLORS.map(() => [])
    model.states.forEach((state, i) => byState[state]?.push(i))
    byState.forEach((cells, state) => {
      this.#context.fillStyle = STATE_COLORS[state] as string
      for (const i of cells) this.#fill(layout, i)
    })
    this.#describe(model)
  }

  /** Repaints the cells `changed` of `model`. */
  drawCells(changed: readonly number[], model: FleetModel): void {
    const layout = this.#layout
    if (layout === undefined) return
    for (const i of changed) {
      this.#context.fillStyle = STATE_COLORS[model.states[i] as number] as string
      this.#context.clearRect((layout.column[i] as number) * layout.cell, (layout.row[i] as number) * layout.cell, layout.cell, layout.cell)
      this.#fill(layout, i)
    }
    this.#describe(model)
  }

  #fill(layout: GridLayout, i: number): void {
    const size = layout.cell >= 4 ? layout.cell - 1 : layout.cell
    this.#context.fillRect((layout.column[i] as number) * layout.cell, (layout.row[i] as number) * layout.cell, size, size)
  }

  #describe(model: FleetModel): void {
    const data = this.#canvas.dataset
    data.cells = String(model.xnames.length)
    data.updates = String(model.updates)
    for (const [state, count] of Object.entries(model.counts())) data[toDatasetKey(state)] = String(count)
  }
}

/** `phoned-home` → `phonedHome` (the dataset key of `data-phoned-home`). */
function toDatasetKey(name: string): string {
  return name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase())
}
