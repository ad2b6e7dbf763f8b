/** What was imported (admin key): each source with its checkpoint, counts and last import. */
import { getJson } from '../api.js';
import { showMetric } from '../format.js';
import { Figure } from '../parts/figure.js';
import { Failure, Loading } from '../parts/status.js';
import { useLoad } from '../parts/use-load.js';

interface Source {
  id: string;
  path: string;
  offset: number;
  lines: number;
  records: number;
  rejected: number;
  bytes_out: number;
  last_imported: string;
}

export function Sources({ apiKey }: { apiKey: string }) {
  const loaded = useLoad(() => getJson<{ sources: Source[] }>(apiKey, '/v1/sources'), [apiKey]);
  if (loaded.state === 'loading') return <Loading />;
  if (loaded.state === 'failed') return <Failure error={loaded.error} />;
  const { sources } = loaded.data;
  if (sources.length === 0) return <p class="status">Nothing imported yet.</p>;
  return (
    <table class="sources">
      <thead>
        <tr>
          <th scope="col">File</th>
          <th scope="col">Source</th>
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
        </tr>
      </thead>
      <tbody>
        {sources.map((s) => (
          <tr key={s.id}>
            <td>{s.path}</td>
            <td>
              <code>{s.id}</code>
            </td>
            <td class="number">{s.lines.toLocaleString('en-US')}</td>
            <td class="number">{s.records.toLocaleString('en-US')}</td>
            <td class="number">{s.rejected.toLocaleString('en-US')}</td>
            <td class="number">
              <Figure shown={showMetric('bytes_out', s.bytes_out)} />
            </td>
            <td>{s.last_imported}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
