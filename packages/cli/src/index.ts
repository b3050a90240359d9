// The executable's entry (bin/metadata-service.js imports the bundle of this file). The only place that reads
// `process`: everything below gets a CliIo.
import { readFileSync } from 'node:fs'
import { relaunchWithStartFlags, tuneGarbageCollector } from './gc-tuning.js'
import { runCli } from './main.js'
import type { CliIo } from './io.js'
import { programOf, serves } from './serve-dispatch.js'

const program = programOf(process.argv[1])
// First things the entry does (evaluating the imports above allocates little and opens nothing): a server restarts
// once with what only counts at start and it lacks (V8's young-generation cap, glibc's mmap threshold), then V8
// drops pretenuring before it has made decisions to keep and gets its old-generation growth capped (gc-tuning.ts).
relaunchWithStartFlags(process, serves(process.argv.slice(2), program), (text) => void process.stderr.write(text))
tuneGarbageCollector(process.execArgv)

const io: CliIo = {
  env: process.env,
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
  stdoutIsTty: process.stdout.isTTY === true,
  stdinIsTty: process.stdin.isTTY === true,
  readStdin: async () => {
    const chunks: Buffer[] = []
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer)
    return Buffer.concat(chunks).toString('utf8')
  },
  readFile: (path) => {
    try {
      return readFileSync(path, 'utf8')
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code
      if (code === 'ENOENT' || code === 'ENOTDIR') return undefined
      throw err
    }
  },
  onShutdownSignal: (handler) => {
    const onSignal = (signal: NodeJS.Signals) => handler(signal)
    process.once('SIGINT', onSignal)
    process.once('SIGTERM', onSignal)
    return () => {
      process.off('SIGINT', onSignal)
      process.off('SIGTERM', onSignal)
    }
  },
}

// §16 CLI: one program under three names; `metadata-server` serves without a command, `metadata-client` never does.
process.exitCode = await runCli(process.argv.slice(2), io, program)
