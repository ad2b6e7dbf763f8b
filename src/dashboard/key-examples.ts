/**
 * A request that works with a new key, shown beside its secret, one per scheme: what a customer
 * sends to that API (the compatible ones as their documents show, api/*.md).
 */

export interface NewKey {
  account: string;
  scheme: string;
  key: string;
  secret: string;
}

/** A shell command for `key` against the server at `origin`, for the period [from, to) (`yyyy-MM-dd`). */
export function exampleRequest(
  key: NewKey,
  origin: string,
  number: number | undefined,
  from: string,
  to: string,
): string {
  const { account, scheme } = key;
  switch (scheme) {
    case 'scaleengine':
      return `SE_URL=${origin}/api SE_API_KEY=${key.key} SE_SECRET=${key.secret} SE_CDN=${number ?? '<cdn_id>'} php src/http/compat/scaleengine/fixtures/usage-all.php`;
    case 'wowza':
      // For wowza, `key` is the wsc-api-key and `secret` the wsc-access-key (docs/api/wowza.md).
      return `curl -s -H "wsc-api-key: ${key.key}" -H "wsc-access-key: ${key.secret}" "${origin}/api/v1.6/usage/stream_targets?from=${from}%2000:00:00&to=${to}%2000:00:00"`;
    case 'ooyala':
      return `curl -s "$(npx tally sign ooyala --api-key ${key.key} --secret ${key.secret} '${origin}/v3/billing/usage/report/provider/${account}/metric/vod_bytes_delivered?startDate=${from}&endDate=${to}')"`;
    case 'zendrive':
      return `curl -s -X POST -H "Content-Type: application/json" -d '{"access_key":"${key.key}","secret_key":"${key.secret}","from":"${from}","to":"${to}"}' ${origin}/zendrive-api/cdn-stats/`;
    default:
      return `curl -s -H "Authorization: Bearer ${key.secret}" "${origin}/v1/usage?${account === '*' ? 'account=ACCOUNT&' : ''}from=${from}&to=${to}"`;
  }
}
