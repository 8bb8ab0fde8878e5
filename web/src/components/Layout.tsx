import { Suspense, useEffect, useRef } from 'react'
import { NavLink, Outlet, useLocation } from 'react-router'
import { NAV } from '../routes'

/**
 * Landmarks: a skip link, <header> with the main <nav>, one <main> (focused on navigation so
 * keyboard and screen-reader users land on the new page's content), <footer>.
 */
export function Layout() {
  const main = useRef<HTMLElement>(null)
  const location = useLocation()
  const shown = useRef(location.pathname)
  useEffect(() => {
    if (shown.current === location.pathname) return
    shown.current = location.pathname
    main.current?.focus()
  }, [location.pathname])
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="top">
        <div className="brand" aria-hidden="true">
          ◎
        </div>
        <div className="brand-text">
          <span className="title">Halo dashboard</span>
          <span className="subtitle">read-only · Synome + chain</span>
        </div>
        <nav aria-label="Main">
          <ul>
            {NAV.map((item) => (
              <li key={item.path}>
                <NavLink to={item.path} end={item.path === '/'}>
                  {item.title}
                </NavLink>
              </li>
            ))}
          </ul>
        </nav>
      </header>
      <main id="main" ref={main} tabIndex={-1}>
        <Suspense
          fallback={
            <p role="status" className="muted">
              Loading…
            </p>
          }
        >
          <Outlet />
        </Suspense>
      </main>
      <footer className="foot">Figures are exact decimal strings from the Synome and the chain; charts are drawn to scale, labels are exact.</footer>
    </>
  )
}
