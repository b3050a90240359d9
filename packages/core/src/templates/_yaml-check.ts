import { isScalar, LineCounter, parseAllDocuments, visit, type Document } from 'yaml'

/**
 * The first error of `text` read as a YAML stream (TPL-4 step 5), on one line, or `undefined` when it parses.
 *
 * Duplicate mapping keys count as errors, as with the `yaml` package defaults, but are found here in linear
 * time: the package's own check compares every key with every earlier one, which takes tens of seconds on a
 * 1 MiB template with one big map and would stall the event loop for every node.
 */
export function firstYamlError(text: string): string | undefined {
  try {
    const lineCounter = new LineCounter()
    const documents = parseAllDocuments(text, { uniqueKeys: false, lineCounter })
    // An empty stream carries its own errors (e.g. a stray directive); otherwise each document has its own.
    const errors = 'empty' in documents ? documents.errors : documents.flatMap((document) => document.errors)
    const error = errors[0]
    // yaml's pretty message continues with the offending source lines; the first line names line and column.
    if (error !== undefined) return (error.message.split('\n')[0] ?? '').replace(/:$/, '')
    for (const document of 'empty' in documents ? [] : documents) {
      const offset = duplicateKeyOffset(document)
      if (offset !== undefined) {
        const { line, col } = lineCounter.linePos(offset)
        return `Map keys must be unique at line ${line}, column ${col}`
      }
    }
    return undefined
  } catch (err) {
    return err instanceof Error ? err.message : String(err)
  }
}

/** Source offset of the first repeated scalar key of any mapping in `document`, if there is one. */
function duplicateKeyOffset(document: Document): number | undefined {
  let offset: number | undefined
  visit(document, {
    Map(_key, map) {
      const seen = new Set<unknown>()
      for (const pair of map.items) {
        if (!isScalar(pair.key)) continue
        if (seen.has(pair.key.value)) {
          offset = pair.key.range?.[0] ?? 0
          return visit.BREAK
        }
        seen.add(pair.key.value)
      }
      return undefined
    },
  })
  return offset
}
