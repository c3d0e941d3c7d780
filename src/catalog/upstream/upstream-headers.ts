/** Headers every upstream call carries (upstream.md §1): never a generic library User-Agent. */
export function baseHeaders(userAgent: string): Record<string, string> {
  return { Accept: 'application/json', 'User-Agent': userAgent };
}

export function withQuery(url: string, params: Record<string, string | number | null>): string {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value !== null) query.set(name, String(value));
  }
  return `${url}?${query.toString()}`;
}

/** For logs: a v3 key travels in the URL, and no log line may carry it. */
export function redactApiKey(url: string): string {
  return url.replace(/([?&]api_key=)[^&#]*/gi, '$1[redacted]');
}
