/** Randomness, injected so tests can make uids predictable. */
export interface Random {
  /** `bytes` random bytes as lowercase hex (2 chars per byte). */
  hex(bytes: number): string
}
