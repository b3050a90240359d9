export * from './wireguard-tunnel.js'
export * from './server-key.js'
export * from './run-command.js'
export * from './go-state-file.js'
