import { lazy, type ReactElement } from 'react'
import { NotFound } from './pages/NotFound'

// Each page is its own chunk: a deep link loads only its page (and the charting library only
// where a page draws a chart).
const OverviewPage = lazy(() => import('./pages/Overview').then((m) => ({ default: m.OverviewPage })))
const SleevesPage = lazy(() => import('./pages/Sleeves').then((m) => ({ default: m.SleevesPage })))
const SleevePage = lazy(() => import('./pages/Sleeve').then((m) => ({ default: m.SleevePage })))
const UnitPage = lazy(() => import('./pages/Unit').then((m) => ({ default: m.UnitPage })))
const PrimePage = lazy(() => import('./pages/Prime').then((m) => ({ default: m.PrimePage })))
const RateLimitsPage = lazy(() => import('./pages/RateLimits').then((m) => ({ default: m.RateLimitsPage })))
const HistoryPage = lazy(() => import('./pages/History').then((m) => ({ default: m.HistoryPage })))
const AlertsPageView = lazy(() => import('./pages/AlertsList').then((m) => ({ default: m.AlertsPageView })))
const QueuesPage = lazy(() => import('./pages/Queues').then((m) => ({ default: m.QueuesPage })))
const QueuePairPage = lazy(() => import('./pages/QueuePair').then((m) => ({ default: m.QueuePairPage })))
const PortfolioPage = lazy(() => import('./pages/Portfolio').then((m) => ({ default: m.PortfolioPage })))
const PortfolioUnitPage = lazy(() => import('./pages/PortfolioUnit').then((m) => ({ default: m.PortfolioUnitPage })))
const EntityPage = lazy(() => import('./pages/Entity').then((m) => ({ default: m.EntityPage })))

/**
 * Every page of the dashboard, in one table: a new area (Portfolio, LCTS, Factory artifacts)
 * adds its page here with `nav: true` to appear in the main navigation, plus its read
 * endpoints in src/dashboard/api.ts. Paths are deep links: every entity has one. Pages load
 * lazily (see above), so adding one does not slow the others.
 */
export type PageRoute = { path: string; title: string; nav: boolean; element: ReactElement }

export const ROUTES: PageRoute[] = [
  { path: '/', title: 'Overview', nav: true, element: <OverviewPage /> },
  { path: '/sleeves', title: 'Sleeves', nav: true, element: <SleevesPage /> },
  { path: '/sleeves/:sleeveId', title: 'Sleeve', nav: false, element: <SleevePage /> },
  { path: '/units/:unitId', title: 'Unit', nav: false, element: <UnitPage /> },
  { path: '/primes/:prime', title: 'Prime', nav: false, element: <PrimePage /> },
  { path: '/rate-limits', title: 'Rate limits', nav: true, element: <RateLimitsPage /> },
  { path: '/queues', title: 'Queues', nav: true, element: <QueuesPage /> },
  { path: '/queues/:pairId', title: 'Queue pair', nav: false, element: <QueuePairPage /> },
  { path: '/portfolio', title: 'Portfolio', nav: true, element: <PortfolioPage /> },
  { path: '/portfolio/units/:unitId', title: 'Portfolio unit', nav: false, element: <PortfolioUnitPage /> },
  { path: '/alerts', title: 'Alerts', nav: true, element: <AlertsPageView /> },
  { path: '/history', title: 'History', nav: true, element: <HistoryPage /> },
  { path: '/entities/:type/:id', title: 'Record', nav: false, element: <EntityPage /> },
  { path: '*', title: 'Not found', nav: false, element: <NotFound /> },
]

export const NAV = ROUTES.filter((r) => r.nav)
