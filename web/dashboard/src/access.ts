// Pure helpers of the access pages (Team, API keys, Account, allowed
// origins): parsing and checking what people type before it goes to the API,
// which validates again (docs/API.md).

export const ROLES = [
  { id: 'admin', label: 'Admin', help: 'Everything, including users, projects, API keys and settings' },
  { id: 'member', label: 'Member', help: 'Reads everything; changes non-administrative things' },
  { id: 'viewer', label: 'Viewer', help: 'Read-only' },
] as const;

export const SCOPES = [
  { id: 'read', label: 'Read', help: 'Like a viewer: reads sessions, recordings and reports' },
  { id: 'read-write', label: 'Read and write', help: 'Like a member; never admin' },
] as const;

export const MIN_PASSWORD = 8;

/** Splits a textarea of origins (one per line, or separated by commas or spaces) into a list. */
export function parseOriginsText(text: string): string[] {
  return text
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter(Boolean);
}

/** Returns an error for the first entry that is not scheme://host[:port], or null. */
export function checkOrigins(origins: string[]): string | null {
  for (const o of origins) {
    let u: URL;
    try {
      u = new URL(o);
    } catch {
      return `"${o}" is not an origin: write scheme://host[:port], e.g. https://shop.example.`;
    }
    const bare = o.replace(/\/$/, '');
    if ((u.protocol !== 'https:' && u.protocol !== 'http:') || u.username || bare.toLowerCase() !== u.origin.toLowerCase()) {
      return `"${o}" is not an origin: write scheme://host[:port], e.g. https://shop.example.`;
    }
  }
  return null;
}

/** Checks a new password and its confirmation; null when fine. */
export function checkNewPassword(next: string, confirm: string): string | null {
  if ([...next].length < MIN_PASSWORD) return `Use at least ${MIN_PASSWORD} characters.`;
  if (next !== confirm) return 'The two new passwords differ.';
  return null;
}

/** What a listed key shows: its prefix and an ellipsis for the rest. */
export function maskedKey(prefix: string): string {
  return prefix + '…';
}
