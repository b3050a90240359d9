import { ClusterDefaultsSpecSchema } from '../domain/cluster-defaults.js'
import type { Networks } from '../domain/network-definitions.js'
import { checkObjectTypes } from '../resources/check-shape.js'
import { objectFields } from '../resources/schema-shape.js'
import { validationFailed } from '../resources/validation-problems.js'
import { reservedNetworkNameProblems } from './network-names.js'
import { planNetworks } from './plan.js'

/**
 * A proposed `networks` value (the render preview's, issue 14) checked as a ClusterDefaults write checks its own:
 * RES-9 types and unknown fields, then the {@link planNetworks} rules. Throws
 * `MetadataError('VALIDATION_FAILED', 'validation failed: <m1>; <m2>')`; returns the value typed.
 */
export function validateNetworks(value: unknown): Networks {
  const fields = objectFields(ClusterDefaultsSpecSchema).filter((field) => field.name === 'networks')
  const found = checkObjectTypes(fields, { networks: value })
  const unknown = found.unknown.length === 0 ? [] : [`unknown fields in networks: [${found.unknown.sort().join(', ')}]`]
  const reserved = reservedNetworkNameProblems(value)
  if (found.types.length > 0 || unknown.length > 0 || reserved.length > 0) throw validationFailed([...found.types, ...reserved, ...unknown])
  const networks = value as Networks
  const problems = planNetworks(networks).problems
  if (problems.length > 0) throw validationFailed(problems.map((problem) => problem.message))
  return networks
}
