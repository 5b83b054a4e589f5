/**
 * The package's entry point: the construct with its props and defaults, and the table's
 * shape for those who query the table themselves. The handlers ship prebuilt (dist/handlers).
 */
export * from './y-webrtc-signaling.js';
export { entityNameAttribute, entityNames, tableDefinition } from '../src/store/table.js';
