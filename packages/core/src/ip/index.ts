export * from './ip.js'
export * from './host-address.js'
export * from './cidr.js'
export * from './ipv4-int.js'
