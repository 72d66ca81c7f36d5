import { useApi } from '@backstage/core-plugin-api';
import { MenuItem, TextField } from '@material-ui/core';
import useAsync from 'react-use/esm/useAsync';
import { gantryApiRef } from '../../api';

/**
 * Picks the tenant of a list for users in several tenants; renders nothing
 * for everyone else (the backend then uses the caller's tenant).
 */
export function TenantSelect(props: {
  value?: string;
  onChange: (tenant: string | undefined) => void;
}) {
  const api = useApi(gantryApiRef);
  const { value: tenancy } = useAsync(() => api.getTenancy(), [api]);
  if (!tenancy || tenancy.tenants.length < 2) return null;
  return (
    <TextField
      select
      id="gantry-tenant"
      label="Tenant"
      value={props.value ?? ''}
      onChange={e => props.onChange(e.target.value || undefined)}
      style={{ minWidth: 200 }}
    >
      <MenuItem value="">{tenancy.tenant ?? 'default'} (default)</MenuItem>
      {tenancy.tenants
        .filter(t => t !== tenancy.tenant)
        .map(t => (
          <MenuItem key={t} value={t}>
            {t}
          </MenuItem>
        ))}
    </TextField>
  );
}
