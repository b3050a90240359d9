import type { GroupStatus } from '../domain/group.js'
import type { KindName } from '../domain/metadata.js'
import { checkNetworkWrite } from '../networks/write-check.js'
import type { Inventory } from '../ports/inventory.js'
import type { ResourceStore } from '../ports/resource-store.js'
import type { SpecOf } from '../resources/validate-spec.js'
import type { StatusOf } from '../resources/validate-status.js'
import { checkGroupSpec, groupStatusAfterWrite, validateGroupTemplate } from '../templates/index.js'
import type { WorstCase } from './_worst-case.js'

/** The write a kind's admission looks at. */
export interface AdmissionTarget {
  readonly name: string
  /** `undefined` on create. */
  readonly uid: string | undefined
  /** The stored status; `undefined` on create. */
  readonly previous: unknown
  /** ISO time of the write. */
  readonly now: string
}

/** What a kind admits: the spec to store (possibly decoded) and the status to store with it. */
export interface Admitted<K extends KindName> {
  readonly spec: SpecOf<K>
  readonly status: StatusOf<K>
}

/** A kind's own admission, run after RES-9 passed; rejects with VALIDATION_FAILED and then nothing is stored. */
export type KindAdmission<K extends KindName> = (spec: SpecOf<K>, status: StatusOf<K>, target: AdmissionTarget) => Promise<Admitted<K>>

/** What the built-in admissions consult. */
export interface KindAdmissionDeps {
  readonly store: ResourceStore
  readonly inventory: Inventory | undefined
  readonly worstCase: WorstCase | undefined
  readonly maxDocumentBytes: number | undefined
}

/**
 * The built-in admission of each kind that has one: Group decodes its template and validates it (SPEC §16 spec
 * rules, TPL-4, rendered for the cluster's worst case within `maxDocumentBytes`), and its status follows (TPL-8);
 * ClusterDefaults and InstanceInfo check their network definitions (issue 14). Kinds without one are admitted as
 * they are.
 */
export function kindAdmissions(deps: KindAdmissionDeps): Partial<{ [K in KindName]: KindAdmission<K> }> {
  const networks =
    <K extends 'ClusterDefaults' | 'InstanceInfo'>(kind: K): KindAdmission<K> =>
    async (spec, status, target) => {
      await checkNetworkWrite(kind, spec, { uid: target.uid, name: target.name, store: deps.store, inventory: deps.inventory })
      return { spec, status }
    }
  return {
    Group: async (spec, _status, target) => {
      const groupSpec = checkGroupSpec(spec)
      const validation = validateGroupTemplate(groupSpec, target.name, {
        worstCase: await deps.worstCase?.(target.name, groupSpec),
        maxDocumentBytes: deps.maxDocumentBytes,
      })
      const previous = target.previous as GroupStatus | undefined
      return { spec: groupSpec, status: groupStatusAfterWrite(previous, groupSpec, validation.requiredVariables, target.now, validation) }
    },
    ClusterDefaults: networks('ClusterDefaults'),
    InstanceInfo: networks('InstanceInfo'),
  }
}
