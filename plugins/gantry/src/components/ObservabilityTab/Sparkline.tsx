/** A small inline SVG line of a series; gaps (null) are skipped. */
export function Sparkline(props: {
  values: Array<number | null>;
  label: string;
  width?: number;
  height?: number;
}) {
  const { values, label, width = 120, height = 28 } = props;
  const known = values.filter((v): v is number => v !== null);
  if (known.length === 0) {
    return (
      <svg
        role="img"
        aria-label={`${label}: no data`}
        width={width}
        height={height}
      />
    );
  }
  const min = Math.min(...known);
  const span = Math.max(...known) - min || 1;
  const step = values.length > 1 ? width / (values.length - 1) : 0;
  const points = values
    .map((v, i) =>
      v === null
        ? undefined
        : `${(i * step).toFixed(1)},${(
            height -
            2 -
            ((v - min) / span) * (height - 4)
          ).toFixed(1)}`,
    )
    .filter(Boolean)
    .join(' ');
  return (
    <svg role="img" aria-label={label} width={width} height={height}>
      <polyline
        points={points}
        fill="none"
        stroke="currentColor"
        strokeWidth={1.5}
      />
    </svg>
  );
}
