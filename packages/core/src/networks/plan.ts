import type { NetworkDefinition, Networks } from '../domain/network-definitions.js'
import { cidrContains, type Cidr } from '../ip/cidr.js'
import { parseIp, type ParsedIp } from '../ip/ip.js'
import { familyName, parseSubnet, type FamilyKey } from './_subnet.js'

/** One address family of a planned network. */
export interface FamilyPlan {
  readonly subnet: Cidr
  /** Absent when none was given, or when it broke a rule (see {@link NetworkPlan.problems}). */
  readonly gateway?: ParsedIp
}

/** A planned static route: destination, next hop (explicit or the network's gateway) and metric. */
export interface RoutePlan {
  readonly to: Cidr
  readonly via: ParsedIp
  readonly metric?: number
}

/** The usable parts of one network definition, parsed. */
export interface NetworkPlanEntry {
  /** The name as written in the definition. */
  readonly name: string
  readonly ipv4?: FamilyPlan
  readonly ipv6?: FamilyPlan
  /** Bytes; absent when not given or out of bounds. */
  readonly mtu?: number
  /** Canonical resolver addresses. */
  readonly dnsNameservers: readonly string[]
  readonly dnsSearch: readonly string[]
  readonly routes: readonly RoutePlan[]
}

/** A rule a definition breaks, with the networks it concerns (lower-case names) and the RES-9-style message. */
export interface NetworkProblem {
  readonly networks: readonly string[]
  /** `<field> must …`, e.g. `networks.HMN.ipv4.gateway must be inside networks.HMN.ipv4.subnet (10.252.0.0/17)`. */
  readonly message: string
}

/**
 * Network definitions checked and parsed (NC-15 second wave). Whatever breaks a rule is left out of the plan and
 * reported once in `problems`, so the same function refuses a write (any problem) and, at render time, builds a
 * document from what is usable (problems become notes).
 */
export interface NetworkPlan {
  /** Entries by lower-case network name (SMD `Network` is matched case-insensitively). */
  readonly networks: ReadonlyMap<string, NetworkPlanEntry>
  /** Lower-case name of the network whose gateways are written; absent when none (or more than one) is marked. */
  readonly defaultRoute: string | undefined
  readonly problems: readonly NetworkProblem[]
}

/** MTU bounds in bytes: the IPv4 minimum (RFC 791) to the largest IP packet; IPv6 needs 1280 (RFC 8200). */
export const MTU_MIN = 68
export const MTU_MAX = 65_535
export const MTU_MIN_IPV6 = 1280
/** resolv.conf reads at most this many nameservers (MAXNS), and cloud-init's sysconfig renderer writes no more. */
export const MAX_NAMESERVERS = 3
const MAX_METRIC = 4_294_967_295
const NETWORK_NAME = /^[-A-Za-z0-9:._]+$/
const DOMAIN_NAME = /^(?=.{1,253}\.?$)[A-Za-z0-9_](?:[-A-Za-z0-9_]{0,61}[A-Za-z0-9_])?(?:\.[A-Za-z0-9_](?:[-A-Za-z0-9_]{0,61}[A-Za-z0-9_])?)*\.?$/

/**
 * Checks and parses `networks` (ClusterDefaults or InstanceInfo `networks`, or the two merged). Rules, each
 * reported as `<field> must …` naming the field: names of letters, digits and `-_.:`, unique case-insensitively;
 * subnets are CIDRs of their family without host bits; a gateway is a host address inside its subnet; MTU in
 * 68–65535 (1280 with IPv6); up to 3 nameservers, each an IP address; search domains are domain names; a route's
 * destination is a CIDR other than /0, and its next hop (default: the network's gateway of that family) lies in
 * the network's subnet; metrics 0–4294967295; subnets of one family do not overlap across networks;
 * `default_route` is true on one network at most, and that network has a gateway.
 */
export function planNetworks(networks: Networks | undefined): NetworkPlan {
  const problems: NetworkProblem[] = []
  const entries = new Map<string, NetworkPlanEntry>()
  const marked: { key: string; gatewayGiven: boolean }[] = []
  for (const [name, definition] of Object.entries(networks ?? {})) {
    const key = name.toLowerCase()
    const report = (message: string, others: readonly string[] = []) => void problems.push({ networks: [key, ...others], message })
    if (!NETWORK_NAME.test(name)) {
      report(`networks names must be letters, digits, '-', '_', '.' or ':', not ${JSON.stringify(name)}`)
      continue
    }
    const first = entries.get(key)
    if (first !== undefined) {
      report(`networks.${name} must not repeat networks.${first.name}: network names match case-insensitively`)
      continue
    }
    entries.set(key, planEntry(name, definition, report))
    if (definition.default_route === true) {
      marked.push({ key, gatewayGiven: definition.ipv4?.gateway !== undefined || definition.ipv6?.gateway !== undefined })
    }
  }
  problems.push(...overlaps(entries))
  return { networks: entries, defaultRoute: defaultRouteOf(marked, entries, problems), problems }
}

// --- internal ---

type Report = (message: string) => void

function planEntry(name: string, definition: NetworkDefinition, report: Report): NetworkPlanEntry {
  const at = `networks.${name}`
  const ipv4 = familyPlan(at, 'ipv4', definition.ipv4, report)
  const ipv6 = familyPlan(at, 'ipv6', definition.ipv6, report)
  return {
    name,
    ...(ipv4 === undefined ? {} : { ipv4 }),
    ...(ipv6 === undefined ? {} : { ipv6 }),
    ...optionalMtu(at, definition.mtu, ipv6 !== undefined, report),
    dnsNameservers: nameservers(at, definition.dns_nameservers ?? [], report),
    dnsSearch: (definition.dns_search ?? []).filter((domain, i) => {
      if (DOMAIN_NAME.test(domain)) return true
      report(`${at}.dns_search[${i}] must be a domain name such as cluster.example.org`)
      return false
    }),
    routes: (definition.routes ?? []).flatMap((route, i) => routePlan(`${at}.routes[${i}]`, route, { ipv4, ipv6, at }, report)),
  }
}

function familyPlan(at: string, key: FamilyKey, given: NetworkDefinition['ipv4'], report: Report): FamilyPlan | undefined {
  if (given === undefined || (given.subnet === undefined && given.gateway === undefined)) return undefined
  const path = `${at}.${key}`
  if (given.subnet === undefined || given.subnet === '') {
    report(`${path}.subnet is required`)
    return undefined
  }
  const subnet = parseSubnet(`${path}.subnet`, given.subnet, key, report)
  if (subnet === undefined) return undefined
  if (given.gateway === undefined) return { subnet }
  const gateway = hostIn(`${path}.gateway`, given.gateway, subnet, `${path}.subnet`, report)
  return gateway === undefined ? { subnet } : { subnet, gateway }
}

/** `text` as an address of `subnet`'s family inside it, not its IPv4 network or broadcast address; else reported. */
function hostIn(field: string, text: string, subnet: Cidr, subnetField: string, report: Report): ParsedIp | undefined {
  const ip = parseIp(text)
  if (ip === undefined || ip.family !== subnet.family) {
    report(`${field} must be an ${familyName(subnet.family)} address`)
    return undefined
  }
  if (!cidrContains(subnet, ip)) {
    report(`${field} must be inside ${subnetField} (${subnet.text})`)
    return undefined
  }
  if (subnet.family === 4 && subnet.prefix <= 30) {
    const hostBits = (1n << BigInt(32 - subnet.prefix)) - 1n
    const host = ip.value & hostBits
    if (host === 0n || host === hostBits) {
      report(`${field} must be a host address, not the network or broadcast address of ${subnet.text}`)
      return undefined
    }
  }
  return ip
}

function optionalMtu(at: string, mtu: number | undefined, ipv6: boolean, report: Report): { mtu?: number } {
  if (mtu === undefined) return {}
  if (mtu < MTU_MIN || mtu > MTU_MAX) {
    report(`${at}.mtu must be between ${MTU_MIN} and ${MTU_MAX}`)
    return {}
  }
  if (ipv6 && mtu < MTU_MIN_IPV6) {
    report(`${at}.mtu must be at least ${MTU_MIN_IPV6} on a network with ${at}.ipv6 (the IPv6 minimum)`)
    return {}
  }
  return { mtu }
}

function nameservers(at: string, given: readonly string[], report: Report): string[] {
  if (given.length > MAX_NAMESERVERS) report(`${at}.dns_nameservers must list at most ${MAX_NAMESERVERS} servers (resolv.conf uses no more)`)
  return given.slice(0, MAX_NAMESERVERS).flatMap((text, i) => {
    const ip = parseIp(text)
    if (ip !== undefined) return [ip.address]
    report(`${at}.dns_nameservers[${i}] must be an IP address`)
    return []
  })
}

interface RouteContext {
  readonly at: string
  readonly ipv4: FamilyPlan | undefined
  readonly ipv6: FamilyPlan | undefined
}

function routePlan(path: string, route: NonNullable<NetworkDefinition['routes']>[number], ctx: RouteContext, report: Report): RoutePlan[] {
  const to = parseSubnet(`${path}.to`, route.to, undefined, report)
  if (to === undefined) return []
  if (to.prefix === 0) {
    report(`${path}.to must not be a default route: set ${ctx.at}.default_route instead`)
    return []
  }
  const key: FamilyKey = to.family === 4 ? 'ipv4' : 'ipv6'
  const family = ctx[key]
  if (family === undefined) {
    report(`${path} needs ${ctx.at}.${key}.subnet: its next hop must be on the network`)
    return []
  }
  let via = family.gateway
  if (route.via !== undefined) via = hostIn(`${path}.via`, route.via, family.subnet, `${ctx.at}.${key}.subnet`, report)
  else if (via === undefined) report(`${path}.via is required: ${ctx.at}.${key} has no gateway`)
  if (via === undefined) return []
  if (route.metric !== undefined && (route.metric < 0 || route.metric > MAX_METRIC)) {
    report(`${path}.metric must be between 0 and ${MAX_METRIC}`)
    return []
  }
  return [{ to, via, ...(route.metric === undefined ? {} : { metric: route.metric }) }]
}

/** Overlapping subnets of one family across networks, reported on the later network. */
function overlaps(entries: ReadonlyMap<string, NetworkPlanEntry>): NetworkProblem[] {
  const problems: NetworkProblem[] = []
  const seen: { key: string; field: string; subnet: Cidr }[] = []
  for (const [key, entry] of entries) {
    for (const family of ['ipv4', 'ipv6'] as const) {
      const subnet = entry[family]?.subnet
      if (subnet === undefined) continue
      const field = `networks.${entry.name}.${family}.subnet`
      for (const earlier of seen) {
        if (earlier.subnet.family !== subnet.family) continue
        if (cidrContains(earlier.subnet, subnet.network) || cidrContains(subnet, earlier.subnet.network)) {
          problems.push({
            networks: [key, earlier.key],
            message: `${field} (${subnet.text}) must not overlap ${earlier.field} (${earlier.subnet.text})`,
          })
        }
      }
      seen.push({ key, field, subnet })
    }
  }
  return problems
}

function defaultRouteOf(
  marked: readonly { key: string; gatewayGiven: boolean }[],
  entries: ReadonlyMap<string, NetworkPlanEntry>,
  problems: NetworkProblem[],
): string | undefined {
  const first = marked[0]
  if (first === undefined) return undefined
  const name = (key: string) => entries.get(key)?.name ?? key
  if (marked.length > 1) {
    for (const { key } of marked.slice(1)) {
      problems.push({
        networks: [key, first.key],
        message: `networks.${name(key)}.default_route must be true on one network only, and networks.${name(first.key)} has it`,
      })
    }
    return undefined
  }
  const entry = entries.get(first.key)
  if (entry === undefined || entry.ipv4?.gateway !== undefined || entry.ipv6?.gateway !== undefined) return first.key
  // A gateway that was given but broke a rule is reported already; without any, the mark itself is the mistake.
  if (!first.gatewayGiven) {
    const at = `networks.${entry.name}`
    problems.push({ networks: [first.key], message: `${at}.default_route needs ${at}.ipv4.gateway or ${at}.ipv6.gateway` })
  }
  return undefined
}
