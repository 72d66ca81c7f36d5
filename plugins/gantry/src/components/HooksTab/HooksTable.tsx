import { useState } from 'react';
import {
  EmptyState,
  Progress,
  ResponseErrorPanel,
  Table,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import { gantryHookManagePermission } from '@internal/plugin-gantry-common';
import { Chip, Switch, Tooltip, Typography } from '@material-ui/core';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { gantryHooksApiRef, Hook } from '../../api/HooksApi';

/** What a hook does: its workflow, or its actions in order. */
function target(hook: Hook): string {
  if (hook.workflow)
    return `workflow ${hook.workflow.provider}/${hook.workflow.workflow}`;
  return (hook.actions ?? []).map(a => a.type).join(' → ');
}

/** A tenant's hooks; admins switch them on and off in place. */
export function HooksTable({ tenant }: { tenant?: string }) {
  const api = useApi(gantryHooksApiRef);
  const { allowed: mayManage } = usePermission({
    permission: gantryHookManagePermission,
  });
  const hooks = useAsyncRetry(() => api.listHooks({ tenant }), [tenant]);
  const [busy, setBusy] = useState<string>();
  const [error, setError] = useState<Error>();

  const toggle = async (hook: Hook) => {
    setBusy(hook.id);
    setError(undefined);
    try {
      await api.setHookEnabled(hook.id, !hook.enabled, { tenant });
      hooks.retry();
    } catch (e) {
      setError(e as Error);
    } finally {
      setBusy(undefined);
    }
  };

  if (hooks.loading && !hooks.value) return <Progress />;
  if (hooks.error) return <ResponseErrorPanel error={hooks.error} />;
  const items = hooks.value?.items ?? [];
  if (items.length === 0) {
    return (
      <EmptyState
        missing="content"
        title="No hooks yet"
        description="A hook turns a platform event (order.created, run.failed, …) into actions or a provider workflow, with an approval when it is risky. Platform admins create them with POST /api/gantry/admin/workflows/create; see the platform team guide."
      />
    );
  }
  return (
    <>
      {error && <ResponseErrorPanel error={error} />}
      <Table<Hook>
        title="Hooks"
        options={{ paging: false, search: false }}
        data={items}
        columns={[
          {
            title: 'Hook',
            render: h => (
              <>
                <Typography variant="body2">{h.name}</Typography>
                {h.description && (
                  <Typography variant="caption" color="textSecondary">
                    {h.description}
                  </Typography>
                )}
              </>
            ),
          },
          {
            title: 'When',
            render: h => (
              <>
                <code>{h.trigger.event}</code>
                {h.trigger.filter && (
                  <Typography variant="caption" display="block">
                    if <code>{h.trigger.filter}</code>
                  </Typography>
                )}
              </>
            ),
          },
          { title: 'Does', render: h => target(h) },
          {
            title: 'Approval',
            render: h =>
              h.risky ? (
                <Tooltip
                  title={
                    h.approvers.length
                      ? `decided by ${h.approvers.join(', ')}`
                      : 'decided by platform admins'
                  }
                >
                  <Chip size="small" label="required" />
                </Tooltip>
              ) : (
                'none'
              ),
          },
          {
            title: 'Enabled',
            render: h => (
              <Switch
                checked={h.enabled}
                disabled={!mayManage || busy === h.id}
                onChange={() => toggle(h)}
                inputProps={{
                  'aria-label': `${h.enabled ? 'Disable' : 'Enable'} ${h.name}`,
                }}
              />
            ),
          },
        ]}
      />
    </>
  );
}
