import { randomBytes } from 'node:crypto'
import type { Random } from '../ports/random.js'

/** The production {@link Random}: `hex(n)` is n bytes from node:crypto's CSPRNG as lower-case hex. */
export const cryptoRandom: Random = {
  hex: (bytes) => randomBytes(bytes).toString('hex'),
}
