// Benchmark (not a test), OPS-7: the NC-12 golden meta-data document and the AT-15 network-config document through
// the `yaml` package (reference) and through the fast emitter of toYamlText. Run from the repo root:
//   npx vitest bench --run packages/core/bench/yaml-text.bench.ts
import { bench, describe } from 'vitest'
import { toYamlTextReference } from '../src/nocloud/_yaml-reference.js'
import { goldenMetaDataDocument } from '../src/nocloud/_yaml-samples.js'
import { toYamlText } from '../src/nocloud/yaml-text.js'

const metaData = goldenMetaDataDocument()
const networkConfig = {
  version: 1,
  config: [
    { type: 'physical', name: 'eth0', mac_address: 'b4:2e:99:be:1a:6d', description: 'Node Management Network', subnets: [{ type: 'static', address: '10.252.0.26/24' }] },
    { type: 'physical', name: 'eth1', mac_address: 'b4:2e:99:be:1a:6e', description: 'High Speed Network', subnets: [{ type: 'static', address: '10.100.0.26/24' }] },
  ],
}

describe('NC-12 meta-data', () => {
  bench('yaml stringify (reference)', () => void toYamlTextReference(metaData))
  bench('toYamlText (fast emitter)', () => void toYamlText(metaData))
})

describe('NC-15 network-config', () => {
  bench('yaml stringify (reference)', () => void toYamlTextReference(networkConfig))
  bench('toYamlText (fast emitter)', () => void toYamlText(networkConfig))
})
