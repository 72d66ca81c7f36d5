import { useState } from 'react';
import {
  EmptyState,
  Link,
  Progress,
  ResponseErrorPanel,
  Table,
} from '@backstage/core-components';
import { useApi, useRouteRef } from '@backstage/core-plugin-api';
import { Button, TextField, Typography } from '@material-ui/core';
import { ApplicationSummary, gantryApiRef } from '../../api';
import { rootRouteRef } from '../../routes';
import { formatTime } from '../common/ApprovalSubject';
import { useCursorPages } from '../common/useCursorPages';

const PAGE_SIZE = 25;

/** The tenant's applications (Score deployments) by name, page by page. */
export function ApplicationsTab() {
  const api = useApi(gantryApiRef);
  const root = useRouteRef(rootRouteRef)();
  const [query, setQuery] = useState('');
  const apps = useCursorPages(
    cursor => api.listApplications({ cursor, limit: PAGE_SIZE }),
    [api],
  );

  if (apps.loading && apps.items.length === 0) return <Progress />;
  if (apps.error) return <ResponseErrorPanel error={apps.error} />;
  if (apps.items.length === 0) {
    return (
      <EmptyState
        missing="data"
        title="No applications yet"
        description={
          <>
            Deploy a Score spec with <code>gantry deploy score.yaml</code> or
            the &lsquo;New service with a PostgreSQL database&rsquo; template;
            its resources, deployments and runs then show here.
          </>
        }
      />
    );
  }
  // the backend has no name filter: search what is loaded so far
  const needle = query.trim().toLocaleLowerCase('en-US');
  const shown = needle
    ? apps.items.filter(a => a.name.toLocaleLowerCase('en-US').includes(needle))
    : apps.items;
  return (
    <>
      <TextField
        id="gantry-applications-search"
        label="Search by name"
        value={query}
        onChange={e => setQuery(e.target.value)}
        helperText={apps.more ? 'Searches the applications loaded so far' : ''}
        style={{ minWidth: 300, marginBottom: 16 }}
      />
      <Table<ApplicationSummary>
        title="Applications"
        options={{ paging: false, search: false }}
        data={shown}
        emptyContent={
          <Typography style={{ padding: 16 }}>
            No application&apos;s name contains &ldquo;{query.trim()}&rdquo;
          </Typography>
        }
        columns={[
          {
            title: 'Name',
            render: a => (
              <Link to={`${root}/applications/${encodeURIComponent(a.name)}`}>
                {a.name}
              </Link>
            ),
          },
          { title: 'Product', field: 'product' },
          { title: 'Last updated', render: a => formatTime(a.updatedAt) },
        ]}
      />
      {apps.more && (
        <Button onClick={apps.more} style={{ marginTop: 8 }}>
          Load more
        </Button>
      )}
    </>
  );
}
