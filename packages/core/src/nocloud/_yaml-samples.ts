// Test and bench inputs for the OPS-7 YAML emitter: the NC-12 quick-start document and tricky scalars (NC-11).
import type { GroupSpec } from '../domain/group.js'
import { MOCK_NODE_FIXTURES, QUICKSTART_CLUSTER_DEFAULTS, QUICKSTART_GROUP_COMPUTE, QUICKSTART_GROUP_GREEN } from '../testing/fixtures.js'
import { buildMetaData } from './meta-data.js'
import type { MetaDataDocument } from './meta-data-document.js'

const groups: Record<string, GroupSpec> = { compute: QUICKSTART_GROUP_COMPUTE.spec, green: QUICKSTART_GROUP_GREEN.spec }

/** The NC-12 golden meta-data document (mock n0, quick-start resources) as an object. */
export function goldenMetaDataDocument(): MetaDataDocument {
  return buildMetaData({ node: MOCK_NODE_FIXTURES[0]!, clusterDefaults: QUICKSTART_CLUSTER_DEFAULTS.spec, groupSpec: (l) => groups[l] })
}

/** Scalars that a YAML 1.1 or 1.2 reader would retype, or that need quoting or escaping (NC-11). */
export const TRICKY_SCALARS: readonly string[] = [
  '', ' ', '  x', 'x ', '1.0', '1000', '0', '-1', '+1', '0x1F', '0o17', '017', '0b101', '1_000', '1e3', '.5', '6.8523015e+5',
  '.inf', '-.Inf', '.NaN', 'nan', 'yes', 'Yes', 'YES', 'no', 'on', 'On', 'off', 'OFF', 'y', 'Y', 'n', 'N', 'true', 'False',
  'null', 'Null', '~', '12:34:56:12:34:56', '1:20', '190:20:30.15', 'b4:2e:99:be:1a:6d', '00:11:22:33:44:55',
  '2001-12-14', '2001-12-14t21:59:43.10-05:00', '2001-12-14 21:59:43.10 -5', '<<', '=', 'a: b', 'a:b', 'a:', 'a #b', 'a#b',
  '#x', '- x', '-', '-x', '? x', '?', '?x', ':x', ':', '*x', '&x', '!x', '|x', '>x', "'x", '"x', '%x', '@x', '`x', ',x',
  '[x', ']x', '{x', '}x', 'x,y', 'x[y]', 'x{y}', '---', '--- x', '...', '...x', '--', 'a\tb', '\tx', 'x\t', 'a\nb', 'a\n',
  '\n', 'a\rb', 'a\u0000b', 'a\u0085b', '\u00a0x', 'x\u2028y', 'é', 'ünïcödé', '日本語', '🚀 rocket', '\ud800', "it's",
  'say "hi"', `both ' and "`, 'back\\slash', 'C:\\path', 'http://localhost:8888', 'https://h/x?a=1&b=2#frag',
  'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAITestKeyExample demo@example', 'x'.repeat(1100), 'word '.repeat(60).trim(),
]
