export { createClient } from './createClient.js'
export { createHttpClient, resolveSynomeToken, type CreateHttpClientParameters } from './http.js'
export { createInProcessClient, type CreateInProcessClientParameters } from './inProcess.js'
export type { CreateClientParameters, SendOptions, SynomeClient, SynomeCommands, SynomeTransport } from './types.js'
