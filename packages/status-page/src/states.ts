/** The boot states in the server's order (core BOOT_STATES): an event's `states` string holds their indexes. */
export const STATES = ['idle', 'booting', 'configured', 'phoned-home', 'stuck', 'failing'] as const
export type StateName = (typeof STATES)[number]

/** Cell colours, by state index: grey idle, blue booting, green configured, teal phoned home, amber stuck, red failing. */
export const STATE_COLORS: readonly string[] = ['#c9ced6', '#4a90d9', '#3fa34d', '#1f7a6d', '#f0a020', '#d93a3a']

/** The colour of an empty grid position (padding at the end of a cabinet row). */
export const EMPTY_COLOR = '#ffffff'
