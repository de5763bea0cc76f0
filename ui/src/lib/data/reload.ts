/**
 * Starts the window over after the store was replaced (a restore): every view and state
 * class reads the restored data from scratch, and the start screen follows the store's
 * status (ready, or asking for the backup's passphrase).
 */
export function reloadApp(): void {
  window.location.reload();
}
