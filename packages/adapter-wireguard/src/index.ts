export * from './wireguard-tunnel.js'
export * from './server-key.js'
export * from './run-command.js'
