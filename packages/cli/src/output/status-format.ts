import { stringify as toYaml } from 'yaml'
import { BOOT_STATES, type BootCounts, type BootNodeView, type BootReport } from '@metadata-service/core'
import type { OutputFormat } from '../config/client.js'

// `metadata-service status` (BOOT): the /boot-status answer for people (tables) or scripts (json, yaml as given).

/** Renders a `/boot-status` answer; `listed` says which states the node table holds (for its heading). */
export function formatStatusReport(report: BootReport, format: OutputFormat, listed: string): string {
  if (format === 'json') return `${JSON.stringify(report, null, 2)}\n`
  if (format === 'yaml') return toYaml(report, { lineWidth: 0 })
  const sections = [
    `Boot status: record of ${report.replica.hostname || 'the server'} (pid ${report.replica.pid}) since ${report.replica.startedAt}`,
    countsTable('', { all: report.summary }),
    countsTable('GROUP', report.groups),
    `${listed.toUpperCase()}: ${report.matched}${report.nodes.length < report.matched ? ` (first ${report.nodes.length} shown)` : ''}`,
    ...(report.nodes.length === 0 ? [] : [nodesTable(report.nodes)]),
    unknownSection(report),
  ]
  return `${sections.join('\n\n')}\n`
}

/** A table of nodes: xname, state, since, last request and status, address, what it misses. */
export function nodesTable(nodes: readonly BootNodeView[]): string {
  return table(
    ['XNAME', 'STATE', 'SINCE', 'LAST REQUEST', 'STATUS', 'ADDRESS', 'MISSING'],
    nodes.map((n) => [n.xname, n.state, n.stateSince ?? '', n.lastDocument ?? '', n.lastStatus === undefined ? '' : String(n.lastStatus), n.address ?? '', n.missing.join(',')]),
  )
}

/** `1 request`, `2 requests`. */
export function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`
}

/** Aligned columns, two spaces apart, trailing blanks trimmed. */
export function table(head: readonly string[], rows: readonly (readonly string[])[]): string {
  const all = [head, ...rows]
  const widths = head.map((_, col) => Math.max(...all.map((row) => (row[col] ?? '').length)))
  return all.map((row) => row.map((cell, col) => cell.padEnd(widths[col] ?? 0)).join('  ').trimEnd()).join('\n')
}

// --- internal ---

function countsTable(first: string, rows: Readonly<Record<string, BootCounts>>): string {
  const head = [...(first === '' ? [] : [first]), 'NODES', ...BOOT_STATES.map((s) => s.toUpperCase())]
  return table(
    head,
    Object.entries(rows).map(([name, counts]) => [...(first === '' ? [] : [name]), String(counts.nodes), ...BOOT_STATES.map((s) => String(counts[s]))]),
  )
}

function unknownSection(report: BootReport): string {
  const u = report.unknownAddresses
  const head = `UNKNOWN ADDRESSES: ${u.addresses} (${count(u.requests, 'request')}${u.dropped > 0 ? `, ${u.dropped} more dropped: list full at ${u.capacity}` : ''})`
  if (u.entries.length === 0) return head
  return `${head}\n${table(
    ['ADDRESS', 'REQUESTS', 'FIRST SEEN', 'LAST SEEN', 'LAST PATH'],
    u.entries.map((e) => [e.address, String(e.requests), e.firstSeenAt, e.lastSeenAt, e.lastPath]),
  )}`
}
