import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { goldenMetaData, K1 } from './_fixtures.test-data.js'
import { buildTemplateContext } from '../../src/templates/context.js'
import { renderGroupTemplate } from '../../src/templates/render.js'
import { validateGroupTemplate } from '../../src/templates/validate.js'

/** The Pongo2 example of the README's "Group templates" section, as written there. */
function readmeExample(): string {
  const readme = readFileSync(new URL('../../../../README.md', import.meta.url), 'utf8')
  const section = readme.slice(readme.indexOf('## Group templates'))
  const block = /```\n((?: {2}.*\n)+?) {2}```/.exec(section)
  if (block === null) throw new Error('no example in the README section')
  return (block[1] as string).replace(/^ {2}/gm, '')
}

describe('the README Pongo2 example (SPEC §16)', () => {
  it('validates as Pongo2 and renders the cloud-config it promises', () => {
    const metaData = { features: ['gpu'], sysctl: { 'vm.swappiness': 10 } }
    const template = readmeExample()
    expect(validateGroupTemplate({ template, metaData }, 'compute')).toMatchObject({ engine: 'pongo2', warnings: [] })
    const document = renderGroupTemplate(template, buildTemplateContext(goldenMetaData(), metaData))
    expect(parse(document)).toEqual({
      hostname: 'TC1000',
      http_proxy: 'none',
      ssh_authorized_keys: [K1],
      runcmd: [['nvidia-smi']],
      write_files: [{ path: '/etc/sysctl.d/90-cluster.conf', content: 'vm.swappiness = 10\n' }],
    })
  })
})
