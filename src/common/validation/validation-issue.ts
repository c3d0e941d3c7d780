export type IssueLocation = 'path' | 'query' | 'body';

/** One entry of a 422's `errors` list (contract §1.4). */
export interface ValidationIssue {
  /** The wire name, or null for a whole-body problem. */
  field: string | null;
  location: IssueLocation;
  message: string;
}
