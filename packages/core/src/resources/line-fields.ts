import type { KindName } from '../domain/metadata.js'
import { controlCharacterIn, escapeControlCharacters } from '../text/control-characters.js'
import { isJsonObject } from './json-value.js'
import type { SpecOf } from './validate-spec.js'

// SPEC §16 "Strings that land in a document line", issue 16 item 6. Where each spec field lands (audit of the four
// kinds): base_url and cloud_init_base_url in vendor-data `#include` lines and meta-data; cluster_name, short_name
// (in hostnames), cloud_provider, region, availability_zone, instance_id, hostname, local_hostname and public_keys
// in meta-data and, raw, in every rendered template line that names them (TPL-3); metaData keys in meta-data and as
// template names. Free text that only a template author chooses to print is not restricted: descriptions, metaData
// values, osVersion, default_profile (stored, unused). WireGuardPeer `public_key` and `allowed_ip` have stricter
// formats of their own (WG-11). Group names follow GROUP_NAME_PATTERN; every kind's metadata.name is checked with
// the envelope.

/** Spec fields whose string, or each string of whose string list, lands in a document line. */
const LINE_FIELDS: { readonly [K in KindName]: readonly (keyof SpecOf<K>)[] } = {
  ClusterDefaults: ['base_url', 'cluster_name', 'short_name', 'cloud_provider', 'region', 'availability_zone', 'public_keys'],
  Group: [],
  InstanceInfo: ['instance_id', 'local_hostname', 'hostname', 'cloud_init_base_url', 'public_keys'],
  WireGuardPeer: [],
}

/** Spec fields whose object keys, at every depth, land in a document line. */
const KEY_FIELDS: { readonly [K in KindName]: readonly (keyof SpecOf<K>)[] } = {
  ClusterDefaults: [],
  Group: ['metaData'],
  InstanceInfo: [],
  WireGuardPeer: [],
}

/** Longest key quoted in a message. */
const SHOWN_KEY = 80

/**
 * The RES-9 rule messages for control characters (C0 with tab and newline, DEL, C1, U+2028, U+2029, U+FEFF,
 * U+FFFE, U+FFFF) in the fields of `spec` that land in a document line: `<field> must not contain control
 * characters (U+000A)`, `public_keys[1] …`, `metaData key "a\nb" …` (the key JSON-quoted). Fields of the wrong type
 * are skipped (their type error is reported already); object keys are walked without recursion.
 */
export function lineFieldRules(kind: KindName, spec: Record<string, unknown>): string[] {
  const messages: string[] = []
  for (const field of LINE_FIELDS[kind] as readonly string[]) {
    const value = spec[field]
    const items: Array<[string, unknown]> =
      typeof value === 'string' ? [[field, value]] : Array.isArray(value) ? value.map((v: unknown, i) => [`${field}[${i}]`, v]) : []
    for (const [path, item] of items) {
      const found = typeof item === 'string' ? controlCharacterIn(item) : undefined
      if (found !== undefined) messages.push(`${path} must not contain control characters (${found})`)
    }
  }
  for (const field of KEY_FIELDS[kind] as readonly string[]) {
    const stack: unknown[] = [spec[field]]
    while (stack.length > 0) {
      const value = stack.pop()
      if (Array.isArray(value)) for (const item of value) stack.push(item)
      if (!isJsonObject(value)) continue
      for (const [key, child] of Object.entries(value)) {
        const found = controlCharacterIn(key)
        if (found !== undefined) messages.push(`${field} key ${quoteKey(key)} must not contain control characters (${found})`)
        stack.push(child)
      }
    }
  }
  return messages
}

/** `name` checked as a line field (metadata.name of every kind): the message, or undefined. */
export function nameRule(path: string, name: unknown): string | undefined {
  const found = typeof name === 'string' ? controlCharacterIn(name) : undefined
  return found === undefined ? undefined : `${path} must not contain control characters (${found})`
}

/** The key JSON-quoted and cut, with what JSON leaves raw (DEL, C1, U+2028/9…) escaped too. */
function quoteKey(key: string): string {
  return escapeControlCharacters(JSON.stringify(key.length > SHOWN_KEY ? `${key.slice(0, SHOWN_KEY)}…` : key))
}
