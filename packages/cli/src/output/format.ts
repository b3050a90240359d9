import { stringify as toYaml } from 'yaml'
import type { OutputFormat } from '../config/client.js'

/**
 * Renders one resource or a list of them (CLI-4): `json` with a 2-space indent, `yaml`, or a table with the
 * columns `UID NAME UPDATED`. The result ends with a newline.
 */
export function formatResources(value: unknown, format: OutputFormat): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(value, null, 2)}\n`
    case 'yaml':
      return toYaml(value)
    case 'table':
      return table(Array.isArray(value) ? value : [value])
  }
}

/** What `delete` prints (CLI-4): `<Kind> <uid> deleted` as a table, else the server's answer as json/yaml. */
export function formatDeleted(kind: string, uid: string, answer: unknown, format: OutputFormat): string {
  return format === 'table' ? `${kind} ${uid} deleted\n` : formatResources(answer, format)
}

// --- internal ---

const HEADER = ['UID', 'NAME', 'UPDATED'] as const

function table(items: readonly unknown[]): string {
  const rows = [[...HEADER], ...items.map((item) => {
    const meta = (typeof item === 'object' && item !== null ? (item as { metadata?: unknown }).metadata : undefined) ?? {}
    const field = (name: string) => {
      const v = (meta as Record<string, unknown>)[name]
      return typeof v === 'string' ? v : ''
    }
    return [field('uid'), field('name'), field('updatedAt')]
  })]
  const widths = HEADER.map((_, col) => Math.max(...rows.map((row) => (row[col] ?? '').length)))
  return rows
    .map((row) => row.map((cell, col) => (col === row.length - 1 ? cell : cell.padEnd(widths[col] ?? 0))).join('   ').trimEnd())
    .join('\n')
    .concat('\n')
}
