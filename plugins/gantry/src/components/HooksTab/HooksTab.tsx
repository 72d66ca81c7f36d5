import { useState } from 'react';
import { HookRunsTable } from './HookRunsTable';
import { HooksTable } from './HooksTable';
import { TenantSelect } from '../common/TenantSelect';

/** The Hooks tab: a tenant's hooks and the history of what they ran. */
export function HooksTab() {
  const [tenant, setTenant] = useState<string>();
  return (
    <>
      <TenantSelect value={tenant} onChange={setTenant} />
      <HooksTable tenant={tenant} />
      <HookRunsTable tenant={tenant} />
    </>
  );
}
