/** Where each node's cell is on the grid. */
export interface GridLayout {
  /** Cell pitch in CSS pixels (the cell is one pixel smaller, leaving a gap, from 4 px up). */
  readonly cell: number
  /** Cells per row. */
  readonly columns: number
  readonly rows: number
  /** Row and column of node i. */
  readonly row: Int32Array
  readonly column: Int32Array
  /** The node at `row * columns + column`, or -1. */
  readonly at: Int32Array
}

const CABINET = /^(x\d+)/

/**
 * Lays the nodes out in the order given (xname order: cabinet → chassis → slot → node), row by row, each cabinet
 * starting on a new row, `width` CSS pixels wide. The cell size shrinks with the fleet: 14 px up to 2,000 nodes,
 * 7 px up to 20,000, 3 px beyond (100,000 nodes stay on a few screens).
 */
export function layoutGrid(xnames: readonly string[], width: number): GridLayout {
  const cell = xnames.length <= 2_000 ? 14 : xnames.length <= 20_000 ? 7 : 3
  const columns = Math.max(8, Math.floor(width / cell))
  const row = new Int32Array(xnames.length)
  const column = new Int32Array(xnames.length)
  let r = -1
  let c = columns
  let cabinet: string | undefined
  xnames.forEach((xname, i) => {
    const name = CABINET.exec(xname)?.[1] ?? ''
    if (name !== cabinet || c === columns) {
      r += 1
      c = 0
      cabinet = name
    }
    row[i] = r
    column[i] = c++
  })
  const rows = r + 1
  const at = new Int32Array(rows * columns).fill(-1)
  for (let i = 0; i < xnames.length; i++) at[(row[i] as number) * columns + (column[i] as number)] = i
  return { cell, columns, rows, row, column, at }
}

/** The node at CSS pixel (x, y) of the grid, or undefined. */
export function nodeAt(layout: GridLayout, x: number, y: number): number | undefined {
  const column = Math.floor(x / layout.cell)
  const row = Math.floor(y / layout.cell)
  if (column < 0 || row < 0 || column >= layout.columns || row >= layout.rows) return undefined
  const i = layout.at[row * layout.columns + column] as number
  return i === -1 ? undefined : i
}
