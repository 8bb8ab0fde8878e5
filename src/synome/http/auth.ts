import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { isIP } from 'node:net'
import { z } from 'zod'
import { BaseError, InvalidInputError, NotPermittedError } from '../../domain/errors.js'

/**
 * Bearer tokens of the Synome HTTP API, one per reader (lpha-nfat, lpla-verify, a dashboard):
 * each names who it is and what it may do, `read` (every GET but /health) and/or `commands`
 * (POST /commands; the command is still signed and authorised by role — the token only lets the
 * request in). The server keeps the SHA-256 of each token, never the token, so its config file
 * gives nothing away. Off by default on loopback; required on any other address.
 */
export const TOKEN_ACCESS = ['read', 'commands'] as const
export type TokenAccess = (typeof TOKEN_ACCESS)[number]

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'the SHA-256 of the token, 64 lowercase hex digits')
export const SynomeTokenSchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'a reader name: letters, digits, . _ -'),
  sha256: sha256Hex,
  access: z.array(z.enum(TOKEN_ACCESS)).min(1).max(2),
})
export type SynomeToken = z.output<typeof SynomeTokenSchema>
export const SynomeTokensFileSchema = z.strictObject({ tokens: z.array(SynomeTokenSchema).min(1).max(1000) }).superRefine((file, ctx) => {
  const names = new Set<string>()
  const hashes = new Set<string>()
  file.tokens.forEach((t, i) => {
    if (names.has(t.name)) ctx.addIssue({ code: 'custom', path: ['tokens', i, 'name'], message: `${t.name} appears twice` })
    if (hashes.has(t.sha256)) ctx.addIssue({ code: 'custom', path: ['tokens', i, 'sha256'], message: 'the same token is listed twice' })
    names.add(t.name)
    hashes.add(t.sha256)
  })
})

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex')
}

/** A new token for a reader (`halo_` + 256 random bits, base64url) and the entry the server's tokens file needs for it. */
export function generateToken(name: string, access: readonly TokenAccess[]): { token: string; entry: SynomeToken } {
  const token = `halo_${randomBytes(32).toString('base64url')}`
  return { token, entry: SynomeTokenSchema.parse({ name, sha256: hashToken(token), access: [...access] }) }
}

export function readTokensFile(path: string): SynomeToken[] {
  let raw: unknown
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'))
  } catch (cause) {
    throw new InvalidInputError(`cannot read Synome tokens from ${path}`, { cause, details: (cause as Error).message })
  }
  const parsed = SynomeTokensFileSchema.safeParse(raw)
  if (!parsed.success) throw new InvalidInputError(`${path}: not a Synome tokens file ({ tokens: [{ name, sha256, access }] })`, { details: z.prettifyError(parsed.error) })
  return parsed.data.tokens
}

/** No token, or one the server does not know: 401, WWW-Authenticate: Bearer. Nothing was changed. */
export class UnauthenticatedError extends BaseError {
  override name = 'UnauthenticatedError'
  override readonly code: string = 'UNAUTHENTICATED'
  override readonly status: number = 401
}

/** Binding beyond loopback without tokens would open every read and the command endpoint to the network. */
export class TokensRequiredError extends BaseError {
  override name = 'TokensRequiredError'
  override readonly code: string = 'TOKENS_REQUIRED'
}

/** 127.0.0.0/8, ::1 and localhost; everything else (0.0.0.0, ::, a LAN address) is not. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase()
  if (host === 'localhost') return true
  if (isIP(host) === 4) return host.startsWith('127.')
  return host === '::1' || host === '::ffff:127.0.0.1'
}

/** Refuse to serve beyond loopback without tokens (the server does not start). */
export function assertTokensForHost(hostname: string, tokens: readonly SynomeToken[] | undefined): void {
  if (!isLoopbackHost(hostname) && (!tokens || tokens.length === 0)) {
    throw new TokensRequiredError(`the Synome will not serve ${hostname} without bearer tokens`, { details: 'pass --tokens <file> (see `halo synome token`), or listen on 127.0.0.1' })
  }
}

/**
 * Who a request's `Authorization: Bearer …` is, when it may do `access`. Throws 401 for a
 * missing or unknown token and 403 for a known one without that access. Comparison is over
 * SHA-256 digests with timingSafeEqual, against every entry (the time does not tell which).
 */
export function authenticate(tokens: readonly SynomeToken[], authorization: string | undefined, access: TokenAccess): SynomeToken {
  const match = /^Bearer ([^\s]+)$/i.exec(authorization ?? '')
  if (!match) throw new UnauthenticatedError('a bearer token is required', { meta: { access } })
  const presented = createHash('sha256').update(match[1]!).digest()
  let found: SynomeToken | undefined
  for (const token of tokens) if (timingSafeEqual(presented, Buffer.from(token.sha256, 'hex'))) found = token
  if (!found) throw new UnauthenticatedError('the bearer token is not valid', { meta: { access } })
  if (!found.access.includes(access)) throw new NotPermittedError(`token ${found.name} has no ${access} access`, { meta: { token: found.name, access } })
  return found
}
