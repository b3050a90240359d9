import { hasOwn, isJsonObject } from '../resources/json-value.js'

/**
 * Network names the service refuses (issue 18). `__proto__` is the one name a JavaScript object cannot hold as an
 * ordinary key on every path: the schema parser drops it silently, so a definition under that name would vanish
 * from what is stored. Refused with a 400 instead (docs/spec-addendum.md, "Network names"); `constructor` and any
 * other name are kept as they are.
 */
const RESERVED_NETWORK_NAMES: readonly string[] = ['__proto__']

/**
 * RES-9 problems of a raw (unparsed) `networks` value: one per reserved name it holds as an own key, naming the
 * field and the rule. Nothing for anything that is not an object (its type error is reported elsewhere).
 */
export function reservedNetworkNameProblems(networks: unknown): string[] {
  if (!isJsonObject(networks)) return []
  return RESERVED_NETWORK_NAMES.filter((name) => hasOwn(networks, name)).map(
    (name) => `networks.${name} is not allowed: ${name} is reserved and cannot name a network`,
  )
}
