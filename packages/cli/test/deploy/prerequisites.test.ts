import { execFile } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'

// `npm test` on a fresh machine (issue 17): .ci/check-prerequisites.js runs first and, when root, a Debian package
// of .ci/run's list, /dev/net/tun or `ip netns` is missing, prints one message naming all of it with the command
// that installs it, instead of tests failing three files deep.

const exec = promisify(execFile)
const CHECK = fileURLToPath(new URL('../../../../.ci/check-prerequisites.js', import.meta.url))
const CI_RUN = fileURLToPath(new URL('../../../../.ci/run', import.meta.url))

interface Probe {
  isRoot(): boolean
  missingPackages(packages: string[]): string[] | undefined
  hasTun(): boolean
  netnsProblem(): string | undefined
}
interface CheckModule {
  aptPackages(text: string): string[]
  missingPrerequisites(packages: string[], probe: Probe): { problems: string[]; install: string[] }
  prerequisiteMessage(missing: { problems: string[]; install: string[] }): string | undefined
}
const load = async () => (await import(pathToFileURL(CHECK).href)) as CheckModule

/** APT_PACKAGES as bash itself reads it from .ci/run. */
async function packagesByBash(): Promise<string[]> {
  const { stdout } = await exec('bash', ['-c', `eval "$(grep '^APT_PACKAGES=' "$1")"; printf '%s\\n' "\${APT_PACKAGES[@]}"`, 'bash', CI_RUN])
  return stdout.trim().split('\n')
}

const fine: Probe = { isRoot: () => true, missingPackages: () => [], hasTun: () => true, netnsProblem: () => undefined }

describe('npm test prerequisites (.ci/check-prerequisites.js)', () => {
  it('reads the package list from .ci/run, its one home', async () => {
    const { aptPackages } = await load()
    const packages = aptPackages(await readFile(CI_RUN, 'utf8'))
    expect(packages).toEqual(await packagesByBash())
    expect(packages).toEqual(expect.arrayContaining(['wireguard-go', 'chromium', 'cloud-init', 'postgresql', 'systemd']))
  })

  it('says nothing when everything is there', async () => {
    const { missingPrerequisites, prerequisiteMessage } = await load()
    expect(prerequisiteMessage(missingPrerequisites(['curl'], fine))).toBeUndefined()
  })

  it('lists everything missing in one message, with the command that installs the packages', async () => {
    const { missingPrerequisites, prerequisiteMessage } = await load()
    const asked: string[][] = []
    const probe: Probe = {
      isRoot: () => true,
      missingPackages: (packages) => (asked.push(packages), packages.filter((p) => p === 'chromium' || p === 'wireguard-go')),
      hasTun: () => false,
      netnsProblem: () => 'mount --make-shared /run/netns failed: Operation not permitted',
    }
    const packages = await packagesByBash()
    expect(prerequisiteMessage(missingPrerequisites(packages, probe))).toBe(
      [
        'npm test cannot run here; this machine lacks:',
        '  - Debian packages: wireguard-go chromium',
        '  - /dev/net/tun (wireguard-go creates its device there; in a container: --device /dev/net/tun)',
        '  - network namespaces: `ip netns add` failed (mount --make-shared /run/netns failed: Operation not permitted); in a container: --privileged',
        'Install the packages (as root):',
        '  apt-get install -y --no-install-recommends wireguard-go chromium',
        'or run .ci/run as root on Debian 12: it installs everything and runs the whole suite.',
        '',
      ].join('\n'),
    )
    expect(asked).toEqual([packages])
  })

  it('on a machine without dpkg, names every package of .ci/run', async () => {
    const { missingPrerequisites, prerequisiteMessage } = await load()
    const packages = await packagesByBash()
    const message = prerequisiteMessage(missingPrerequisites(packages, { ...fine, missingPackages: () => undefined })) ?? ''
    expect(message).toContain(`  - Debian packages (dpkg not found; this suite runs on Debian 12): ${packages.join(' ')}\n`)
    expect(message).toContain(`  apt-get install -y --no-install-recommends ${packages.join(' ')}\n`)
  })

  it('run by a user who is not root: exit 1 and the one message on stderr', async () => {
    const run = exec('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, CHECK])
    const failed = (await run.then(
      () => undefined,
      (err: unknown) => err,
    )) as { code: number; stdout: string; stderr: string } | undefined
    expect(failed?.code).toBe(1)
    expect(failed?.stdout).toBe('')
    expect(failed?.stderr).toBe(
      [
        'npm test cannot run here; this machine lacks:',
        '  - root: the WireGuard, network-namespace and PostgreSQL tests run as root',
        'Run .ci/run as root on Debian 12: it installs everything and runs the whole suite.',
        '',
      ].join('\n'),
    )
  })

  it('passes silently on this machine, which runs the suite', async () => {
    expect(await exec(process.execPath, [CHECK])).toEqual({ stdout: '', stderr: '' })
  })
})
