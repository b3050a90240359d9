import { spawn } from 'node:child_process'
import { createInterface } from 'node:readline'

// Issue 16 item 4, SPEC §16 "Every YAML document we emit loads with PyYAML safe_load to the same data": the loader
// cloud-init uses, Debian's python3-yaml, driven as one long-lived process (JSON lines in, JSON lines out) so that
// property tests can check thousands of documents in seconds. `/usr/bin/python3` is Debian's interpreter, whatever
// other python3 is first on PATH (pyenv and virtualenvs carry their own PyYAML).

/** The interpreter whose `yaml` module is Debian's python3-yaml. */
export const DEBIAN_PYTHON = '/usr/bin/python3'

/** What PyYAML made of one document. */
export type PyYamlVerdict =
  | { readonly ok: true }
  /** `error`: PyYAML refused the text; `got`: it loaded, but to other data (its Python `repr`, cut at 400 chars). */
  | { readonly ok: false; readonly error?: string; readonly got?: string }

/** A running PyYAML process. */
export interface PyYamlChecker {
  /**
   * Loads `text` with `yaml.safe_load` (the pure-Python SafeLoader, as cloud-init) and compares the result with
   * `expected`, a JSON value, strictly: same types (an int and a float of equal value count as equal; `true` is
   * not `1`), same strings, same keys. Without `expected`, only that it loads. Requests are answered in order.
   */
  check(text: string, expected?: unknown): Promise<PyYamlVerdict>
  /** Ends the process. */
  close(): Promise<void>
}

const SCRIPT = String.raw`
import json, sys, yaml
def same(a, b):
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return a == b or (a != a and b != b)
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    return type(a) is type(b) and a == b
for line in sys.stdin:
    req = json.loads(line)
    try:
        data = yaml.safe_load(req["text"])
    except Exception as e:
        out = {"ok": False, "error": type(e).__name__ + ": " + str(e)[:400]}
    else:
        out = {"ok": True} if "expected" not in req or same(data, req["expected"]) else {"ok": False, "got": repr(data)[:400]}
    sys.stdout.write(json.dumps(out) + "\n")
    sys.stdout.flush()
`

/**
 * Starts `python3 -c <loader>` with Debian's interpreter. Rejects when it cannot start or has no `yaml` module
 * (install Debian's `python3-yaml`; `.ci/run` does).
 */
export async function startPyYaml(python = DEBIAN_PYTHON): Promise<PyYamlChecker> {
  const child = spawn(python, ['-c', `import yaml\n${SCRIPT}`], { stdio: ['pipe', 'pipe', 'pipe'] })
  const pending: Array<(verdict: PyYamlVerdict) => void> = []
  let stderr = ''
  let failure: Error | undefined
  child.stdin.on('error', () => undefined) // EPIPE after an exit is reported through `exited`
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => void (stderr += chunk))
  const lines = createInterface({ input: child.stdout })
  lines.on('line', (line) => pending.shift()?.(JSON.parse(line) as PyYamlVerdict))
  const exited = new Promise<void>((resolve) => {
    const done = (err?: Error) => {
      failure = new Error(`PyYAML (${python}, Debian python3-yaml) is not running: ${err?.message ?? stderr.trim()}`)
      for (const reject of pending.splice(0)) reject({ ok: false, error: failure.message })
      resolve()
    }
    child.once('error', done)
    child.once('exit', () => done())
  })
  const checker: PyYamlChecker = {
    check(text, expected) {
      if (failure !== undefined) return Promise.reject(failure)
      return new Promise((resolve) => {
        pending.push(resolve)
        child.stdin.write(`${JSON.stringify(expected === undefined ? { text } : { text, expected })}\n`)
      })
    },
    async close() {
      child.stdin.end()
      await exited
    },
  }
  // The first answer proves the interpreter and its yaml module work.
  const probe = await checker.check('a: 1\n', { a: 1 })
  if (!probe.ok) throw new Error(probe.error ?? 'PyYAML did not start')
  return checker
}
