/** HTML of the emulator's OAuth2 pages: the stand-in sign-in page, the error page, and the default landing pages. */

/** Escapes text for HTML content and attribute values. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!)
}

const STYLE = `
:root { color-scheme: light dark; --fg: #1d1d23; --muted: #5d5d6b; --bg: #f4f4f7; --card: #fff; --line: #dcdce3;
  --accent: #fd366e; --accent-fg: #fff; --note: #fff6e0; --note-line: #f0d58c; --bad: #b3261e; }
@media (prefers-color-scheme: dark) { :root { --fg: #ececf1; --muted: #a3a3b2; --bg: #17171c; --card: #222229;
  --line: #3a3a45; --note: #3a3320; --note-line: #6b5a2a; --bad: #ff8a80; } }
* { box-sizing: border-box; }
body { margin: 0; min-height: 100vh; display: grid; place-items: center; padding: 24px; background: var(--bg);
  color: var(--fg); font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
main { width: 100%; max-width: 420px; background: var(--card); border: 1px solid var(--line); border-radius: 12px;
  padding: 28px; box-shadow: 0 6px 24px rgb(0 0 0 / 0.06); }
.brand { display: flex; align-items: center; gap: 12px; margin-bottom: 16px; }
.logo { width: 44px; height: 44px; border-radius: 10px; display: grid; place-items: center; font-weight: 700;
  font-size: 20px; background: var(--fg); color: var(--card); flex: none; }
h1 { font-size: 20px; margin: 0; line-height: 1.25; }
.sub { color: var(--muted); font-size: 13px; margin: 2px 0 0; }
.note { background: var(--note); border: 1px solid var(--note-line); border-radius: 8px; padding: 10px 12px;
  font-size: 13px; margin: 0 0 16px; }
.meta { color: var(--muted); font-size: 13px; margin: 0 0 12px; }
.error { color: var(--bad); font-weight: 600; margin: 0 0 12px; }
code { font: 12px/1.4 ui-monospace, SFMono-Regular, Menlo, monospace; background: var(--bg); padding: 1px 5px;
  border-radius: 4px; word-break: break-all; }
label { display: block; font-weight: 600; font-size: 13px; margin: 14px 0 4px; }
input { width: 100%; padding: 9px 11px; border: 1px solid var(--line); border-radius: 8px; font: inherit;
  background: var(--card); color: var(--fg); }
input:focus { outline: 2px solid var(--accent); outline-offset: 1px; }
.actions { display: flex; flex-direction: row-reverse; gap: 10px; margin-top: 22px; }
button, .button { flex: 1; padding: 10px 14px; border-radius: 8px; border: 1px solid var(--line); font: inherit;
  font-weight: 600; cursor: pointer; background: var(--card); color: var(--fg); text-align: center; text-decoration: none; }
button.primary, .button.primary { background: var(--accent); border-color: var(--accent); color: var(--accent-fg); }
footer { margin-top: 18px; color: var(--muted); font-size: 12px; text-align: center; }
`

function layout(title: string, body: string, script = ''): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
${body}
<footer>Appwrite emulator · stand-in pages for local development and tests</footer>
</main>${script}
</body>
</html>
`
}

export interface SignInPageView {
  provider: string
  providerName: string
  projectId: string
  state: string
  token: boolean
  scopes: string[]
  /** Where the browser goes afterwards (`scheme://host` of `success`), so nobody is sent somewhere unexpected. */
  returnTo: string
  /** Who the identity will be linked to, when somebody was signed in as the flow began. */
  linkedTo: string | null
  /** The form's previous values and what was wrong with them, when it is shown again. */
  email?: string
  name?: string
  error?: string
}

/** The page that stands in for the provider's sign-in: an email, a name, Continue and Cancel. */
export function signInPage(view: SignInPageView): string {
  const name = escapeHtml(view.providerName)
  const scopes = view.scopes.length ? `<p class="meta">Requested scopes: ${view.scopes.map((s) => `<code>${escapeHtml(s)}</code>`).join(' ')}</p>` : ''
  const linked = view.linkedTo
    ? `<p class="meta">You are signed in to the app as <strong>${escapeHtml(view.linkedTo)}</strong>; this ${name} account will be linked to it.</p>`
    : ''
  const error = view.error ? `<p class="error" role="alert">${escapeHtml(view.error)}</p>` : ''
  const returns = view.token ? 'a one-time token to exchange for a session' : 'a session cookie'
  const body = `<div class="brand"><div class="logo" aria-hidden="true">${escapeHtml(view.providerName.charAt(0))}</div>
<div><h1>Sign in with ${name}</h1><p class="sub">Project <code>${escapeHtml(view.projectId)}</code></p></div></div>
<p class="note">This is the <strong>Appwrite emulator</strong> standing in for ${name}. Nothing is sent to ${name}:
type any email and name and you are signed in as that ${name} user. The same email always returns the same account.</p>
<p class="meta">On success you return to <code>${escapeHtml(view.returnTo)}</code> with ${returns}.</p>
${linked}${scopes}${error}<form method="post" action="/_emulator/oauth2/${encodeURIComponent(view.provider)}/authorize">
<input type="hidden" name="state" value="${escapeHtml(view.state)}">
<label for="email">Email</label>
<input id="email" name="email" type="email" required autofocus autocomplete="email" placeholder="you@example.com" value="${escapeHtml(view.email ?? '')}">
<label for="name">Name</label>
<input id="name" name="name" type="text" maxlength="128" autocomplete="name" placeholder="Your name" value="${escapeHtml(view.name ?? '')}">
<div class="actions">
<button type="submit" class="primary" name="action" value="allow">Continue</button>
<button type="submit" name="action" value="cancel" formnovalidate>Cancel</button>
</div>
</form>`
  return layout(`Sign in with ${view.providerName} · Appwrite emulator`, body)
}

/** Appwrite's error page for the OAuth2 routes (its `error` label), in the emulator's words. */
export function errorPage(error: { code: number; type: string; message: string }): string {
  const body = `<h1>Error ${escapeHtml(String(error.code))}</h1>
<p class="sub"><code>${escapeHtml(error.type)}</code></p>
<p>${escapeHtml(error.message)}</p>
<p class="meta">The Appwrite emulator shows this page where Appwrite shows its own error page. Go back to the app and try again.</p>`
  return layout(`Error ${error.code} · Appwrite emulator`, body)
}

/**
 * The default `success`/`failure` landing pages (`/auth/oauth2/success|failure`), which Appwrite's console serves.
 * When the query names a project, they hand the query over to `appwrite-callback-<projectId>://`, where the mobile
 * SDKs wait for it.
 */
export function landingPage(kind: 'success' | 'failure', query: string, projectId: string | null, error: string | null): string {
  const callback = projectId ? `appwrite-callback-${projectId}://${query ? `?${query}` : ''}` : null
  const title = kind === 'success' ? 'Signed in' : 'Sign-in failed'
  const text = kind === 'success' ? 'The sign-in finished. You can close this window and return to the app.' : 'The sign-in did not finish.'
  const body = `<h1>${title}</h1>
<p>${text}</p>${error ? `\n<p class="error">${escapeHtml(error)}</p>` : ''}
<p class="meta">This is the default ${kind} page; pass <code>${kind}</code> to send users back to your app instead.</p>${
    callback ? `\n<p><a class="button primary" href="${escapeHtml(callback)}">Return to the app</a></p>` : ''
  }`
  // JSON with "<" escaped cannot close the script element.
  const script = callback ? `\n<script>location.replace(${JSON.stringify(callback).replace(/</g, '\\u003c')})</script>` : ''
  return layout(`${title} · Appwrite emulator`, body, script)
}
