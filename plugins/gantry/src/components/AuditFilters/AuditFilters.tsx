import { FormEvent, useState } from 'react';
import { Box, Button, TextField } from '@material-ui/core';
import { AuditQuery } from '../../api';

export interface AuditFilterValues {
  actor: string;
  action: string;
  q: string;
  /** `datetime-local` values, in the browser's time zone. */
  from: string;
  to: string;
}

export const NO_AUDIT_FILTERS: AuditFilterValues = {
  actor: '',
  action: '',
  q: '',
  from: '',
  to: '',
};

function iso(local: string): string | undefined {
  const time = local ? new Date(local) : undefined;
  return time && !isNaN(time.getTime()) ? time.toISOString() : undefined;
}

/** The form's values as the audit route's query (ISO times, blanks dropped). */
export function toAuditQuery(values: AuditFilterValues): AuditQuery {
  return {
    actor: values.actor.trim() || undefined,
    action: values.action.trim() || undefined,
    q: values.q.trim() || undefined,
    from: iso(values.from),
    to: iso(values.to),
  };
}

/** Filters of the audit log, applied on submit so typing does not refetch. */
export function AuditFilters(props: {
  onApply: (values: AuditFilterValues) => void;
}) {
  const [values, setValues] = useState(NO_AUDIT_FILTERS);
  const field = (name: keyof AuditFilterValues, label: string) => (
    <TextField
      id={`gantry-audit-${name}`}
      label={label}
      value={values[name]}
      onChange={e => setValues({ ...values, [name]: e.target.value })}
      style={{ marginRight: 16, minWidth: 180 }}
      {...(name === 'from' || name === 'to'
        ? { type: 'datetime-local', InputLabelProps: { shrink: true } }
        : {})}
    />
  );
  const submit = (e: FormEvent) => {
    e.preventDefault();
    props.onApply(values);
  };
  return (
    <Box
      component="form"
      onSubmit={submit}
      display="flex"
      flexWrap="wrap"
      alignItems="flex-end"
      mb={2}
    >
      {field('q', 'Search')}
      {field('actor', 'Actor')}
      {field('action', 'Action')}
      {field('from', 'From')}
      {field('to', 'To')}
      <Button type="submit" variant="contained" color="primary">
        Apply
      </Button>
      <Button
        onClick={() => {
          setValues(NO_AUDIT_FILTERS);
          props.onApply(NO_AUDIT_FILTERS);
        }}
        style={{ marginLeft: 8 }}
      >
        Clear
      </Button>
    </Box>
  );
}
