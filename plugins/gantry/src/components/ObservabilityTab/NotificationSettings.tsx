import { EmptyState, Table } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { Button, Switch, Typography } from '@material-ui/core';
import { useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import {
  gantryObservabilityApiRef,
  NotificationChannel,
  NotificationDelivery,
  NotificationRule,
} from '../../api/ObservabilityApi';

const HOW_TO =
  'Platform admins add channels (Backstage notification, Slack, email, signed webhook) and rules with POST /api/gantry/notifications/channels and /rules; see docs/platform-team.md.';

/** A tenant's channels (with a test button), rules and recent deliveries. */
export function NotificationSettings() {
  const api = useApi(gantryObservabilityApiRef);
  const [tested, setTested] = useState<Record<string, string>>({});
  const data = useAsyncRetry(async () => {
    const [channels, rules, deliveries] = await Promise.all([
      api.listChannels(),
      api.listRules(),
      api.listDeliveries({ limit: 10 }),
    ]);
    return {
      channels: channels.items,
      rules: rules.items,
      deliveries: deliveries.items,
    };
  }, [api]);
  if (data.error) {
    return <Typography color="error">{data.error.message}</Typography>;
  }
  if (!data.value) return null;
  const { channels, rules, deliveries } = data.value;
  const channelName = (id: string) =>
    channels.find(c => c.id === id)?.name ?? id;

  const test = async (channel: NotificationChannel) => {
    setTested(t => ({ ...t, [channel.id]: 'sending…' }));
    try {
      const delivery = await api.testChannel(channel.id);
      setTested(t => ({
        ...t,
        [channel.id]:
          delivery.status === 'sent' ? 'sent' : `failed: ${delivery.error}`,
      }));
    } catch (error: any) {
      setTested(t => ({ ...t, [channel.id]: `failed: ${error.message}` }));
    }
    data.retry();
  };
  const toggle = async (
    kind: 'channel' | 'rule',
    id: string,
    enabled: boolean,
  ) => {
    try {
      if (kind === 'channel') await api.updateChannel(id, { enabled });
      else await api.updateRule(id, { enabled });
    } finally {
      data.retry();
    }
  };

  if (channels.length === 0) {
    return (
      <EmptyState
        missing="content"
        title="No notification channels yet"
        description={HOW_TO}
      />
    );
  }
  return (
    <>
      <Table<NotificationChannel>
        title="Channels"
        options={{ paging: false, search: false }}
        data={channels}
        columns={[
          { title: 'Name', field: 'name' },
          { title: 'Type', field: 'type' },
          {
            title: 'Target',
            render: c =>
              String(
                c.config.url ??
                  (c.config.to as string[] | undefined)?.join(', ') ??
                  (c.config.recipients as string[] | undefined)?.join(', ') ??
                  (c.secretNames.length
                    ? `secret: ${c.secretNames.join(', ')}`
                    : ''),
              ),
          },
          {
            title: 'Enabled',
            render: c => (
              <Switch
                checked={c.enabled}
                inputProps={{ 'aria-label': `Enable channel ${c.name}` }}
                onChange={(_, on) => toggle('channel', c.id, on)}
              />
            ),
          },
          {
            title: 'Test',
            render: c => (
              <>
                <Button size="small" onClick={() => test(c)}>
                  Test {c.name}
                </Button>
                <Typography variant="caption">{tested[c.id]}</Typography>
              </>
            ),
          },
        ]}
      />
      {rules.length === 0 ? (
        <EmptyState
          missing="content"
          title="No rules yet"
          description="A rule sends an event type (e.g. run.failed, drift.*) to channels; nothing is sent without one."
        />
      ) : (
        <Table<NotificationRule>
          title="Rules"
          options={{ paging: false, search: false }}
          data={rules}
          columns={[
            { title: 'Name', field: 'name' },
            { title: 'Event', field: 'eventType' },
            {
              title: 'Filter',
              render: r =>
                Object.entries(r.filter)
                  .map(([k, v]) => `${k}=${v}`)
                  .join(', ') || 'any',
            },
            {
              title: 'Channels',
              render: r => r.channelIds.map(channelName).join(', '),
            },
            {
              title: 'Enabled',
              render: r => (
                <Switch
                  checked={r.enabled}
                  inputProps={{ 'aria-label': `Enable rule ${r.name}` }}
                  onChange={(_, on) => toggle('rule', r.id, on)}
                />
              ),
            },
          ]}
        />
      )}
      <Table<NotificationDelivery>
        title="Recent deliveries"
        options={{ paging: false, search: false }}
        data={deliveries}
        localization={{
          body: { emptyDataSourceMessage: 'Nothing sent yet' },
        }}
        columns={[
          {
            title: 'When',
            render: d => new Date(d.createdAt).toLocaleString(),
          },
          { title: 'Channel', field: 'channelName' },
          { title: 'Event', field: 'eventType' },
          {
            title: 'Status',
            render: d => d.status + (d.error ? `: ${d.error}` : ''),
          },
          { title: 'Message', field: 'title' },
        ]}
      />
    </>
  );
}
