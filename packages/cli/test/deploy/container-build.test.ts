import { execFile } from 'node:child_process'
import { cp, mkdtemp, readFile, rm, symlink } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

// deploy/Containerfile's build without Docker (none on this machine): the steps that decide what `version` says in
// the image (issue 17). The build context is the repository as .dockerignore filters it, so without .git; the
// commit arrives as the METADATA_SERVICE_COMMIT build argument (an environment variable in the build stage's RUN),
// which the build refuses to go without, and which tsup writes into the bundle.

const exec = promisify(execFile)
const REPO = fileURLToPath(new URL('../../../../', import.meta.url))

let context: string
beforeAll(async () => {
  context = await mkdtemp(join(tmpdir(), 'mds-container-'))
})
afterAll(async () => {
  await rm(context, { recursive: true, force: true })
})

/** A matcher for the .dockerignore patterns this repository uses (names, `**\/name`, `dir/sub`, `*.ext`). */
function dockerIgnore(text: string): (path: string) => boolean {
  const patterns = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((p) => {
      const body = p
        .replace(/^\*\*\//, '')
        .replace(/[.+^${}()|[\]\\]/g, '\\$&')
        .replace(/\*/g, '[^/]*')
      return new RegExp(p.startsWith('**/') ? `(^|/)${body}(/|$)` : `^${body}(/|$)`)
    })
  return (path) => patterns.some((re) => re.test(path))
}

/** The build stage's guard: the first command of its RUN, up to `&& npm ci`. */
async function commitGuard(): Promise<string> {
  const text = await readFile(join(REPO, 'deploy/Containerfile'), 'utf8')
  const run = /^RUN (test -n "\$METADATA_SERVICE_COMMIT"[\s\S]*?)\s*\\\n && npm ci /m.exec(text)
  expect(run, 'the build stage starts its RUN with the commit guard').not.toBeNull()
  return (run?.[1] as string).replace(/\\\n/g, ' ')
}

describe('deploy/Containerfile build, outside Docker', () => {
  it('refuses to build without METADATA_SERVICE_COMMIT, saying how to pass it', async () => {
    const guard = await commitGuard()
    const without = await exec('sh', ['-c', guard], { env: { PATH: process.env.PATH } }).catch((err: { code: number; stderr: string }) => err)
    expect(without).toMatchObject({ code: 1, stderr: 'pass the commit: --build-arg METADATA_SERVICE_COMMIT="$(git rev-parse --short HEAD)"\n' })
    await expect(exec('sh', ['-c', guard], { env: { PATH: process.env.PATH, METADATA_SERVICE_COMMIT: 'abc1234' } })).resolves.toBeDefined()
  })

  it('builds, from the context .dockerignore leaves (no .git), an executable whose version names the given commit', async () => {
    const ignored = dockerIgnore(await readFile(join(REPO, '.dockerignore'), 'utf8'))
    await cp(REPO, context, { recursive: true, filter: (source) => !ignored(relative(REPO, source)) })
    // What `npm ci` would install: this checkout's node_modules.
    await symlink(join(REPO, 'node_modules'), join(context, 'node_modules'))
    await expect(exec('git', ['rev-parse', 'HEAD'], { cwd: context })).rejects.toThrow()

    const cli = join(context, 'packages/cli')
    await exec(process.execPath, [join(REPO, 'node_modules/tsup/dist/cli-default.js')], {
      cwd: cli,
      env: { PATH: process.env.PATH, METADATA_SERVICE_COMMIT: 'abc1234' },
      timeout: 180_000,
    })
    const { stdout } = await exec(process.execPath, [join(cli, 'bin/metadata-service.js'), 'version'])
    expect(stdout).toMatch(/^metadata-service version \d+\.\d+\.\d+\n {2}commit: abc1234\n {2}built: {2}\d{4}-/)
  }, 240_000)
})
