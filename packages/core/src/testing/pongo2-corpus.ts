import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** One case of the Pongo2 corpus (`packages/core/test/fixtures/pongo2-corpus`, see its README). */
export interface Pongo2CorpusCase {
  readonly name: string
  readonly template: string
  /** The expected `/compute.yaml` for mock n0. */
  readonly expected: string
  /** The Group's `metaData`, when the case has one. */
  readonly metaData?: Record<string, unknown>
}

/** The second public key of n0 in the corpus (its InstanceInfo); the first is K1 from F-CD. */
export const CORPUS_SECOND_KEY = 'ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQCorpusKey ops@example'

/** Every case of the corpus, in file-name order. Test-only: reads the fixture files synchronously. */
export function pongo2Corpus(): Pongo2CorpusCase[] {
  const dir = fileURLToPath(new URL('../../test/fixtures/pongo2-corpus/', import.meta.url))
  return readdirSync(dir)
    .filter((file) => file.endsWith('.tpl'))
    .sort()
    .map((file) => {
      const name = file.slice(0, -'.tpl'.length)
      const read = (ext: string) => readFileSync(join(dir, name + ext), 'utf8')
      const hasMeta = readdirSync(dir).includes(`${name}.json`)
      return {
        name,
        template: read('.tpl'),
        expected: read('.out'),
        ...(hasMeta ? { metaData: JSON.parse(read('.json')) as Record<string, unknown> } : {}),
      }
    })
}
