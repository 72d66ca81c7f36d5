import { useState } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import { TextField, Typography } from '@material-ui/core';
import { CanonicalSource, gantryDriftApiRef } from '../../api/DriftApi';
import { FormDialog } from '../common/FormDialog';

/** Sets the tenant's canonical repository; the backend clones it at once. */
export function CanonicalSourceDialog(props: {
  source: CanonicalSource | null;
  tenant?: string;
  onClose: () => void;
  onSaved: (workflows: number) => void;
}) {
  const api = useApi(gantryDriftApiRef);
  const [gitUrl, setGitUrl] = useState(props.source?.gitUrl ?? '');
  const [ref, setRef] = useState(props.source?.ref ?? 'main');
  const [path, setPath] = useState(props.source?.path ?? 'workflows');
  return (
    <FormDialog
      title="Canonical repository"
      submitLabel="Save and sync"
      busyLabel="Cloning…"
      canSubmit={gitUrl.trim() !== ''}
      onClose={props.onClose}
      submit={async () => {
        const result = await api.setCanonicalSource(
          {
            gitUrl: gitUrl.trim(),
            ref: ref.trim() || undefined,
            path: path.trim() || undefined,
          },
          { tenant: props.tenant },
        );
        props.onSaved(result.workflows.length);
      }}
    >
      <Typography variant="body2" paragraph>
        The git repository holding the tenant&apos;s canonical workflows, one{' '}
        <code>&lt;name&gt;.json</code> or <code>&lt;name&gt;.yaml</code> a
        workflow in the folder below.
      </Typography>
      <TextField
        id="canonical-git-url"
        label="Git URL"
        helperText="https, ssh, git or file URL, or an absolute local path"
        value={gitUrl}
        onChange={e => setGitUrl(e.target.value)}
        fullWidth
        margin="dense"
      />
      <TextField
        id="canonical-ref"
        label="Branch, tag or commit"
        value={ref}
        onChange={e => setRef(e.target.value)}
        fullWidth
        margin="dense"
      />
      <TextField
        id="canonical-path"
        label="Folder"
        value={path}
        onChange={e => setPath(e.target.value)}
        fullWidth
        margin="dense"
      />
    </FormDialog>
  );
}
