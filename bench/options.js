// Command-line options of `npm run bench` (see bench/README.md).
import { parseArgs } from 'node:util'

export const USAGE = `Usage: npm run bench -- [options]

  --nodes <n>                 nodes in the fake SMD (default 10000)
  --runs <n>                  measured runs per target and mode (default 3; medians are reported)
  --duration <s>              seconds per run (default 10)
  --warmup <s>                unmeasured seconds per target and mode first (default 3)
  --connections <n>           wrk connections (default 64)
  --threads <n>               wrk threads (default 1)
  --modes <list>              close,keepalive (default both; close = a new connection per request)
  --rate <req/s>              pace the storm to about this many requests per second in total (default 0 =
                              as fast as possible); p99 then means latency at that load, not under saturation
  --cache <mode>              prerendered (default): before each measured server run, change the store (which
                              empties the document cache) and wait until the server has pre-rendered every
                              document again, as it does between a change and a storm; cold: the same change,
                              then storm at once (the storm races the pre-render); warm: no change between runs
  --workers <n>               serve --workers (default 1: one process)
  --loggers <list>            pino (default: the service as built), plus any of pino-async (pino with its own
                              asynchronous destination) and handwritten (the logger pino replaced): each is a
                              copy of the server with that logger, stormed against the same baseline in the
                              same run
  --timeout <s>               wrk per-request timeout; later answers count as timeouts (default 5)
  --spin-ladder <µs list>     also storm bare node:http servers that first keep the CPU busy for each of these µs
                              per request (e.g. 20,40,60), and report what added work per request our
                              throughput matches ("ours ≈ bare + N µs")
  --profile                   run the server under node --cpu-prof and summarise the top frames
  --log-level <level>         server --log-level (default: the server's own, info = one line per request)
  --server-arg <flag>         extra serve flag, repeatable (e.g. --server-arg=--log-level=warn)
  --node-arg <flag>           extra flag for the server's node, repeatable (e.g. --node-arg=--max-old-space-size=320)
  --overload                  only the overload phase (OPS-3): paced storm at --overload-factor × capacity
  --overload-factor <x>       offered load as a multiple of the measured capacity (default 2)
  --overload-connections <n>  wrk connections in the overload phase (default 1000)
  --overload-duration <s>     seconds of overload (default 30)
  --max-inflight <n>          server --max-inflight in the overload phase (default 16)
  --hostile-template          only the hostile-template phase (issue 16): the other nodes' p99 while group blue holds
                              the nested-section bomb over 200 keys and its nodes ask for it, against the same
                              storm with a harmless template (SPEC §16: within 2×)
  --mock                      serve --mock-smd (3 built-in nodes, no fake SMD): HTTP-stack figures only
  --sync-storm                also storm a second server that re-syncs every --sync-storm-interval s
  --sync-storm-interval <s>   (default 5)
  --wait-idle <pct>           before each run pair, wait until the machine is this % idle (default 0 = never)
  --wait-idle-max <s>         longest wait per pair (default 120)
  --pin                       run server, baseline and nginx on CPUs 0…n-2 and wrk on the last CPU (taskset), as
                              issue 19 measured; other load on the machine is not kept off those CPUs
  --keep                      keep the temp directory (data, server log, profile)
  --quick                     smoke test: 1000 nodes, 1 run of 3 s, 1 s warm-up
  -h, --help`

/**
 * @typedef {object} BenchOptions
 * @property {number} nodes
 * @property {number} runs
 * @property {number} durationS
 * @property {number} warmupS
 * @property {number} connections
 * @property {number} threads
 * @property {('close' | 'keepalive')[]} modes
 * @property {number} timeoutS
 * @property {'prerendered' | 'cold' | 'warm'} cache
 * @property {number} workers
 * @property {('pino' | 'pino-async' | 'handwritten')[]} loggers
 * @property {number} rate
 * @property {number[]} spinLadder  µs of busy CPU per request of each extra bare server; empty = none
 * @property {boolean} profile
 * @property {string | undefined} logLevel
 * @property {string[]} serverArgs
 * @property {string[]} nodeArgs
 * @property {boolean} overload
 * @property {number} overloadFactor
 * @property {number} overloadConnections
 * @property {number} overloadDurationS
 * @property {number} maxInflight
 * @property {boolean} hostileTemplate
 * @property {boolean} mock
 * @property {boolean} syncStorm
 * @property {number} syncStormIntervalS
 * @property {number} waitIdlePct
 * @property {number} waitIdleMaxS
 * @property {boolean} pin
 * @property {boolean} keep
 * @property {boolean} help
 */

/**
 * Parses argv (without node and script). Throws with a message naming the bad option.
 * @param {string[]} argv
 * @returns {BenchOptions}
 */
export function parseOptions(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      nodes: { type: 'string' },
      runs: { type: 'string', default: '3' },
      duration: { type: 'string' },
      warmup: { type: 'string' },
      connections: { type: 'string', default: '64' },
      threads: { type: 'string', default: '1' },
      modes: { type: 'string', default: 'close,keepalive' },
      timeout: { type: 'string', default: '5' },
      cache: { type: 'string', default: 'prerendered' },
      workers: { type: 'string', default: '1' },
      loggers: { type: 'string', default: 'pino' },
      rate: { type: 'string', default: '0' },
      'spin-ladder': { type: 'string', default: '' },
      profile: { type: 'boolean', default: false },
      'log-level': { type: 'string' },
      'server-arg': { type: 'string', multiple: true, default: [] },
      'node-arg': { type: 'string', multiple: true, default: [] },
      overload: { type: 'boolean', default: false },
      'overload-factor': { type: 'string', default: '2' },
      'overload-connections': { type: 'string', default: '1000' },
      'overload-duration': { type: 'string', default: '30' },
      'max-inflight': { type: 'string', default: '16' },
      'hostile-template': { type: 'boolean', default: false },
      mock: { type: 'boolean', default: false },
      'sync-storm': { type: 'boolean', default: false },
      'sync-storm-interval': { type: 'string', default: '5' },
      'wait-idle': { type: 'string', default: '0' },
      'wait-idle-max': { type: 'string', default: '120' },
      pin: { type: 'boolean', default: false },
      keep: { type: 'boolean', default: false },
      quick: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  })
  const num = (name, raw, min) => {
    const n = Number(raw)
    if (!Number.isFinite(n) || n < min) throw new Error(`--${name} must be a number ≥ ${min}, got ${JSON.stringify(raw)}`)
    return n
  }
  const quick = values.quick
  const modes = values.modes.split(',').map((m) => m.trim())
  for (const m of modes) if (m !== 'close' && m !== 'keepalive') throw new Error(`--modes accepts close and keepalive, got ${JSON.stringify(m)}`)
  const loggers = values.loggers.split(',').map((l) => l.trim())
  if (loggers[0] !== 'pino' || loggers.some((l) => !['pino', 'pino-async', 'handwritten'].includes(l))) {
    throw new Error(`--loggers starts with pino, then any of pino-async and handwritten; got ${JSON.stringify(values.loggers)}`)
  }
  if (!['prerendered', 'cold', 'warm'].includes(values.cache)) {
    throw new Error(`--cache accepts prerendered, cold and warm, got ${JSON.stringify(values.cache)}`)
  }
  if (values.mock && values['sync-storm']) throw new Error('--sync-storm needs the fake SMD; drop --mock')
  if (values.mock && values['hostile-template']) throw new Error('--hostile-template needs the fake SMD; drop --mock')
  return {
    nodes: num('nodes', values.nodes ?? (quick ? '1000' : '10000'), 4),
    runs: num('runs', quick ? '1' : values.runs, 1),
    durationS: num('duration', values.duration ?? (quick ? '3' : '10'), 1),
    warmupS: num('warmup', values.warmup ?? (quick ? '1' : '3'), 0),
    connections: num('connections', values.connections, 1),
    threads: num('threads', values.threads, 1),
    modes: /** @type {('close' | 'keepalive')[]} */ (modes),
    timeoutS: num('timeout', values.timeout, 1),
    cache: /** @type {'prerendered' | 'cold' | 'warm'} */ (values.cache),
    workers: num('workers', values.workers, 1),
    loggers: /** @type {('pino' | 'pino-async' | 'handwritten')[]} */ (loggers),
    rate: num('rate', values.rate, 0),
    spinLadder: values['spin-ladder'] === '' ? [] : values['spin-ladder'].split(',').map((v) => num('spin-ladder', v.trim(), 1)),
    profile: values.profile,
    logLevel: values['log-level'],
    serverArgs: values['server-arg'],
    nodeArgs: values['node-arg'],
    overload: values.overload,
    overloadFactor: num('overload-factor', values['overload-factor'], 0.1),
    overloadConnections: num('overload-connections', values['overload-connections'], 1),
    overloadDurationS: num('overload-duration', quick ? '5' : values['overload-duration'], 1),
    maxInflight: num('max-inflight', values['max-inflight'], 1),
    hostileTemplate: values['hostile-template'],
    mock: values.mock,
    syncStorm: values['sync-storm'],
    syncStormIntervalS: num('sync-storm-interval', values['sync-storm-interval'], 1),
    waitIdlePct: num('wait-idle', values['wait-idle'], 0),
    waitIdleMaxS: num('wait-idle-max', values['wait-idle-max'], 0),
    pin: values.pin,
    keep: values.keep,
    help: values.help,
  }
}
