import { useState } from 'react';
import { Box, Tab, Tabs } from '@material-ui/core';
import { ApprovalHistory } from '../ApprovalHistory/ApprovalHistory';
import { ApprovalInbox } from '../ApprovalInbox/ApprovalInbox';
import { TenantSelect } from '../common/TenantSelect';

/** The approval inbox: what waits for the signed-in user, then the history. */
export function ApprovalsTab() {
  const [tab, setTab] = useState(0);
  const [tenant, setTenant] = useState<string | undefined>();
  return (
    <>
      <Box display="flex" alignItems="center" mb={2}>
        <Tabs value={tab} onChange={(_, value) => setTab(value)}>
          <Tab label="Waiting for you" />
          <Tab label="History" />
        </Tabs>
        <Box flexGrow={1} />
        <TenantSelect value={tenant} onChange={setTenant} />
      </Box>
      {tab === 0 ? (
        <ApprovalInbox tenant={tenant} />
      ) : (
        <ApprovalHistory tenant={tenant} />
      )}
    </>
  );
}
