/** What was imported (admin key): each source with its checkpoint, counts and last import, and its latest rejects. */
import { useState } from 'preact/hooks';
import type { SourceView } from '../../query/source-view.js';
import { getJson } from '../api.js';
import { showMetric } from '../format.js';
import { Figure } from '../parts/figure.js';
import { Failure, Loading } from '../parts/status.js';
import { useLoad } from '../parts/use-load.js';

/** A source as GET /v1/sources answers it: the view the API and the CLI share. */
interface Source extends SourceView {
  /** Files the server follows: bytes not yet imported. */
  follow_lag_bytes?: number;
}

interface Rejects {
  path: string;
  rejected: number;
  rejects: { line: number; reason: string; rejects_file: string }[];
}

/** The latest rejects of one source: line numbers and reasons (the lines' text stays on the server). */
function LatestRejects({ apiKey, source }: { apiKey: string; source: string }) {
  const loaded = useLoad(
    () => getJson<Rejects>(apiKey, `/v1/sources/${encodeURIComponent(source)}/rejects`, { limit: '20' }),
    [apiKey, source],
  );
  if (loaded.state === 'loading') return <Loading />;
  if (loaded.state === 'failed') return <Failure error={loaded.error} />;
  const { rejects, rejected } = loaded.data;
  return (
    <div class="rejects" data-source={source}>
      <p>
        The latest {rejects.length} of {rejected.toLocaleString('en-US')} rejected lines (their text is in{' '}
        <code>{rejects[0]?.rejects_file ?? 'the rejects files'}</code> on the server):
      </p>
      <ol>
        {rejects.map((r) => (
          <li key={`${r.rejects_file}:${r.line}`} data-line={r.line}>
            line {r.line}: {r.reason}
          </li>
        ))}
      </ol>
    </div>
  );
}

export function Sources({ apiKey }: { apiKey: string }) {
  const [open, setOpen] = useState<string | undefined>();
  const loaded = useLoad(() => getJson<{ sources: Source[] }>(apiKey, '/v1/sources'), [apiKey]);
  if (loaded.state === 'loading') return <Loading />;
  if (loaded.state === 'failed') return <Failure error={loaded.error} />;
  const { sources } = loaded.data;
  if (sources.length === 0) return <p class="status">Nothing imported yet.</p>;
  return (
    <>
      <table class="sources">
        <thead>
          <tr>
            <th scope="col">File</th>
            <th scope="col">Source</th>
            <th scope="col">Format</th>
            <th scope="col" class="number">
              Lines
            </th>
            <th scope="col" class="number">
              Records
            </th>
            <th scope="col" class="number">
              Rejected
            </th>
            <th scope="col" class="number">
              Bytes out
            </th>
            <th scope="col">Last import</th>
            <th scope="col" class="number">
              Follow lag
            </th>
          </tr>
        </thead>
        <tbody>
          {sources.map((s) => (
            <tr key={s.id}>
              <td>{s.path}</td>
              <td>
                <code>{s.id}</code>
              </td>
              <td data-format={s.format ?? ''}>{s.format ?? <span class="muted">unknown</span>}</td>
              <td class="number">{s.lines.toLocaleString('en-US')}</td>
              <td class="number">{s.records.toLocaleString('en-US')}</td>
              <td class="number">
                {s.rejected.toLocaleString('en-US')}
                {s.rejected > 0 && (
                  <>
                    {' '}
                    <button type="button" onClick={() => setOpen(open === s.id ? undefined : s.id)}>
                      {open === s.id ? 'Hide' : 'Show'} rejects of {s.id}
                    </button>
                  </>
                )}
              </td>
              <td class="number">
                <Figure shown={showMetric('bytes_out', s.bytes_out)} />
              </td>
              <td>{s.last_imported}</td>
              <td class="number" data-lag={s.follow_lag_bytes ?? ''}>
                {s.follow_lag_bytes === undefined ? (
                  <span class="muted">not followed</span>
                ) : (
                  <Figure shown={showMetric('bytes_out', s.follow_lag_bytes)} />
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {open && <LatestRejects apiKey={apiKey} source={open} />}
    </>
  );
}
