import { useState } from 'react';
import { Box, Tab, Tabs } from '@material-ui/core';
import {
  Link as RouterLink,
  Route,
  Routes,
  useLocation,
} from 'react-router-dom';
import { CanonicalView } from '../CanonicalView';
import { TenantSelect } from '../common/TenantSelect';
import { DriftDashboard } from '../DriftDashboard';
import { DriftPolicySettings } from '../DriftPolicySettings';
import { EnvironmentPage } from '../EnvironmentPage';
import { EnvironmentsTab } from '../EnvironmentsTab';
import { IncidentPage } from '../IncidentPage';
import { PipelinesView } from '../PipelinesView';
import { PromotionPage } from '../PromotionPage';
import { PromotionsHistory } from '../PromotionsHistory';
import { PromotionWizard } from '../PromotionWizard';
import { useEnvironmentsPaths } from './paths';

const SECTIONS = [
  'pipelines',
  'promote',
  'promotions',
  'drift',
  'canonical',
] as const;

/**
 * The Environments tab: environments and their workflow matrix, pipelines,
 * the promotion wizard, the promotion history, and a page per environment.
 * Mount it under `<gantry root>/environments/*`; its routes are relative.
 */
export function EnvironmentsRoutes() {
  const paths = useEnvironmentsPaths();
  const { pathname } = useLocation();
  const [tenant, setTenant] = useState<string | undefined>();
  // an environment's page belongs to the first section
  const first = pathname.slice(paths.base.length).split('/')[1] ?? '';
  const section = (SECTIONS as readonly string[]).includes(first)
    ? first
    : 'environments';

  return (
    <>
      <Box display="flex" alignItems="center" mb={2}>
        <Tabs
          value={section}
          indicatorColor="primary"
          aria-label="Environments sections"
        >
          <Tab
            value="environments"
            label="Environments & matrix"
            component={RouterLink}
            to={paths.base}
          />
          <Tab
            value="pipelines"
            label="Pipelines"
            component={RouterLink}
            to={paths.pipelines}
          />
          <Tab
            value="promote"
            label="Promote"
            component={RouterLink}
            to={paths.promote()}
          />
          <Tab
            value="promotions"
            label="Promotions"
            component={RouterLink}
            to={paths.promotions}
          />
          <Tab
            value="drift"
            label="Drift"
            component={RouterLink}
            to={paths.drift}
          />
          <Tab
            value="canonical"
            label="Canonical"
            component={RouterLink}
            to={paths.canonical}
          />
        </Tabs>
        <Box flexGrow={1} />
        <TenantSelect value={tenant} onChange={setTenant} />
      </Box>
      <Routes>
        <Route path="/" element={<EnvironmentsTab tenant={tenant} />} />
        <Route path="pipelines" element={<PipelinesView tenant={tenant} />} />
        <Route path="promote" element={<PromotionWizard tenant={tenant} />} />
        <Route
          path="promotions"
          element={<PromotionsHistory tenant={tenant} />}
        />
        <Route
          path="promotions/:id"
          element={<PromotionPage tenant={tenant} />}
        />
        <Route path="drift" element={<DriftDashboard tenant={tenant} />} />
        <Route
          path="drift/policy"
          element={<DriftPolicySettings tenant={tenant} />}
        />
        <Route
          path="drift/incidents/:id"
          element={<IncidentPage tenant={tenant} />}
        />
        <Route path="canonical" element={<CanonicalView tenant={tenant} />} />
        <Route path=":name" element={<EnvironmentPage tenant={tenant} />} />
      </Routes>
    </>
  );
}
