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
      "NoCloud cloud-init metadata service for HPC nodes, and a client for its resource API (metadata-service)

      USAGE metadata-service [OPTIONS] serve|health|version|clusterdefaults|group|instanceinfo|wireguardpeer|render|status|migrate

      OPTIONS

               --server=<url>    Service URL (env METADATA_SERVICE_SERVER; default http://localhost:8080)
        -o, --output=<format>    Output format: json, yaml or table (default table)
          --timeout=<seconds>    Request timeout in seconds (default 30)
              --token=<token>    Bearer token (env METADATA_SERVICE_TOKEN); never printed

      COMMANDS

                  serve    Run the metadata service until SIGINT/SIGTERM
                 health    Print the service's /health answer; exit 0 only when it is 200
                version    Print the version (and the commit and build time when known)
        clusterdefaults    Manage ClusterDefaults resources (/clusterdefaultss)
                  group    Manage Group resources (/groups)
           instanceinfo    Manage InstanceInfo resources (/instanceinfos)
          wireguardpeer    Manage WireGuardPeer resources (/wireguardpeers)
                 render    Preview what a node receives (admin): its documents, or a group template change as a diff
                 status    Boot status: which nodes booted, which are stuck or failing, unknown addresses
                migrate    Copy a file store (data_dir) into PostgreSQL; running it again changes nothing

      Use metadata-service <command> --help for more information about a command.

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
    expect(err).toContain('USAGE metadata-service group list|get|create|update|patch|delete')
  })

  it.each([
    [['bogus'], 'Error: unknown command: bogus', ''],
    [['group', 'frobnicate'], 'Error: unknown command: frobnicate', ' group'],
    [['--bogus', 'group', 'list'], 'Error: unknown flag: --bogus', ' group list'],
    [['group', 'list', '--bogus'], 'Error: unknown flag: --bogus', ' group list'],
    [['group', 'list', 'extra'], 'Error: unexpected argument: extra', ' group list'],
    [['group', 'get'], 'Error: Missing required positional argument: UID', ' group get'],
    [['serve', '--prot', '1'], 'Error: unknown flag: --prot', ' serve'],
    [['serve', '--port', 'x'], 'Error: invalid value for port: must be an integer, got "x" (from flag --port)', ' serve'],
    // Global flags are read before the command is known.
    [['group', 'list', '--server'], 'Error: flag --server requires a value', ''],
    [['serve', '--mock-smd', '--server', 'http://x'], 'Error: unknown flag: --server', ' serve'],
    [['-o', 'json', 'version'], 'Error: unknown flag: --output', ' version'],
    [['render', '--group', 'compute'], 'Error: render needs --node <xname>, e.g. --node x1000c0s0b0n0', ' render'],
  ])('%j → exit 2, %s, and points to that command\'s help', async (argv, message, command) => {
    const { code, out, err } = await run(argv)
    expect({ code, out }).toEqual({ code: 2, out: '' })
    expect(err).toBe(`${message}\nRun 'metadata-service${command} --help' for usage.\n`)
  })

  it('shows help for the named subcommand, with examples, wherever --help is', async () => {
    for (const argv of [['group', 'get', '--help'], ['--help', 'group', 'get'], ['group', 'get', 'x', '-h']]) {
      const { code, out } = await run(argv)
      expect(code).toBe(0)
      expect(out).toContain('USAGE metadata-service group get [OPTIONS] <UID>')
      expect(out).toContain('EXAMPLES\n\n  metadata-service group get group-0123abcd -o yaml\n')
    }
  })

  it('lists every CFG key as a serve flag, except smd_jwt and smd_token', async () => {
    const { out } = await run(['serve', '--help'])
    expect(out).toContain('-p, --port=<port>')
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
