import { execFileSync } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli } from '../src/main.js'
import { fakeIo } from './helpers.js'

// `completion bash|zsh|fish` (issue 17): scripts generated from the command tree, loaded by the real shells
// (bash, zsh and fish are Debian packages in .ci/run) and asked to complete partial command lines.

let dir: string
const scripts: Record<string, string> = {}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mds-completion-'))
  await writeFile(join(dir, 'compute.json'), '{}')
  for (const shell of ['bash', 'zsh', 'fish']) {
    const io = fakeIo()
    expect(await runCli(['completion', shell], io)).toBe(0)
    scripts[shell] = join(dir, `completion.${shell}`)
    await writeFile(scripts[shell] as string, io.stdoutText())
  }
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

/** The words bash offers for `line` (the cursor at its end), through the generated function and COMP_WORDS. */
function bashComplete(line: string): string[] {
  const words = line.split(' ')
  const script = [
    `source ${JSON.stringify(scripts.bash)}`,
    `COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')})`,
    `COMP_CWORD=${words.length - 1}`,
    `"$(complete -p metadata-service | sed -E 's/.* -F ([^ ]+) .*/\\1/')"`,
    'printf "%s\\n" "${COMPREPLY[@]}"',
  ].join('\n')
  return execFileSync('bash', ['--norc', '-c', script], { cwd: dir, encoding: 'utf8' }).split('\n').filter(Boolean)
}

/** The same through zsh, with compadd and _describe standing in for the completion system's output. */
function zshComplete(line: string): string[] {
  const words = line.split(' ')
  const script = [
    `source ${JSON.stringify(scripts.zsh)}`,
    'compadd() { [[ $1 == -- ]] && shift; print -l -- "$@" }',
    '_describe() { local -a described; described=("${(@P)4}"); print -l -- "${described[@]%%:*}" }',
    `words=(${words.map((w) => `'${w}'`).join(' ')})`,
    `CURRENT=${words.length}`,
    `PREFIX='${words.at(-1)}'`,
    '_metadata_service',
  ].join('\n')
  const prefix = words.at(-1) as string
  return execFileSync('zsh', ['-f', '-c', script], { cwd: dir, encoding: 'utf8' })
    .split('\n')
    .filter((w) => w !== '' && w.startsWith(prefix))
}

/** fish's own `complete -C`, with the generated script sourced. */
function fishComplete(line: string): string[] {
  const script = `source ${JSON.stringify(scripts.fish)}; complete -C ${JSON.stringify(line)}`
  return execFileSync('fish', ['--no-config', '-c', script], { cwd: dir, encoding: 'utf8' })
    .split('\n')
    .filter(Boolean)
    .map((l) => l.split('\t')[0] as string)
}

const CASES: [string, string[]][] = [
  ['metadata-service gr', ['group']],
  ['metadata-service c', ['clusterdefaults', 'completion']],
  ['metadata-service group ', ['list', 'get', 'create', 'update', 'patch', 'delete']],
  ['metadata-service --server http://localhost:8888 group g', ['get']],
  ['metadata-service group patch compute --a', ['--add', '--api-version']],
  ['metadata-service group list -o ', ['json', 'yaml', 'table']],
  ['metadata-service serve --mock', ['--mock-smd']],
  ['metadata-service completion ', []],
]

describe('bash', () => {
  it('registers a completion function for the three program names', () => {
    const out = execFileSync('bash', ['--norc', '-c', `source ${JSON.stringify(scripts.bash)}; complete -p`], { encoding: 'utf8' })
    for (const name of ['metadata-service', 'metadata-server', 'metadata-client']) {
      expect(out).toMatch(new RegExp(`^complete -F _metadata_service ${name}$`, 'm'))
    }
  })

  it.each(CASES)('%j → %j', (line, expected) => {
    expect(bashComplete(line).sort()).toEqual([...expected].sort())
  })

  it('completes file names after --spec @ and --config', () => {
    expect(bashComplete('metadata-service group create --spec @compu')).toEqual(['@compute.json'])
    expect(bashComplete('metadata-service group list --config compu')).toEqual(['compute.json'])
  })
})

describe('zsh', () => {
  it.each(CASES)('%j → %j', (line, expected) => {
    expect(zshComplete(line).sort()).toEqual([...expected].sort())
  })
})

describe('fish', () => {
  it.each(CASES)('%j → %j', (line, expected) => {
    expect(fishComplete(line).sort()).toEqual([...expected].sort())
  })

  it('shows each command with its description', () => {
    const out = execFileSync('fish', ['--no-config', '-c', `source ${JSON.stringify(scripts.fish)}; complete -C 'metadata-service he'`], {
      encoding: 'utf8',
    })
    expect(out).toBe('health\tAsk the service whether it is healthy; exit 0 only when it says so\n')
  })
})

describe('generated from the command tree', () => {
  it('offers every command the CLI has, with no hand-kept list to forget', async () => {
    const io = fakeIo()
    await runCli(['--help'], io)
    const commands = /COMMANDS\n([\s\S]*?)\n\n/.exec(io.stdoutText())?.[1]?.split('\n').map((l) => l.trim().split(/\s+/)[0]) ?? []
    expect(commands.length).toBeGreaterThan(8)
    expect(bashComplete('metadata-service ').sort()).toEqual([...commands].sort())
  })
})
