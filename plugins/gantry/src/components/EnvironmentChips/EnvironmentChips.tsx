import { Chip } from '@material-ui/core';

const GREEN = '#2e7d32';
const RED = '#c62828';
const ORANGE = '#ef6c00';
const BLUE = '#1565c0';
const GREY = '#757575';
const BROWN = '#6d4c41';

// one palette per vocabulary: the same word may mean different things
const PALETTES: Record<string, Record<string, string>> = {
  class: { dev: BLUE, staging: ORANGE, production: RED },
  health: { healthy: GREEN, unhealthy: RED, unknown: GREY },
  risk: { none: GREY, low: GREEN, medium: ORANGE, high: RED },
  diff: {
    ADDED: GREEN,
    MODIFIED: BLUE,
    TARGET_ONLY: GREY,
    UNCHANGED: '#9e9e9e',
    TARGET_HOTFIX: ORANGE,
  },
  result: { applied: GREEN, failed: RED, skipped: GREY },
  promotion: {
    PENDING: GREY,
    PENDING_APPROVAL: ORANGE,
    APPROVED: BLUE,
    RUNNING: BLUE,
    COMPLETED: GREEN,
    FAILED: RED,
    REJECTED: RED,
    CANCELLED: BROWN,
    ROLLED_BACK: BROWN,
  },
};

/** "PENDING_APPROVAL" → "pending approval". */
export function words(value: string): string {
  return value.toLowerCase().replace(/_/g, ' ');
}

function ColorChip(props: {
  kind: keyof typeof PALETTES;
  value: string;
  label?: string;
}) {
  return (
    <Chip
      size="small"
      label={props.label ?? words(props.value)}
      data-kind={props.kind}
      data-value={props.value}
      style={{
        backgroundColor: PALETTES[props.kind][props.value] ?? GREY,
        color: '#fff',
      }}
    />
  );
}

export const ClassChip = ({ value }: { value: string }) => (
  <ColorChip kind="class" value={value} />
);

export const HealthChip = ({ value }: { value: string }) => (
  <ColorChip kind="health" value={value} />
);

export const RiskChip = ({ value }: { value: string }) => (
  <ColorChip kind="risk" value={value} label={`${value} risk`} />
);

/** A diff status; `label` lets a comparison call TARGET_ONLY "removed". */
export const DiffStatusChip = (props: { value: string; label?: string }) => (
  <ColorChip kind="diff" value={props.value} label={props.label} />
);

export const PromotionStatusChip = ({ value }: { value: string }) => (
  <ColorChip kind="promotion" value={value} />
);

/** What a promotion did to one workflow: applied, failed or skipped. */
export const ResultChip = ({ value }: { value: string }) => (
  <ColorChip kind="result" value={value} />
);

/** The first characters of a content hash or commit, enough to tell them apart. */
export function shortHash(hash?: string, length = 8): string {
  return hash ? hash.slice(0, length) : '';
}
