/**
 * Admin (admin key): accounts (create, edit, suspend and resume), keys (create for any scheme,
 * the secret shown once with a request that works with it; revoke) and catalog stream targets
 * (create, archive). Every change goes through the admin API, as `tally` does.
 */
import { useState } from 'preact/hooks';
import { type Account, ApiError, getJson, sendJson } from '../api.js';
import { exampleRequest, type NewKey } from '../key-examples.js';
import { Failure, Loading } from '../parts/status.js';
import { useLoad } from '../parts/use-load.js';
import type { Range } from '../period.js';

const SCHEMES = ['native', 'scaleengine', 'wowza', 'ooyala', 'zendrive'] as const;

interface KeyRow {
  key: string;
  account: string;
  scheme: string;
  created: string;
  revoked: string | null;
  expires: string | null;
}
interface Entry {
  kind: string;
  id: string;
  account: string;
  name: string;
  type?: string;
  archived: boolean;
  deleted?: boolean;
}

const field = (form: HTMLFormElement, name: string) =>
  (form.elements.namedItem(name) as HTMLInputElement | HTMLSelectElement | null)?.value.trim() ?? '';

export function Admin({
  apiKey,
  range,
  onAccountsChanged,
}: {
  apiKey: string;
  range: Range;
  onAccountsChanged: () => void;
}) {
  const [version, setVersion] = useState(0);
  const [problem, setProblem] = useState<string | undefined>();
  const [created, setCreated] = useState<NewKey | undefined>();
  const loaded = useLoad(
    async () => {
      const [accounts, keys, catalog] = await Promise.all([
        getJson<{ accounts: Account[] }>(apiKey, '/v1/accounts'),
        getJson<{ keys: KeyRow[] }>(apiKey, '/v1/keys'),
        getJson<{ entries: Entry[] }>(apiKey, '/v1/catalog'),
      ]);
      return { accounts: accounts.accounts, keys: keys.keys, entries: catalog.entries };
    },
    [apiKey, version],
    true,
  );
  /** Runs a change; then reloads, or shows the API's refusal. */
  const act = async (change: () => Promise<unknown>, accountsChanged = false) => {
    setProblem(undefined);
    try {
      await change();
      setVersion((v) => v + 1);
      if (accountsChanged) onAccountsChanged();
    } catch (error) {
      setProblem(error instanceof ApiError ? error.message : String(error));
    }
  };
  if (loaded.state === 'loading') return <Loading />;
  if (loaded.state === 'failed') return <Failure error={loaded.error} />;
  const { accounts, keys, entries } = loaded.data;
  const example =
    created &&
    exampleRequest(
      created,
      window.location.origin,
      accounts.find((a) => a.id === created.account)?.number,
      range.from,
      range.to,
    );
  return (
    <section class="admin" aria-labelledby="admin-title">
      <h2 id="admin-title">Admin</h2>
      {problem && (
        <p class="error" role="alert">
          {problem}
        </p>
      )}

      <h3>Accounts</h3>
      <table class="accounts">
        <thead>
          <tr>
            <th scope="col">Account</th>
            <th scope="col">Number</th>
            <th scope="col">Name</th>
            <th scope="col">Time zone</th>
            <th scope="col">Billing day</th>
            <th scope="col">Status</th>
          </tr>
        </thead>
        <tbody>
          {accounts.map((a) => (
            <tr key={a.id} data-account={a.id}>
              <td>{a.id}</td>
              <td>{a.number}</td>
              <td>{a.name}</td>
              <td>{a.timezone}</td>
              <td>{a.billingDay}</td>
              <td>
                {a.suspended ? 'suspended' : 'active'}{' '}
                <button
                  type="button"
                  onClick={() =>
                    act(() =>
                      sendJson(apiKey, 'PATCH', `/v1/accounts/${encodeURIComponent(a.id)}`, {
                        suspended: !a.suspended,
                      }),
                    )
                  }
                >
                  {a.suspended ? `Resume ${a.id}` : `Suspend ${a.id}`}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <form
        class="admin-form"
        aria-label="Create or edit an account"
        onSubmit={(e) => {
          e.preventDefault();
          const form = e.currentTarget;
          const id = field(form, 'id');
          const changes: Record<string, unknown> = {};
          for (const name of ['name', 'timezone']) if (field(form, name)) changes[name] = field(form, name);
          if (field(form, 'billingDay')) changes.billingDay = Number(field(form, 'billingDay'));
          const exists = accounts.some((a) => a.id === id);
          void act(
            () =>
              exists
                ? sendJson(apiKey, 'PATCH', `/v1/accounts/${encodeURIComponent(id)}`, changes)
                : sendJson(apiKey, 'POST', '/v1/accounts', { id, ...changes }),
            true,
          );
        }}
      >
        <label>
          Id <input name="id" required />
        </label>
        <label>
          Name <input name="name" />
        </label>
        <label>
          Time zone <input name="timezone" placeholder="Europe/Berlin" />
        </label>
        <label>
          Billing day <input name="billingDay" type="number" min="1" max="28" />
        </label>
        <button type="submit">Save account</button>
        <span class="hint">
          An existing id is edited (only the fields given change); a new one is created.
        </span>
      </form>

      <h3>Keys</h3>
      {created && example && (
        <div class="secret" role="status">
          <p>
            New {created.scheme} key for <strong>{created.account}</strong>: <code>{created.key}</code>. Its
            secret, shown this once: <code class="secret-value">{created.secret}</code>
          </p>
          <p>A request that works with it:</p>
          <pre>
            <code class="example">{example}</code>
          </pre>
          <button type="button" onClick={() => void navigator.clipboard?.writeText(example)}>
            Copy the request
          </button>{' '}
          <button type="button" onClick={() => setCreated(undefined)}>
            Done: hide the secret
          </button>
        </div>
      )}
      <form
        class="admin-form"
        aria-label="Create a key"
        onSubmit={(e) => {
          e.preventDefault();
          const form = e.currentTarget;
          const account = field(form, 'keyAccount');
          const expires = field(form, 'expires');
          const body = {
            scheme: field(form, 'scheme'),
            ...(account === '*' ? { admin: true } : { account }),
            ...(expires ? { expires: new Date(expires).toISOString() } : {}),
          };
          void act(async () => setCreated(await sendJson<NewKey>(apiKey, 'POST', '/v1/keys', body)));
        }}
      >
        <label>
          For{' '}
          <select name="keyAccount">
            {accounts.map((a) => (
              <option key={a.id} value={a.id}>
                {a.id}
              </option>
            ))}
            <option value="*">every account (admin)</option>
          </select>
        </label>
        <label>
          Scheme{' '}
          <select name="scheme">
            {SCHEMES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <label>
          Expires <input name="expires" type="datetime-local" />
        </label>
        <button type="submit">Create key</button>
      </form>
      <table class="keys">
        <thead>
          <tr>
            <th scope="col">Key</th>
            <th scope="col">Account</th>
            <th scope="col">Scheme</th>
            <th scope="col">Created</th>
            <th scope="col">Expires</th>
            <th scope="col">Status</th>
          </tr>
        </thead>
        <tbody>
          {keys.map((k) => (
            <tr key={k.key} data-key={k.key}>
              <td>
                <code>{k.key.length > 24 ? `${k.key.slice(0, 20)}…` : k.key}</code>
              </td>
              <td>{k.account}</td>
              <td>{k.scheme}</td>
              <td>{k.created}</td>
              <td>{k.expires ?? ''}</td>
              <td>
                {k.revoked ? (
                  `revoked ${k.revoked}`
                ) : (
                  <button
                    type="button"
                    onClick={() =>
                      act(() => sendJson(apiKey, 'DELETE', `/v1/keys/${encodeURIComponent(k.key)}`))
                    }
                  >
                    Revoke {k.scheme} key of {k.account}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>

      <h3>Catalog</h3>
      <table class="catalog">
        <thead>
          <tr>
            <th scope="col">Kind</th>
            <th scope="col">Id</th>
            <th scope="col">Account</th>
            <th scope="col">Name</th>
            <th scope="col">Type</th>
            <th scope="col">Status</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((e) => (
            <tr key={`${e.kind}:${e.id}`} data-entry={e.id}>
              <td>{e.kind}</td>
              <td>{e.id}</td>
              <td>{e.account}</td>
              <td>{e.name}</td>
              <td>{e.type ?? ''}</td>
              <td>
                {e.deleted ? 'deleted' : e.archived ? 'archived' : 'active'}{' '}
                {!e.archived && (
                  <button
                    type="button"
                    onClick={() =>
                      act(() =>
                        sendJson(apiKey, 'DELETE', `/v1/catalog/${e.kind}s/${encodeURIComponent(e.id)}`),
                      )
                    }
                  >
                    Archive {e.name}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <CatalogForm
        accounts={accounts}
        onCreate={(kind, body) => act(() => sendJson(apiKey, 'POST', `/v1/catalog/${kind}s`, body))}
      />
    </section>
  );
}

/** A new catalog entry: a stream target or VOD stream (with the app whose usage it gets), or a transcoder. */
function CatalogForm({
  accounts,
  onCreate,
}: {
  accounts: Account[];
  onCreate: (kind: string, body: Record<string, unknown>) => void;
}) {
  const [kind, setKind] = useState('stream_target');
  return (
    <form
      class="admin-form"
      aria-label="Create a catalog entry"
      onSubmit={(e) => {
        e.preventDefault();
        const form = e.currentTarget;
        const base = { account: field(form, 'targetAccount'), name: field(form, 'targetName') };
        if (kind === 'transcoder') {
          onCreate(kind, {
            ...base,
            transcoder_type: field(form, 'transcoderType'),
            billing_mode: field(form, 'billingMode'),
          });
          return;
        }
        const app = field(form, 'matchApp');
        onCreate(kind, {
          ...base,
          type: field(form, 'targetType'),
          ...(app ? { match: { apps: [app] } } : {}),
        });
      }}
    >
      <label>
        Kind{' '}
        <select
          name="entryKind"
          value={kind}
          onChange={(e) => setKind((e.target as HTMLSelectElement).value)}
        >
          <option value="stream_target">stream target</option>
          <option value="vod_stream">VOD stream</option>
          <option value="transcoder">transcoder</option>
        </select>
      </label>
      <label>
        Account{' '}
        <select name="targetAccount">
          {accounts.map((a) => (
            <option key={a.id} value={a.id}>
              {a.id}
            </option>
          ))}
        </select>
      </label>
      <label>
        Name <input name="targetName" required />
      </label>
      {kind === 'transcoder' ? (
        <>
          <label>
            Transcoder type{' '}
            <select name="transcoderType">
              <option value="transcoded">transcoded</option>
              <option value="passthrough">passthrough</option>
            </select>
          </label>
          <label>
            Billing mode{' '}
            <select name="billingMode">
              <option value="pay_as_you_go">pay as you go</option>
              <option value="twentyfour_seven">24/7</option>
            </select>
          </label>
        </>
      ) : (
        <>
          <label>
            Type{' '}
            <select name="targetType">
              <option value="fastly">fastly</option>
              {kind === 'stream_target' && <option value="ull">ull (ultra low latency)</option>}
            </select>
          </label>
          <label>
            Usage of app <input name="matchApp" />
          </label>
        </>
      )}
      <button type="submit">Create {kind.replace('_', ' ')}</button>
    </form>
  );
}
