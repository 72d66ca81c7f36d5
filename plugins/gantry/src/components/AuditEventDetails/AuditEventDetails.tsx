import { Box, Typography } from '@material-ui/core';
import { AuditEvent } from '../../api';
import { JsonDiff } from '../common/JsonDiff';

/** An audit event's expanded row: what changed, then its context. */
export function AuditEventDetails({ event }: { event: AuditEvent }) {
  const changed = event.oldValue !== undefined || event.newValue !== undefined;
  return (
    <Box p={2}>
      {changed ? (
        <JsonDiff oldValue={event.oldValue} newValue={event.newValue} />
      ) : (
        <Typography variant="body2">No value changed.</Typography>
      )}
      {event.details && Object.keys(event.details).length > 0 && (
        <>
          <Typography variant="subtitle2" style={{ marginTop: 16 }}>
            Details
          </Typography>
          <pre style={{ margin: 0, fontSize: 12 }}>
            {JSON.stringify(event.details, null, 2)}
          </pre>
        </>
      )}
      <Typography variant="caption" component="div" style={{ marginTop: 8 }}>
        tenant {event.tenant}
        {event.requestId && ` · request ${event.requestId}`}
        {event.ip && ` · from ${event.ip}`}
      </Typography>
    </Box>
  );
}
