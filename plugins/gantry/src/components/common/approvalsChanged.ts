// The inbox and the sidebar badge live in different trees; after a decision
// the badge should not wait for its next poll to show the new count.
const listeners = new Set<() => void>();

export function notifyApprovalsChanged() {
  listeners.forEach(listener => listener());
}

/** Subscribes; returns the unsubscribe function (an effect's cleanup). */
export function onApprovalsChanged(listener: () => void): () => void {
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
  };
}
