import { Box, Typography } from '@material-ui/core';
import type { DriftSummary } from '../../api/DriftApi';

const BUCKETS: Array<[keyof DriftSummary['byAge'], string]> = [
  ['under1h', 'under 1 h'],
  ['under24h', 'under 24 h'],
  ['under7d', 'under 7 days'],
  ['older', 'older'],
];

/** Open incidents by age as horizontal bars. */
export function AgeBars({ byAge }: { byAge: DriftSummary['byAge'] }) {
  const max = Math.max(1, ...BUCKETS.map(([key]) => byAge[key]));
  return (
    <Box role="list" aria-label="Open incidents by age">
      {BUCKETS.map(([key, label]) => (
        <Box
          key={key}
          role="listitem"
          data-age={key}
          display="flex"
          alignItems="center"
          mb={0.5}
        >
          <Typography variant="body2" style={{ width: 100 }}>
            {label}
          </Typography>
          <Box flexGrow={1} mr={1}>
            <Box
              height={12}
              borderRadius={2}
              style={{
                width: `${(100 * byAge[key]) / max}%`,
                minWidth: byAge[key] ? 4 : 0,
                background: key === 'older' ? '#c62828' : '#1565c0',
              }}
            />
          </Box>
          <Typography variant="body2" style={{ width: 32, textAlign: 'right' }}>
            {byAge[key]}
          </Typography>
        </Box>
      ))}
    </Box>
  );
}
