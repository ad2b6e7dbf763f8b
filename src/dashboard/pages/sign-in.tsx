/** Sign in with a key: checked against the API before it is kept; a wrong or revoked key is said plainly. */
import { useState } from 'preact/hooks';

export function SignIn({ onKey, problem }: { onKey: (key: string) => void; problem: string | undefined }) {
  const [key, setKey] = useState('');
  return (
    <main class="sign-in">
      <h1>Tally usage</h1>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (key.trim() !== '') onKey(key.trim());
        }}
      >
        <label for="key">API key</label>
        <input
          id="key"
          name="key"
          type="password"
          autocomplete="off"
          value={key}
          onInput={(e) => setKey((e.target as HTMLInputElement).value)}
          required
        />
        <button type="submit">Sign in</button>
        {problem && (
          <p class="error" role="alert">
            {problem}
          </p>
        )}
      </form>
      <p class="hint">
        A native key (<code>npx tally keys create --account ID</code>, or the admin key{' '}
        <code>tally serve</code> printed). It stays in this tab only.
      </p>
    </main>
  );
}
