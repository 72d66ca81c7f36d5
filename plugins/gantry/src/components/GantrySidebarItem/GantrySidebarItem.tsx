import { useEffect, useMemo, useState } from 'react';
import { SidebarItem } from '@backstage/core-components';
import { IconComponent, useApi } from '@backstage/core-plugin-api';
import { Badge } from '@material-ui/core';
import { gantryApiRef } from '../../api';
import { onApprovalsChanged } from '../common/approvalsChanged';

/** How many approvals wait for the signed-in user, polled; 0 when unknown. */
export function usePendingApprovalsCount(pollMs = 30_000): number {
  const api = useApi(gantryApiRef);
  const [count, setCount] = useState(0);
  useEffect(() => {
    let stopped = false;
    const load = () =>
      api.countPendingApprovals().then(
        n => !stopped && setCount(n),
        // a badge is a hint: keep the last count rather than show an error
        () => {},
      );
    load();
    const timer = setInterval(load, pollMs);
    const unsubscribe = onApprovalsChanged(load);
    return () => {
      stopped = true;
      clearInterval(timer);
      unsubscribe();
    };
  }, [api, pollMs]);
  return count;
}

/**
 * The Gantry sidebar item, with the number of approvals waiting in the
 * signed-in user's inbox on its icon.
 */
export function GantrySidebarItem(props: {
  icon: IconComponent;
  to?: string;
  text?: string;
  /** Milliseconds between two counts. */
  pollMs?: number;
}) {
  const { icon: Icon, to = 'gantry', text = 'Gantry', pollMs } = props;
  const count = usePendingApprovalsCount(pollMs);
  // SidebarItem takes an icon component, so the badge wraps the icon itself
  const BadgedIcon = useMemo<IconComponent>(() => {
    const GantryIcon: IconComponent = iconProps => (
      <Badge
        badgeContent={count}
        max={99}
        color="secondary"
        overlap="rectangular"
        title={count ? `${count} approvals wait for you` : undefined}
      >
        <Icon {...iconProps} />
      </Badge>
    );
    return GantryIcon;
  }, [Icon, count]);
  return <SidebarItem icon={BadgedIcon} to={to} text={text} />;
}
