import { CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts'
import { forDrawing } from '../format'

/**
 * A value that changes only at events (a settlement's exchange rate, a NAV report's NAV per
 * share) as a step line: drawn to scale from the exact decimal strings, the tooltip and the
 * figure's label carry them exactly.
 */
export function StepChart({ points, series, testId, empty }: { points: { label: string; exact: string }[]; series: string; testId: string; empty: string }) {
  if (points.length === 0) return <p className="muted">{empty}</p>
  const rows = points.map((p) => ({ ...p, drawn: forDrawing(p.exact) }))
  return (
    <figure className="chart" role="img" data-testid={testId} aria-label={`Line chart of the ${series}: ${points.map((p) => `${p.label} ${p.exact}`).join('; ')}`}>
      <ResponsiveContainer width="100%" height={200}>
        <LineChart data={rows} margin={{ left: 8, right: 16, top: 8 }}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} />
          <XAxis dataKey="label" tick={{ fontSize: 10 }} interval="preserveStartEnd" />
          <YAxis width={72} tick={{ fontSize: 11 }} domain={['auto', 'auto']} />
          <Tooltip formatter={(_v, _n, item) => [(item.payload as { exact: string }).exact, series]} />
          <Line type="stepAfter" dataKey="drawn" stroke="#1d4ed8" strokeWidth={2} dot={{ r: 3 }} isAnimationActive={false} />
        </LineChart>
      </ResponsiveContainer>
    </figure>
  )
}
