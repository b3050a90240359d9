// Indexes into BOOT_STATES, as the record stores them (one byte per node) and live views send them.
export const IDLE = 0
export const BOOTING = 1
export const CONFIGURED = 2
export const PHONED_HOME = 3
export const STUCK = 4
export const FAILING = 5
export const STATE_COUNT = 6
