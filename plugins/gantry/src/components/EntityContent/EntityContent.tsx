import { Entity } from '@backstage/catalog-model';
import { useEntity } from '@backstage/plugin-catalog-react';
import { ComponentGantryContent } from '../ComponentGantryContent/ComponentGantryContent';
import { GroupGantryContent } from '../GroupGantryContent/GroupGantryContent';

export const GANTRY_APPLICATION_ANNOTATION = 'gantry.dev/application';
export const GANTRY_PRODUCT_ANNOTATION = 'gantry.dev/product';

/** Show the Gantry tab for components Gantry deploys and for every group. */
export function isGantryAvailable(entity: Entity): boolean {
  if (entity.kind.toLocaleLowerCase('en-US') === 'group') return true;
  const annotations = entity.metadata.annotations ?? {};
  return Boolean(
    annotations[GANTRY_APPLICATION_ANNOTATION] ||
      annotations[GANTRY_PRODUCT_ANNOTATION],
  );
}

/** The Gantry tab: a component's application, or a team's providers, runs and approvals. */
export function EntityGantryContent() {
  const { entity } = useEntity();
  if (entity.kind.toLocaleLowerCase('en-US') === 'group')
    return <GroupGantryContent entity={entity} />;
  return (
    <ComponentGantryContent
      name={
        entity.metadata.annotations?.[GANTRY_APPLICATION_ANNOTATION] ??
        entity.metadata.name
      }
    />
  );
}
