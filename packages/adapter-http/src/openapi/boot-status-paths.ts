import { BOOT_STATES, DEFAULT_BOOT_QUERY_LIMIT, MAX_BOOT_QUERY_LIMIT } from '@metadata-service/core'
import { ref } from './components.js'
import { jsonError, jsonResponse, plainError, textResponse } from './responses.js'
import type { PathItems } from './service-paths.js'

const TIME_VALUE = 'An RFC 3339 time (`2026-12-01T10:00:00Z`) or a duration before now (`90s`, `15m`, `2h`, `1d`).'

/** The boot record (BOOT, tag `BootStatus`): JSON API and events, guarded like a resource read; the live page. */
export function bootStatusPaths(): PathItems {
  const tags = ['BootStatus']
  const security = [{}, { bearerAuth: [] }]
  const access = {
    401: jsonError(401, 'A bearer token is required (SEC-6, with auth_jwks_url).', 'bearer token required'),
    403: jsonError(403, 'Insufficient scope: reads need metadata:read (SEC-6).', 'insufficient scope: reads need metadata:read or metadata:write'),
  }
  const group = {
    name: 'group',
    in: 'query',
    schema: { type: 'string' },
    description: 'Only nodes with this group label. Must be an inventory label or a stored Group.',
    example: 'compute',
  }
  return {
    '/boot-status': {
      get: {
        tags,
        operationId: 'getBootStatus',
        summary: 'Boot status of the fleet',
        description:
          'Nodes per boot state and per group, the nodes matching the query in xname order, and the addresses that asked ' +
          'for documents without being a known node. States and rules: docs/spec-addendum.md "Boot status".',
        security,
        parameters: [
          {
            name: 'state',
            in: 'query',
            schema: { type: 'string' },
            description: `Comma-separated states (${BOOT_STATES.join(', ')}); may be repeated.`,
            example: 'stuck,failing',
          },
          group,
          { name: 'since', in: 'query', schema: { type: 'string' }, description: `Nodes that entered their state at or after this time. ${TIME_VALUE}`, example: '15m' },
          { name: 'until', in: 'query', schema: { type: 'string' }, description: `… and at or before this time. ${TIME_VALUE}` },
          {
            name: 'limit',
            in: 'query',
            schema: { type: 'integer', minimum: 0, maximum: MAX_BOOT_QUERY_LIMIT, default: DEFAULT_BOOT_QUERY_LIMIT },
            description: 'Most nodes listed (`matched` counts them all).',
          },
        ],
        responses: {
          200: jsonResponse('The boot status.', ref('BootReport')),
          400: jsonError(400, 'An unknown parameter, state or group, an unreadable time or limit, or since after until.', 'invalid query parameter group: unknown group "comptue"'),
          ...access,
        },
      },
    },
    '/boot-status/nodes/{xname}': {
      get: {
        tags,
        operationId: 'getBootStatusNode',
        summary: "One node's boot record",
        description: 'Its state, its documents of the current boot (first and last time, status, address) and what it still misses.',
        security,
        parameters: [{ name: 'xname', in: 'path', required: true, schema: { type: 'string' }, example: 'x1000c0s0b0n0' }],
        responses: {
          200: jsonResponse('The record.', ref('BootNode')),
          404: jsonError(404, 'No such node in the record.', 'node x9999c0s0b0n0 not found in the boot record'),
          ...access,
        },
      },
    },
    '/boot-status/events': {
      get: {
        tags,
        operationId: 'getBootStatusEvents',
        summary: 'Live boot status (server-sent events)',
        description:
          'A `snapshot` event at once (every node of `group` with its state, the counts, the unknown addresses), then a ' +
          '`changes` event at most once a second while something changed (the nodes whose state changed), and a ' +
          '`snapshot` again when the node list changed. Each `data:` line is one JSON object (`BootEvent`).',
        security,
        parameters: [group],
        responses: {
          200: textResponse('The event stream; each event\'s data is a `BootEvent`.', 'text/event-stream'),
          400: jsonError(400, 'An unknown parameter or group.', 'invalid query parameter group: unknown group "comptue"'),
          ...access,
        },
      },
    },
    '/status': {
      get: {
        tags,
        operationId: 'getStatusPage',
        summary: 'The live boot status page',
        description:
          'The fleet as a grid in xname order, coloured by state and updated over `/boot-status/events`. The page itself ' +
          'holds no data; it reads the API above with the same access rules (with `auth_jwks_url` it asks for a bearer ' +
          'token). Works offline: its files come from `/status/assets/`.',
        responses: { 200: textResponse('The page.', 'text/html') },
      },
    },
    '/status/assets/{file}': {
      get: {
        tags,
        operationId: 'getStatusPageAsset',
        summary: 'A static file of the status page',
        parameters: [{ name: 'file', in: 'path', required: true, schema: { type: 'string' }, example: 'status-page.js' }],
        responses: {
          200: { description: 'The file (JavaScript or CSS).', content: { '*/*': { schema: { type: 'string', format: 'binary' } } } },
          404: plainError(404, 'No such file.', 'not found'),
        },
      },
    },
  }
}
