import { render } from 'preact'
import { useEffect, useMemo, useState } from 'preact/hooks'
import { control, EventStream, setToken } from './api.js'
import { Explorer } from './explorer.js'
import { StateView, STATE_TABS, type StateTab } from './state.js'
import { useIdentities, type Identity } from './identities.js'
import { Requests } from './requests.js'
import { Actions } from './actions.js'

interface ProjectSummary {
  $id: string
  users: number
  teams: number
  files: number
  messages: number
  executions: number
}

type Tab = 'explorer' | 'requests' | 'actions' | StateTab
const TABS: Tab[] = ['explorer', 'requests', ...STATE_TABS, 'actions']

const TAB_LABELS: Record<Tab, string> = { explorer: 'API explorer', users: 'Users', teams: 'Teams', databases: 'Databases', storage: 'Storage', functions: 'Functions', outbox: 'Outbox', topics: 'Topics', requests: 'Requests', actions: 'Actions' }

// The address says where the console is: `#/<project>/<tab>`, so a view can be bookmarked and reloaded.
function readHash(): { project: string; tab: Tab } {
  const [, project, tab] = location.hash.split('/')
  const known = (TABS as string[]).includes(tab)
  return { project: project ? decodeURIComponent(project) : localStorage.getItem('console-project') || 'default', tab: known ? (tab as Tab) : 'explorer' }
}

function App() {
  const [{ project, tab }, setPlace] = useState(readHash)
  const [projects, setProjects] = useState<ProjectSummary[]>([])
  const [draft, setDraft] = useState(project)
  const stream = useMemo(() => new EventStream(project), [project])
  useEffect(() => () => stream.close(), [stream])
  const identities = useIdentities(project, stream)

  useEffect(() => {
    const onHash = () => setPlace(readHash())
    addEventListener('hashchange', onHash)
    return () => removeEventListener('hashchange', onHash)
  }, [])
  useEffect(() => {
    localStorage.setItem('console-project', project)
    const target = `#/${encodeURIComponent(project)}/${tab}`
    if (location.hash !== target) history.replaceState(null, '', target)
  }, [project, tab])
  useEffect(() => {
    const load = () => control<{ projects: ProjectSummary[] }>('/projects').then((r) => setProjects(r.projects), () => {})
    load()
    return stream.listen(load)
  }, [stream])

  const go = (next: Partial<{ project: string; tab: Tab }>) => setPlace((p) => ({ ...p, ...next }))
  const signInAs = (identity: Identity) => {
    identities.select(identity)
    go({ tab: 'explorer' })
  }

  return (
    <div class="shell">
      <header class="top">
        <h1>Appwrite emulator</h1>
        <form
          class="project-picker"
          onSubmit={(e) => {
            e.preventDefault()
            if (draft.trim()) go({ project: draft.trim() })
          }}
        >
          <label for="project">Project</label>
          <input id="project" list="projects" value={draft} onInput={(e) => setDraft(e.currentTarget.value)} autocomplete="off" spellcheck={false} />
          <datalist id="projects">
            {projects.map((p) => (
              <option key={p.$id} value={p.$id}>{`${p.users} users · ${p.files} files · ${p.messages} messages`}</option>
            ))}
          </datalist>
          <button type="submit">Open</button>
        </form>
        <div class="identity-picker">
          <label for="identity">Run as</label>
          <select id="identity" value={identities.current.key} onChange={(e) => identities.selectKey(e.currentTarget.value)}>
            {identities.all.map((i) => (
              <option key={i.key} value={i.key}>
                {i.label}
              </option>
            ))}
          </select>
        </div>
        <button
          type="button"
          class="danger"
          onClick={() => {
            if (!confirm(`Reset project ${project}? Every user, session, document, file and message of it is deleted.`)) return
            control(`/projects/${encodeURIComponent(project)}`, { method: 'DELETE' }).then(() => location.reload(), (e: Error) => alert(e.message))
          }}
        >
          Reset project
        </button>
      </header>
      <nav class="tabs" aria-label="Views">
        {TABS.map((t) => (
          <a key={t} href={`#/${encodeURIComponent(project)}/${t}`} aria-current={t === tab ? 'page' : undefined} onClick={() => go({ tab: t })}>
            {TAB_LABELS[t]}
          </a>
        ))}
      </nav>
      <main id="main">
        {tab === 'explorer' ? (
          <Explorer project={project} identities={identities} stream={stream} />
        ) : tab === 'requests' ? (
          <Requests project={project} stream={stream} />
        ) : tab === 'actions' ? (
          <Actions project={project} stream={stream} onOpenProject={(id) => (setDraft(id), go({ project: id }))} />
        ) : (
          <StateView tab={tab} project={project} stream={stream} identities={identities} onSignInAs={signInAs} />
        )}
      </main>
    </div>
  )
}

// A control token arrives once in the address (`/console?token=…`); it is kept for this tab and taken out of the URL.
const token = new URLSearchParams(location.search).get('token')
if (token) {
  setToken(token)
  history.replaceState(null, '', location.pathname + location.hash)
}

render(<App />, document.getElementById('app')!)
