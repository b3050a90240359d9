import { readFileSync } from 'node:fs'

/** One step of the README quick start, in document order. */
export type QuickstartStep =
  | { readonly kind: 'file'; readonly name: string; readonly content: string }
  | { readonly kind: 'command'; readonly line: string; readonly expected: string | undefined }

/**
 * Reads the quick start of README.md: the text between `<!-- quickstart:begin -->` and `<!-- quickstart:end -->`.
 * A ```` ```json title="<name>" ```` block is a file to create; in a ```` ```console ```` block each `$ ` line is a
 * command and the lines after it, up to the next `$ ` line, are its expected output (none: not compared).
 */
export function readQuickstart(readmePath: string): QuickstartStep[] {
  const text = readFileSync(readmePath, 'utf8')
  const begin = text.indexOf('<!-- quickstart:begin -->')
  const end = text.indexOf('<!-- quickstart:end -->')
  if (begin === -1 || end < begin) throw new Error(`${readmePath} has no quickstart:begin/end markers`)
  const section = text.slice(begin, end)
  const steps: QuickstartStep[] = []
  for (const block of section.matchAll(/^```(\w+)([^\n]*)\n([\s\S]*?)^```$/gm)) {
    const [, lang, info, body = ''] = block
    if (lang === 'json') {
      const title = /title="([^"]+)"/.exec(info ?? '')?.[1]
      if (title !== undefined) steps.push({ kind: 'file', name: title, content: body })
      continue
    }
    if (lang !== 'console') continue
    let current: { line: string; output: string[] } | undefined
    const flush = () => {
      if (current === undefined) return
      steps.push({ kind: 'command', line: current.line, expected: current.output.length === 0 ? undefined : `${current.output.join('\n')}\n` })
    }
    for (const line of body.replace(/\n$/, '').split('\n')) {
      if (line.startsWith('$ ')) {
        flush()
        current = { line: line.slice(2), output: [] }
      } else if (current === undefined) {
        throw new Error(`console block output before any command: ${line}`)
      } else {
        current.output.push(line)
      }
    }
    flush()
  }
  return steps
}
