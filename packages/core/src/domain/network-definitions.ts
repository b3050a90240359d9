import { z } from 'zod'

// NC-15 second wave (issue 14): the operator's network definitions, keyed by SMD network name. The schemas carry
// the JSON shape only; the rules that make a definition usable (CIDRs, gateways inside their subnet, MTU bounds,
// no overlap, one default route) are in `networks/plan.ts`, so stored files written by hand still load and every
// message names the field in RES-9 style (docs/spec-addendum.md, "Network definitions").

/** One address family of a network: its subnet and, optionally, its gateway. */
export const NetworkFamilySchema = z
  .object({
    subnet: z.string().optional().meta({ description: 'The subnet as a CIDR without host bits, e.g. `10.252.0.0/17` or `fd00:252::/64`.' }),
    gateway: z.string().optional().meta({ description: 'The router on this subnet; written only for the network with `default_route`.' }),
  })
  .strict()
export type NetworkFamily = z.infer<typeof NetworkFamilySchema>

/** An extra static route reached through this network. */
export const NetworkRouteSchema = z
  .object({
    to: z.string().meta({ description: 'Destination CIDR, e.g. `10.254.0.0/17` (not a default route: use `default_route`).' }),
    via: z.string().optional().meta({ description: "Next hop inside this network's subnet; default: the network's gateway of that family." }),
    metric: z.number().int().optional().meta({ description: 'Route metric, 0–4294967295.' }),
  })
  .strict()
export type NetworkRoute = z.infer<typeof NetworkRouteSchema>

/** What the operator knows about one network that SMD does not: prefixes, gateway, DNS, MTU, routes. */
export const NetworkDefinitionSchema = z
  .object({
    ipv4: NetworkFamilySchema.optional(),
    ipv6: NetworkFamilySchema.optional(),
    mtu: z.number().int().optional().meta({ description: 'Link MTU in bytes, 68–65535 (at least 1280 with `ipv6`); on the interface.' }),
    dns_nameservers: z.array(z.string()).optional().meta({ description: 'Up to 3 resolver addresses.' }),
    dns_search: z.array(z.string()).optional().meta({ description: 'Search domains.' }),
    routes: z.array(NetworkRouteSchema).optional(),
    default_route: z
      .boolean()
      .optional()
      .meta({ description: 'This network carries the default route (its gateways are written); true on one network at most.' }),
  })
  .strict()
export type NetworkDefinition = z.infer<typeof NetworkDefinitionSchema>

/**
 * Network definitions by SMD network name (`IPAddresses[].Network`, matched case-insensitively), e.g. `HMN`, `HSN`.
 * On InstanceInfo, the node's entries are merged over the ClusterDefaults ones (docs/spec-addendum.md).
 */
export const NetworksSchema = z.record(z.string(), NetworkDefinitionSchema).meta({
  description:
    'Network definitions by SMD network name (matched case-insensitively): subnet per family, gateway, DNS, MTU, ' +
    'routes, and which network carries the default route. Used to build /network-config (NC-15).',
})
export type Networks = z.infer<typeof NetworksSchema>
