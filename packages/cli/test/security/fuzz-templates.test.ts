import fc from 'fast-check'
import { controlCharacterIn } from '@metadata-service/core'
import { fuzzParameters, hostileString, startPyYaml, type PyYamlChecker } from '@metadata-service/core/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { expectJsonRefusal, expectSane, guardStore, send, startFuzzServer, type FuzzServer, type StoreGuard } from './_fuzz-server.js'

// Issue 16 fuzz suite, the template engines: template sources through Group create (TPL-4: created, or refused
// with a 400 that stores nothing), and templates that were accepted rendered for a member node over hostile
// metaData (no 5xx, a bounded document that PyYAML reads). One entry per server-side engine.

/** A server-side template engine as the fuzz suite drives it. */
interface TemplateEngine {
  readonly name: string
  /** Pieces of its syntax, recombined at random. */
  readonly tokens: readonly string[]
  /** Well-formed lines printing `name` (a context key or a metaData key), for templates that validate. */
  readonly line: (key: string, name: string) => string
  /** A list section printing each item of `list`. */
  readonly each: (key: string, list: string) => string
}

// The Django/Pongo2 engine of issue 13 adds its entry here.
const ENGINES: readonly TemplateEngine[] = [
  {
    name: 'mustache',
    tokens: [
      '{{', '}}', '{{{', '}}}', '{{#', '{{/', '{{^', '{{>', '{{&', '{{!', '{{=', '=}}', '<% %>', '{%', '%}', '#cloud-config\n',
      '## template: jinja\n', 'hostname', 'vendor_data.groups.x', 'ds.', 'meta_data.instance-id', '.', ' ', '\n', ':', '- ',
      '[', ']', '"', "'", '\t', 'interfaces', 'name', 'x', '\u0000', '\ud83d\ude00',
    ],
    line: (key, name) => `${key}: "{{${name}}}"\n`,
    each: (key, list) => `${key}:\n{{#${list}}}\n  - "{{.}}"\n{{/${list}}}\n`,
  },
  {
    // SPEC §16 TPL-1/TPL-2: the Go service's Django syntax, marked so the engine rule never has to guess.
    name: 'pongo2',
    tokens: [
      '{# engine: pongo2 #}\n', '{{', '}}', '{%', '%}', '{#', '#}', ' if ', ' elif ', ' else ', ' endif ', ' for ', ' in ', ' endfor ',
      ' empty ', '|', ':', '"', "'", 'default', 'upper', 'join', 'length', 'forloop.Counter', 'hostname', 'vendor_data.groups',
      'public_keys', ' and ', ' or ', ' not ', '==', ',', '#cloud-config\n', '\n', ' ', '-', 'include', 'extends', '\u0000', '\ud83d\ude00',
    ],
    line: (key, name) => `${key}: "{{ ${name}|default:"" }}"\n`,
    each: (key, list) => `${key}:\n{% for item in ${list} %}  - "{{ item }}"\n{% endfor %}`,
  },
]

const N0 = { 'X-Forwarded-For': '10.252.0.26' } // from loopback, a trusted proxy (ID-2)
const RUNS = 150
const TIMEOUT_MS = 180_000
const JSON_HEADERS = { 'Content-Type': 'application/json' }

let server: FuzzServer
let store: StoreGuard
let pyyaml: PyYamlChecker
let computeUid: string
let cases = 0

beforeAll(async () => {
  server = await startFuzzServer()
  pyyaml = await startPyYaml()
  const created = await send(server.port, 'POST', '/groups', { headers: JSON_HEADERS, body: JSON.stringify({ metadata: { name: 'compute' }, spec: {} }) })
  expect(created.status).toBe(201)
  computeUid = (JSON.parse(created.body) as { metadata: { uid: string } }).metadata.uid
  store = await guardStore(server)
})
afterAll(async () => {
  await pyyaml?.close()
  await server?.close()
  process.stdout.write(`template fuzz cases run: ${cases}\n`)
})

/** Sends a Group write; a refusal must be a TPL-4/RES-9 JSON 400 that changes nothing. True when accepted. */
async function write(method: string, path: string, spec: object, context: unknown, name: string): Promise<boolean> {
  cases++
  const answer = await send(server.port, method, path, { headers: JSON_HEADERS, body: JSON.stringify({ metadata: { name }, spec }) })
  expectSane(answer, context)
  if (answer.status >= 400) {
    expect({ context, error: expectJsonRefusal(answer, context).slice(0, 18) }).toEqual({ context, error: 'validation failed:' })
    await store.expectUnchanged(context)
    return false
  }
  if (method === 'POST') {
    const uid = (JSON.parse(answer.body) as { metadata: { uid: string } }).metadata.uid
    expect((await send(server.port, 'DELETE', `${path}/${uid}`)).status).toBe(200)
  }
  await store.accept()
  return true
}

// Keys of metaData print as template names: they avoid control characters and the engines' own syntax.
const metaKey = fc.oneof(fc.stringMatching(/^[a-z_][a-z0-9_]{0,8}$/), fc.constantFrom('a', 'b', 'role', 'hostname'))
const metaData = fc.dictionary(metaKey, hostileString.filter((s) => controlCharacterIn(s) === undefined), { maxKeys: 4, noNullPrototype: true })

for (const engine of ENGINES) {
  describe(`${engine.name} templates (TPL-4, NC-16, issue 16)`, () => {
    const soup = fc.oneof(fc.string({ unit: 'binary', maxLength: 300 }), fc.array(fc.constantFrom(...engine.tokens), { maxLength: 40 }).map((t) => t.join('')))

    it('any source is created (201) or refused with a TPL-4 "validation failed" 400 that stores nothing', async () => {
      await fc.assert(
        fc.asyncProperty(soup, fc.dictionary(fc.string(), fc.string(), { maxKeys: 3 }), async (source, meta) => {
          await write('POST', '/groups', { template: source, metaData: meta }, { engine: engine.name, source, meta }, 'fuzz-template')
        }),
        fuzzParameters(RUNS * 2),
      )
    }, TIMEOUT_MS)

    it('an accepted template renders for a member node: no 5xx, bounded, and PyYAML reads it', async () => {
      let rendered = 0
      const names = fc.constantFrom('hostname', 'local_hostname', 'instance_id', 'cluster_name', 'nid', 'role', 'mac', 'base_url', 'a', 'b')
      const lists = fc.constantFrom('public_keys', 'interfaces', 'vendor_data.groups')
      const body = fc.array(fc.oneof(names.map((n) => ['line', n] as const), lists.map((l) => ['each', l] as const)), { minLength: 1, maxLength: 6 })
      await fc.assert(
        fc.asyncProperty(body, metaData, async (parts, meta) => {
          const template = `#cloud-config\n${parts.map(([kind, name], i) => (kind === 'line' ? engine.line(`k${i}`, name) : engine.each(`k${i}`, name))).join('')}`
          const context = { engine: engine.name, template, meta }
          if (!(await write('PUT', `/groups/${computeUid}`, { template, metaData: meta }, context, 'compute'))) return
          cases++
          const answer = await send(server.port, 'GET', '/compute.yaml', { headers: N0 })
          expectSane(answer, context)
          expect({ context, status: answer.status }).toEqual({ context, status: 200 })
          // Only that it loads: what a template prints is its author's choice.
          expect({ context, body: answer.body, pyyaml: await pyyaml.check(answer.body) }).toEqual({ context, body: answer.body, pyyaml: { ok: true } })
          rendered++
        }),
        fuzzParameters(RUNS),
      )
      expect(rendered).toBeGreaterThan(RUNS / 2)
    }, TIMEOUT_MS)
  })
}
