// `npm test` runs this first: the suite drives real components (WireGuard devices in network namespaces, cloud-init,
// Chromium, PostgreSQL, systemd-analyze) and needs root, the Debian packages `.ci/run` installs, /dev/net/tun and
// `ip netns`. When anything is missing it prints one message listing all of it with the command that installs it,
// and exits 1, instead of letting tests fail three files deep. The package list is read from `.ci/run`, its one home.
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync, statSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const CI_RUN = fileURLToPath(new URL('run', import.meta.url))

/**
 * The `APT_PACKAGES=(…)` array of a `.ci/run` text.
 * @param {string} text
 * @returns {string[]}
 */
export function aptPackages(text) {
  const match = /^APT_PACKAGES=\(([^)]*)\)$/m.exec(text)
  if (match === null) throw new Error(`${CI_RUN} has no APT_PACKAGES=(…) line`)
  return match[1].trim().split(/\s+/)
}

/**
 * @typedef {object} Probe  what the machine has
 * @property {() => boolean} isRoot
 * @property {(packages: string[]) => string[] | undefined} missingPackages  undefined when dpkg is absent (not Debian)
 * @property {() => boolean} hasTun            /dev/net/tun is a character device
 * @property {() => string | undefined} netnsProblem  why `ip netns add` failed, or undefined when it works
 */

/**
 * Everything missing, as lines of the message (empty when nothing is).
 * @param {string[]} packages  `.ci/run`'s list
 * @param {Probe} probe
 * @returns {{ problems: string[], install: string[] }}
 */
export function missingPrerequisites(packages, probe) {
  const problems = []
  const root = probe.isRoot()
  if (!root) problems.push('root: the WireGuard, network-namespace and PostgreSQL tests run as root')
  const absent = probe.missingPackages(packages)
  if (absent === undefined) problems.push(`Debian packages (dpkg not found; this suite runs on Debian 12): ${packages.join(' ')}`)
  else if (absent.length > 0) problems.push(`Debian packages: ${absent.join(' ')}`)
  if (!probe.hasTun()) problems.push('/dev/net/tun (wireguard-go creates its device there; in a container: --device /dev/net/tun)')
  // Only root may create a namespace: without root the first line already says what to do.
  const netns = root ? probe.netnsProblem() : undefined
  if (netns !== undefined) problems.push(`network namespaces: \`ip netns add\` failed (${netns}); in a container: --privileged`)
  return { problems, install: absent ?? packages }
}

/**
 * The one message for `problems` (undefined when there are none).
 * @param {{ problems: string[], install: string[] }} missing
 * @returns {string | undefined}
 */
export function prerequisiteMessage(missing) {
  if (missing.problems.length === 0) return undefined
  const lines = ['npm test cannot run here; this machine lacks:', ...missing.problems.map((p) => `  - ${p}`)]
  const ciRun = '.ci/run as root on Debian 12: it installs everything and runs the whole suite.'
  if (missing.install.length > 0) {
    lines.push('Install the packages (as root):', `  apt-get install -y --no-install-recommends ${missing.install.join(' ')}`, `or run ${ciRun}`)
  } else lines.push(`Run ${ciRun}`)
  return `${lines.join('\n')}\n`
}

/** @type {Probe} */
const machine = {
  isRoot: () => process.getuid?.() === 0,
  missingPackages(packages) {
    let out
    try {
      out = execFileSync('dpkg-query', ['-W', '-f', '${Package} ${db:Status-Status}\\n', ...packages], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
    } catch (err) {
      if (err.code === 'ENOENT') return undefined
      out = String(err.stdout ?? '') // exits 1 when some package is unknown; the known ones are still listed
    }
    const installed = new Set(out.split('\n').filter((l) => l.endsWith(' installed')).map((l) => l.split(' ')[0]))
    return packages.filter((p) => !installed.has(p))
  },
  hasTun: () => existsSync('/dev/net/tun') && statSync('/dev/net/tun').isCharacterDevice(),
  netnsProblem() {
    const name = `mds-precheck-${process.pid}`
    try {
      execFileSync('ip', ['netns', 'add', name], { stdio: ['ignore', 'ignore', 'pipe'] })
      execFileSync('ip', ['netns', 'delete', name], { stdio: 'ignore' })
      return undefined
    } catch (err) {
      return String(err.stderr ?? err.message).trim() || err.message
    }
  },
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const message = prerequisiteMessage(missingPrerequisites(aptPackages(readFileSync(CI_RUN, 'utf8')), machine))
  if (message !== undefined) {
    process.stderr.write(message)
    process.exitCode = 1
  }
}
