/**
 * The commands `tally demo` prints, one per API, each working as printed against the demo server
 * (the end-to-end test runs every one). One line each, so they can be copied whole.
 */
import type { DemoKeys } from './demo-keys.js';

export interface DemoSetting {
  url: string;
  /** The demo month: `YYYY-MM`. */
  month: string;
  keys: DemoKeys;
  /** acme's number (ScaleEngine `cdn`, ZenDRIVE `service_id`). */
  acmeNumber: number;
  /** The PHP file of seed 000's example, filled in for the demo. */
  phpFile: string;
}

export interface DemoCommand {
  title: string;
  command: string;
}

function nextMonth(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
}

function lastDay(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return `${month}-${String(new Date(Date.UTC(y, m, 0)).getUTCDate()).padStart(2, '0')}`;
}

export function demoCommands(s: DemoSetting): DemoCommand[] {
  const { url, month, keys } = s;
  const from = `${month}-01`;
  const to = `${nextMonth(month)}-01`;
  const bearer = (key: string) => `-H "Authorization: Bearer ${key}"`;
  const wowzaRange = `from=${from}%2000:00:00&to=${to}%2000:00:00`;
  const wowzaHeaders = `-H "wsc-api-key: ${keys.wowza.secret}" -H "wsc-access-key: ${keys.wowza.id}"`;
  const targets = `${url}/api/v1.6/usage/stream_targets?${wowzaRange}`;
  const ooyala = `${url}/v3/billing/usage/period/provider/acme/metric/vod_bytes_delivered?type=month&period=${month}`;
  return [
    {
      title: 'Native API: acme over the month',
      command: `curl -s ${bearer(keys.admin.secret)} "${url}/v1/usage?account=acme&from=${from}&to=${to}&metrics=requests,bytes_out,unique_viewers,view_seconds"`,
    },
    {
      title: 'Native API: globex by day',
      command: `curl -s ${bearer(keys.admin.secret)} "${url}/v1/usage?account=globex&from=${from}&to=${to}&granularity=day&metrics=bytes_out,unique_viewers"`,
    },
    {
      title: "Native API with acme's own key: top resources, as CSV",
      command: `curl -s ${bearer(keys.acme.secret)} -H "Accept: text/csv" "${url}/v1/usage?from=${from}&to=${to}&group_by=resource,kind&order_by=-bytes_out&metrics=bytes_out,requests"`,
    },
    {
      title: "ScaleEngine usage.all: seed 000's PHP example (needs php-cli and php-curl)",
      command: `SE_URL=${url}/api SE_API_KEY=${keys.scaleengine.id} SE_SECRET=${keys.scaleengine.secret} SE_CDN=${s.acmeNumber} php ${s.phpFile}`,
    },
    {
      title: 'Wowza stream targets, with the key headers',
      command: `curl -s ${wowzaHeaders} "${targets}"`,
    },
    {
      title: 'Wowza stream targets, HMAC-signed by tally sign',
      command: `curl -s $(npx tally sign wowza --api-key ${keys.wowza.secret} --access-key ${keys.wowza.id} "${targets}") "${targets}"`,
    },
    {
      title: 'Wowza ultra low latency network usage (v1.2, as seed 002 shows)',
      command: `curl -s ${wowzaHeaders} "${url}/api/v1.2/usage/network/stream_targets?${wowzaRange}"`,
    },
    {
      title: 'Ooyala v3 billing usage, signed by tally sign',
      command: `curl -s "$(npx tally sign ooyala --api-key ${keys.ooyala.id} --secret ${keys.ooyala.secret} '${ooyala}')"`,
    },
    {
      title: 'ZenDRIVE cdn-stats (HTTPS only in production: the demo serves plain HTTP with --insecure-http)',
      command: `curl -s -X POST -H "Content-Type: application/json" -d '{"access_key":"${keys.zendrive.id}","secret_key":"${keys.zendrive.secret}","from":"${from}","to":"${lastDay(month)}"}' ${url}/zendrive-api/cdn-stats/`,
    },
  ];
}
