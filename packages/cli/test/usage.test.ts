import type { ArgsDef, CommandDef } from 'citty'
import { describe, expect, it } from 'vitest'
import { examplesOf } from '../src/commands/command.js'
import { createMainCommand, runCli } from '../src/main.js'
import { fakeIo } from './helpers.js'

async function run(argv: string[]) {
  const io = fakeIo()
  const code = await runCli(argv, io)
  return { code, out: io.stdoutText(), err: io.stderrText() }
}

describe('usage (CLI-1, CLI-7)', () => {
  it('prints the top-level usage for --help and exits 0', async () => {
    const { code, out, err } = await run(['--help'])
    expect({ code, err }).toEqual({ code: 0, err: '' })
    expect(out).toMatchInlineSnapshot(`
      "NoCloud cloud-init metadata service for HPC nodes, and a client for its resource API

      USAGE
        metadata-service [OPTIONS] <command>

      OPTIONS
        --server <url>           Service URL (env METADATA_SERVICE_SERVER, else "server:" in
                                 ~/.metadata_service-cli.yaml; default http://localhost:8080)
        -o, --output <format>    json, yaml or table (default: table on a terminal, json otherwise)
        --timeout <duration>     Per-request timeout: seconds, or a duration such as 2m (default 30)
        --token <token>          Bearer token (env METADATA_SERVICE_TOKEN); never printed
        --config <file>          Client config file (YAML: server, output, timeout, token, log-level;
                                 default ~/.metadata_service-cli.yaml)
        -l, --log-level <level>  What to say on stderr: error, warn (default), info (as -v) or debug (also
                                 the headers)
        -v, --verbose            Say which server answered each request, and how (same as -l info)
        --api-version <version>  API version to ask for, e.g. v1 (also spelled --version <v>, as the Go
                                 client does)

      COMMANDS
        serve            Run the metadata service until SIGINT/SIGTERM
        health           Ask the service whether it is healthy; exit 0 only when it says so
        version          Print the version (and the commit and build time when known)
        clusterdefaults  Manage ClusterDefaults resources (/clusterdefaultss)
        group            Manage Group resources (/groups)
        instanceinfo     Manage InstanceInfo resources (/instanceinfos)
        wireguardpeer    Manage WireGuardPeer resources (/wireguardpeers)
        render           Show what a node would receive: its documents, or a template change as a diff
        status           Boot status: which nodes booted, which are stuck or failing, unknown addresses
        seed-url         Show or rotate the per-node seed URLs /n/<token>/ for kernel command lines
        migrate          Check a data dir before switching (--check), or copy a file store into PostgreSQL
        completion       Print a shell completion script for bash, zsh or fish

      Run 'metadata-service <command> --help' for a command's options.

      EXAMPLES
        metadata-service serve --port 8888 --mock-smd
        metadata-service --server http://localhost:8888 group list
        metadata-service group create --spec "$(cat compute.json)" --server http://localhost:8888
      "
    `)
  })

  it('prints usage on stderr and exits 2 without a subcommand', async () => {
    const { code, out, err } = await run([])
    expect({ code, out }).toEqual({ code: 2, out: '' })
    expect(err).toBe((await run(['--help'])).out)
  })

  it('exits 2 for a group command without an action', async () => {
    const { code, err } = await run(['group'])
    expect(code).toBe(2)
    expect(err).toContain('USAGE\n  metadata-service group <command>\n')
    expect(err).toMatch(/^COMMANDS\n {2}list +List Group resources, oldest first\n {2}get +Show one Group\n/m)
  })

  it.each([
    [['bogus'], 'Error: unknown command: bogus', ''],
    [['group', 'frobnicate'], 'Error: unknown command: frobnicate', ' group'],
    [['--bogus', 'group', 'list'], 'Error: unknown flag: --bogus', ' group list'],
    [['group', 'list', '--bogus'], 'Error: unknown flag: --bogus', ' group list'],
    [['group', 'list', 'extra'], 'Error: unexpected argument: extra', ' group list'],
    [['group', 'get'], "Error: group get needs the Group's name or uid, e.g. metadata-service group get compute", ' group get'],
    [['group', 'delete'], "Error: group delete needs the Group's name or uid (several may follow each other)", ' group delete'],
    [['completion', 'tcsh'], 'Error: completion needs a shell: bash, zsh or fish (not "tcsh")', ' completion'],
    [['serve', '--prot', '1'], 'Error: unknown flag: --prot', ' serve'],
    [['serve', '--port', 'x'], 'Error: invalid value for port: must be an integer, got "x" (from flag --port)', ' serve'],
    // Global flags are read before the command is known.
    [['group', 'list', '--server'], 'Error: flag --server requires a value', ''],
    [['serve', '--mock-smd', '--server', 'http://x'], 'Error: unknown flag: --server', ' serve'],
    [['version', '--server', 'http://x'], 'Error: unknown flag: --server', ' version'],
    [['migrate', '--server', 'http://x'], 'Error: unknown flag: --server', ' migrate'],
    [['render', '--group', 'compute'], 'Error: render needs --node <xname>, e.g. --node x1000c0s0b0n0 (or --seed <seed URL>)', ' render'],
  ])('%j → exit 2, %s, and points to that command\'s help', async (argv, message, command) => {
    const { code, out, err } = await run(argv)
    expect({ code, out }).toEqual({ code: 2, out: '' })
    expect(err).toBe(`${message}\nRun 'metadata-service${command} --help' for usage.\n`)
  })

  it('shows help for the named subcommand, with examples, wherever --help is', async () => {
    for (const argv of [['group', 'get', '--help'], ['--help', 'group', 'get'], ['group', 'get', 'x', '-h']]) {
      const { code, out } = await run(argv)
      expect(code).toBe(0)
      expect(out).toContain('USAGE\n  metadata-service group get [OPTIONS] <name|uid>\n')
      expect(out).toContain('EXAMPLES\n  metadata-service group get compute -o yaml\n')
    }
  })

  it('lists every CFG key as a serve flag, except smd_jwt and smd_token', async () => {
    const { out } = await run(['serve', '--help'])
    expect(out).toContain('-p, --port <port>')
    expect(out).toContain('--tokensmith-bootstrap-policy-scopes-hint')
    expect(out).toContain('--no-metrics')
    expect(out).not.toContain('--smd-jwt')
    expect(out).not.toContain('--smd-token')
  })

  it('gives every command a description and examples', async () => {
    const main = createMainCommand({ io: fakeIo(), globals: {}, exitCode: 0 })
    const visit = async (cmd: CommandDef<ArgsDef>, path: string): Promise<string[]> => {
      const meta = (await cmd.meta) as { description?: string }
      const missing = meta.description && examplesOf(cmd).length > 0 ? [] : [path]
      const subs = ((await cmd.subCommands) ?? {}) as Record<string, CommandDef<ArgsDef>>
      const nested = await Promise.all(Object.entries(subs).map(([name, sub]) => visit(sub, `${path} ${name}`)))
      return [...missing, ...nested.flat()]
    }
    expect(await visit(main, 'metadata-service')).toEqual([])
  })
})

describe('help for operators (issue 17)', () => {
  it('fits 100 columns and cites no requirement ids, for every command', async () => {
    const main = createMainCommand({ io: fakeIo(), globals: {}, exitCode: 0 })
    const paths: string[][] = []
    const visit = async (cmd: CommandDef<ArgsDef>, path: string[]) => {
      paths.push(path)
      for (const [name, sub] of Object.entries(((await cmd.subCommands) ?? {}) as Record<string, CommandDef<ArgsDef>>)) {
        await visit(sub, [...path, name])
      }
    }
    await visit(main, [])
    expect(paths.length).toBeGreaterThan(30)
    for (const path of paths) {
      const { code, out } = await run([...path, '--help'])
      expect(code).toBe(0)
      const wide = out.split('\n').filter((line) => line.length > 100)
      expect({ path, wide }).toEqual({ path, wide: [] })
      expect({ path, ids: out.match(/\b[A-Z]{2,5}-\d+[a-z]?\b/g) }).toEqual({ path, ids: null })
    }
  })

  it('drops ids from descriptions that cite them (the serve flags come from the config schema)', async () => {
    const { out } = await run(['serve', '--help'])
    expect(out).toMatch(/--mock-smd +Serve the built-in mock inventory instead of SMD \(env/)
    expect(out).toMatch(/--smd-url <url> +SMD base URL; required unless --mock-smd/)
  })
})

describe('version (CLI-5)', () => {
  it('prints the text for version, --version and -v alone, and JSON or YAML with -o', async () => {
    for (const argv of [['version'], ['--version'], ['-v']]) {
      expect(await run(argv)).toEqual({ code: 0, out: 'metadata-service version 0.1.0\n', err: '' })
    }
    expect(JSON.parse((await run(['-o', 'json', 'version'])).out)).toEqual({ version: '0.1.0' })
    expect((await run(['version', '-o', 'yaml'])).out).toBe('version: 0.1.0\n')
  })
})
