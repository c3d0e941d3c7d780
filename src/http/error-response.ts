import type { Response } from 'express';

export interface ErrorBody {
  detail: string;
  [extra: string]: unknown;
}

/** The one way an error reaches the wire: JSON with a string `detail` (contract §1.4). */
export function sendError(
  res: Response,
  status: number,
  body: ErrorBody,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  res.status(status).json(body);
}
