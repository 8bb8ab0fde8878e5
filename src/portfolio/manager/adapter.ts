/**
 * The asset-manager adapter of a Portfolio Halo (issue 14), the counterpart of the Term Halo's
 * bank adapter (src/bank/): the off-ramp through which a Halo Book's money reaches the manager
 * and comes back, and the source of the book's NAV reports. lpha-lcts talks only to this
 * interface; what differs is who produces the reports:
 * - `simulator` (devnets and tests, simulator.ts): a manager that takes subscriptions,
 *   reports NAV daily, returns redemptions after a delay, and can be told to lose value, miss
 *   reports or delay a redemption.
 * - `webhook` (a real manager posting EIP-712 signed reports over HTTP, webhook.ts): reports
 *   are admitted by `admitManagerReport` (src/domain/portfolio/managerReport.ts) and journaled.
 *
 * Amounts are base units of the book's asset (bigint); times are Dates / ISO strings.
 */
export type NavReport = {
  /** Unique per report, stable across re-reads (`<bookId>:nav:<n>`). */
  reportId: string
  bookId: string
  /** What the manager says the book's positions are worth. */
  assets: bigint
  reportedAt: string
}

export type RedemptionRequest = { redemptionId: string; bookId: string; amount: bigint; requestedAt: string }
export type RedemptionReturn = RedemptionRequest & { returnedAt: string }

export type SubscriptionParameters = { subscriptionId: string; bookId: string; amount: bigint; at: Date }
export type RedemptionParameters = { redemptionId: string; bookId: string; amount: bigint; at: Date }

export type AssetManager = {
  kind: 'simulator' | 'webhook'
  /** Hand money to the manager for a book. Idempotent per `subscriptionId`. Durable once resolved (journaled: a file, or the shared journal under HA). */
  subscribe(params: SubscriptionParameters): Promise<void>
  /** Ask the manager to return `amount` of a book. Idempotent per `redemptionId`. Durable once resolved. */
  requestRedemption(params: RedemptionParameters): Promise<RedemptionRequest>
  /** The book's NAV reports, oldest first. */
  navReports(bookId: string): readonly NavReport[]
  /** Redemption requests not yet returned, oldest first. */
  pendingRedemptions(bookId: string): readonly RedemptionRequest[]
  /** Redemptions the manager has returned, oldest first. */
  returnedRedemptions(bookId: string): readonly RedemptionReturn[]
  /** Let time pass to `now` (the simulator reports and returns; a webhook manager does nothing). */
  tick(now: Date): Promise<void>
}
