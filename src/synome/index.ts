/**
 * Synome-MVP public surface. Other modules import from here:
 *   createSynome (start one in-process), createInProcessClient / createHttpClient (the
 *   SynomeClient), defineCommand / registerCommand (add commands), record types.
 */
export { createSynome, DEFAULT_DATA_DIR, type CreateSynomeParameters } from './create.js'
export { SynomeService, type CommandResult, type SynomeServiceOptions } from './service.js'
export { createClient, createHttpClient, createInProcessClient } from './client/index.js'
export type { SendOptions, SynomeClient, SynomeCommands, SynomeTransport } from './client/index.js'
export { BUILTIN_COMMANDS, registerCommand } from './commands/registry.js'
export { defineCommand, type CommandContext, type CommandHandler, type CommandTarget, type EntityRecord, type EntityWrite, type StateAccess } from './commands/types.js'
export type { EntityVersion, EventsResult, ListFilter, ListResult } from './reads.js'
export * from './records.js'
export { signCommand, verifyCommandSignature, SYNOME_DOMAIN_NAME, SYNOME_DOMAIN_VERSION, DEFAULT_SYNOME_CHAIN_ID, type SignedCommand } from './signing.js'
export { startSynomeServer } from './server.js'
export { createSynomeApp } from './http/app.js'
export { IdempotencyConflictError, StoreError } from './errors.js'
export type { SynomeEvent } from './log/hash.js'
