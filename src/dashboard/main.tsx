/**
 * The dashboard: sign in with a key, then the usage of an account for a period, in a time zone.
 * Every figure comes from the public native API (api.ts); the view lives in the URL (view-state.ts).
 */
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { type Account, ApiError, getJson, UNAUTHORIZED } from './api.js';
import { Admin } from './pages/admin.js';
import { Billing } from './pages/billing.js';
import { Breakdown } from './pages/breakdown.js';
import { Countries } from './pages/countries.js';
import { Overview } from './pages/overview.js';
import { SignIn } from './pages/sign-in.js';
import { Sources } from './pages/sources.js';
import { Controls } from './parts/controls.js';
import { periodRange } from './period.js';
import { forgetKey, savedKey, saveKey, takeKeyFromFragment } from './session.js';
import { type Page, readViewState, type ViewState, viewQuery } from './view-state.js';
import './app.css';

interface Session {
  key: string;
  admin: boolean;
  accounts: Account[];
}

/** Checks a key against the API: which accounts it sees, and whether it is an admin key. */
async function openSession(key: string): Promise<Session> {
  const { accounts } = await getJson<{ accounts: Account[] }>(key, '/v1/accounts');
  // An admin key sees every key, its own ('*') included; an account key sees only its account's.
  const { keys } = await getJson<{ keys: { account: string }[] }>(key, '/v1/keys');
  const admin = keys.some((k) => k.account === '*');
  return { key, admin, accounts };
}

function App() {
  const [session, setSession] = useState<Session | undefined>();
  const [problem, setProblem] = useState<string | undefined>();
  const [checking, setChecking] = useState(true);
  const signIn = (key: string) => {
    setChecking(true);
    openSession(key).then(
      (s) => {
        saveKey(key);
        setSession(s);
        setProblem(undefined);
        setChecking(false);
      },
      (error: unknown) => {
        forgetKey();
        setSession(undefined);
        setProblem(
          error instanceof ApiError && error.status === 401
            ? `This key was refused: ${error.message}.`
            : error instanceof Error
              ? error.message
              : String(error),
        );
        setChecking(false);
      },
    );
  };
  useEffect(() => {
    takeKeyFromFragment();
    const key = savedKey();
    if (key) signIn(key);
    else setChecking(false);
    const expired = () => {
      forgetKey();
      setSession(undefined);
      setProblem('The key is no longer accepted (revoked or expired): sign in again.');
    };
    window.addEventListener(UNAUTHORIZED, expired);
    return () => window.removeEventListener(UNAUTHORIZED, expired);
  }, []);
  if (checking) return <p class="status">Checking the key…</p>;
  if (!session) return <SignIn onKey={signIn} problem={problem} />;
  return (
    <Shell
      session={session}
      onAccountsChanged={() => {
        openSession(session.key).then(setSession, () => undefined);
      }}
      onSignOut={() => {
        forgetKey();
        setSession(undefined);
      }}
    />
  );
}

function Shell({
  session,
  onSignOut,
  onAccountsChanged,
}: {
  session: Session;
  onSignOut: () => void;
  onAccountsChanged: () => void;
}) {
  const [view, setView] = useState<ViewState>(readViewState);
  useEffect(() => {
    const back = () => setView(readViewState());
    window.addEventListener('popstate', back);
    return () => window.removeEventListener('popstate', back);
  }, []);
  const change = (changes: Partial<ViewState>) => {
    const next = { ...view, ...changes };
    history.pushState(null, '', viewQuery(next));
    setView(next);
  };
  const account =
    session.accounts.find((a) => a.id === view.account) ?? (session.accounts[0] as Account | undefined);
  if (!account) return <p class="status error">This key sees no account.</p>;
  const tz = view.tz || account.timezone;
  const range = periodRange(view.period, tz, { from: view.from, to: view.to });
  const pages: [Page, string][] = [
    ['overview', 'Overview'],
    ['breakdown', 'Breakdown'],
    ['countries', 'Countries'],
    ['billing', 'Billing'],
    ...(session.admin
      ? ([
          ['sources', 'Sources'],
          ['admin', 'Admin'],
        ] as [Page, string][])
      : []),
  ];
  const breakdownDim = view.dim || 'resource';
  return (
    <div class="shell">
      <header>
        <h1>Tally usage</h1>
        <nav aria-label="Pages">
          {pages.map(([page, text]) => (
            <a
              key={page}
              href={viewQuery({ ...view, page })}
              aria-current={view.page === page ? 'page' : undefined}
              onClick={(e) => {
                e.preventDefault();
                change({ page });
              }}
            >
              {text}
            </a>
          ))}
        </nav>
        <button type="button" class="sign-out" onClick={onSignOut}>
          Sign out
        </button>
      </header>
      <Controls view={view} accounts={session.accounts} account={account} tz={tz} onChange={change} />
      <p class="period" data-from={range.from} data-to={range.to}>
        {account.id}: {range.from} to {range.to} (exclusive), {tz}
      </p>
      <main>
        {view.page === 'overview' && (
          <Overview
            apiKey={session.key}
            account={account.id}
            range={range}
            tz={tz}
            metric={view.metric}
            dim={view.dim}
          />
        )}
        {view.page === 'breakdown' && (
          <Breakdown
            apiKey={session.key}
            account={account.id}
            range={range}
            tz={tz}
            dims={view.dim2 && view.dim2 !== breakdownDim ? [breakdownDim, view.dim2] : [breakdownDim]}
          />
        )}
        {view.page === 'countries' && (
          <Countries apiKey={session.key} account={account.id} range={range} tz={tz} metric={view.metric} />
        )}
        {view.page === 'billing' && (
          <Billing apiKey={session.key} account={account.id} range={range} tz={tz} admin={session.admin} />
        )}
        {view.page === 'sources' && session.admin && <Sources apiKey={session.key} />}
        {view.page === 'admin' && session.admin && (
          <Admin apiKey={session.key} range={range} onAccountsChanged={onAccountsChanged} />
        )}
      </main>
    </div>
  );
}

const root = document.getElementById('app');
if (root) render(<App />, root);
