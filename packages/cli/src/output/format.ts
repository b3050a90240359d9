import { stringify as toYaml } from 'yaml'
import type { OutputFormat } from '../config/client.js'
import { statusWarnings } from './status-warnings.js'

/**
 * Renders a command's result (CLI-4): `json` with a 2-space indent, `yaml` (no folding, so templates stay one
 * scalar), or `table`, the command's view for people. The result ends with a newline.
 */
export function formatData(value: unknown, format: OutputFormat, table: () => string): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(value, null, 2)}\n`
    case 'yaml':
      return toYaml(value, { lineWidth: 0 })
    case 'table':
      return table()
  }
}

/**
 * Renders one resource or a list of them (CLI-4); the table has the columns `UID NAME UPDATED`, followed by one
 * `warning: <name>: <text>` line per status warning unless `warnings` is false (writes print them on stderr).
 */
export function formatResources(value: unknown, format: OutputFormat, options: { warnings?: boolean } = {}): string {
  return formatData(value, format, () => {
    const items = Array.isArray(value) ? value : [value]
    const rows = items.map((item) => {
      const meta = metadataOf(item)
      return [meta.uid, meta.name, meta.updatedAt]
    })
    const notes =
      options.warnings === false ? [] : items.flatMap((item) => statusWarnings(item).map((w) => `warning: ${metadataOf(item).name}: ${w}`))
    return formatTable(['UID', 'NAME', 'UPDATED'], rows) + (notes.length === 0 ? '' : `\n${notes.join('\n')}\n`)
  })
}

/**
 * Columns separated by three spaces, each as wide as its widest cell, the last one not padded; ends with a
 * newline. Used by every table the client prints.
 */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const all = [header, ...rows]
  const widths = header.map((_, col) => Math.max(...all.map((row) => (row[col] ?? '').length)))
  return all
    .map((row) => row.map((cell, col) => (col === row.length - 1 ? cell : cell.padEnd(widths[col] ?? 0))).join('   ').trimEnd())
    .join('\n')
    .concat('\n')
}

// --- internal ---

function metadataOf(item: unknown): { uid: string; name: string; updatedAt: string } {
  const meta = (typeof item === 'object' && item !== null ? (item as { metadata?: unknown }).metadata : undefined) ?? {}
  const field = (name: string) => {
    const v = (meta as Record<string, unknown>)[name]
    return typeof v === 'string' ? v : ''
  }
  return { uid: field('uid'), name: field('name'), updatedAt: field('updatedAt') }
}
