import type { ReactElement } from 'react'
import { EntityPage } from './pages/Entity'
import { HistoryPage } from './pages/History'
import { NotFound } from './pages/NotFound'
import { OverviewPage } from './pages/Overview'
import { PrimePage } from './pages/Prime'
import { RateLimitsPage } from './pages/RateLimits'
import { SleevePage } from './pages/Sleeve'
import { SleevesPage } from './pages/Sleeves'
import { UnitPage } from './pages/Unit'

/**
 * Every page of the dashboard, in one table: a new area (Portfolio, LCTS, Factory artifacts)
 * adds its page here with `nav: true` to appear in the main navigation, plus its read
 * endpoints in src/dashboard/api.ts. Paths are deep links: every entity has one.
 */
export type PageRoute = { path: string; title: string; nav: boolean; element: ReactElement }

export const ROUTES: PageRoute[] = [
  { path: '/', title: 'Overview', nav: true, element: <OverviewPage /> },
  { path: '/sleeves', title: 'Sleeves', nav: true, element: <SleevesPage /> },
  { path: '/sleeves/:sleeveId', title: 'Sleeve', nav: false, element: <SleevePage /> },
  { path: '/units/:unitId', title: 'Unit', nav: false, element: <UnitPage /> },
  { path: '/primes/:prime', title: 'Prime', nav: false, element: <PrimePage /> },
  { path: '/rate-limits', title: 'Rate limits', nav: true, element: <RateLimitsPage /> },
  { path: '/history', title: 'History', nav: true, element: <HistoryPage /> },
  { path: '/entities/:type/:id', title: 'Record', nav: false, element: <EntityPage /> },
  { path: '*', title: 'Not found', nav: false, element: <NotFound /> },
]

export const NAV = ROUTES.filter((r) => r.nav)
