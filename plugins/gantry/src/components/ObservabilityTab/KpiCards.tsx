import { InfoCard } from '@backstage/core-components';
import { Grid, Typography } from '@material-ui/core';
import { AnalyticsSummary } from '../../api/ObservabilityApi';
import { formatDelta, formatDuration, formatRate } from './format';
import { Sparkline } from './Sparkline';

function Kpi(props: {
  title: string;
  value: string;
  delta: string;
  series?: Array<number | null>;
}) {
  return (
    <InfoCard title={props.title} noPadding={false}>
      <Typography variant="h4" aria-label={props.title}>
        {props.value}
      </Typography>
      <Typography variant="body2" color="textSecondary">
        {props.delta}
      </Typography>
      {props.series && (
        <Sparkline values={props.series} label={`${props.title} trend`} />
      )}
    </InfoCard>
  );
}

/** Total runs, success rate, average and p95 duration, with trends and deltas. */
export function KpiCards({ summary }: { summary: AnalyticsSummary }) {
  const { current, deltas, series } = summary;
  return (
    <Grid container spacing={2}>
      <Grid item xs={12} sm={6} md={3}>
        <Kpi
          title="Total runs"
          value={String(current.runs)}
          delta={formatDelta(deltas.runsPct, '%')}
          series={series.map(p => p.runs)}
        />
      </Grid>
      <Grid item xs={12} sm={6} md={3}>
        <Kpi
          title="Success rate"
          value={formatRate(current.successRate)}
          delta={formatDelta(deltas.successRatePoints, ' pts')}
          series={series.map(p => p.successRate)}
        />
      </Grid>
      <Grid item xs={12} sm={6} md={3}>
        <Kpi
          title="Average duration"
          value={formatDuration(current.avgDurationMs)}
          delta={formatDelta(deltas.avgDurationPct, '%')}
          series={series.map(p => p.avgDurationMs)}
        />
      </Grid>
      <Grid item xs={12} sm={6} md={3}>
        <Kpi
          title="p95 duration"
          value={formatDuration(current.p95DurationMs)}
          delta={`p50 ${formatDuration(current.p50DurationMs)} · ${formatDelta(
            deltas.p95DurationPct,
            '%',
          )}`}
        />
      </Grid>
    </Grid>
  );
}
