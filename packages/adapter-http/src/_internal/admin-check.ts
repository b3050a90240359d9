import type { AdminAccessRequest, AdminAuthorizer } from '../admin-access.js'
import type { AppContext } from './state.js'

/**
 * SEC-6: asks `authorize` about this request (the socket peer, the method and the `Authorization` header; never
 * forwarding headers) for `kind`, as a read or a write. Resolves when allowed; rejects with its 401/403/503
 * MetadataError otherwise. Without a hook, everything is allowed.
 */
export async function checkAdmin(
  ctx: AppContext,
  authorize: AdminAuthorizer | undefined,
  access: Pick<AdminAccessRequest, 'kind' | 'write'>,
): Promise<void> {
  if (authorize === undefined) return
  const authorization = ctx.get('Authorization')
  await authorize({
    peer: ctx.state.peer,
    method: ctx.method,
    kind: access.kind,
    write: access.write,
    ...(authorization === '' ? {} : { authorization }),
  })
}
