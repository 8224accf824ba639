/**
 * The simulator's data: projects with a workflow, issues with comments, properties,
 * remote links and a changelog. Every change moves `updated` and records history, as
 * Jira does; listeners (the webhook sender) hear about each change.
 */

export type StatusCategory = 'new' | 'indeterminate' | 'done';

export interface SimStatus {
  id: string;
  name: string;
  category: StatusCategory;
}

export interface SimTransition {
  id: string;
  name: string;
  to: string;
}

export interface SimProject {
  id: string;
  key: string;
  name: string;
  issueTypes: string[];
  statuses: SimStatus[];
  /** Jira's simplified workflow: every transition is available from every status. */
  transitions: SimTransition[];
}

export interface SimUser {
  accountId: string;
  displayName: string;
  emailAddress: string;
  timeZone: string;
}

export interface SimComment {
  id: string;
  author: string;
  body: unknown;
  created: number;
  updated: number;
  properties: Record<string, unknown>;
}

export interface SimRemoteLink {
  id: number;
  globalId: string | undefined;
  application: unknown;
  relationship: string | undefined;
  object: { url: string; title: string; [k: string]: unknown };
}

export interface SimChangeItem {
  field: string;
  fieldtype: string;
  fieldId: string;
  from: string | null;
  fromString: string | null;
  to: string | null;
  toString: string | null;
}

export interface SimHistory {
  id: string;
  author: string;
  created: number;
  items: SimChangeItem[];
}

export interface SimIssue {
  id: string;
  key: string;
  project: string;
  issueType: string;
  summary: string;
  description: unknown;
  status: string;
  labels: string[];
  assignee: string | null;
  reporter: string;
  created: number;
  updated: number;
  customFields: Record<string, unknown>;
  comments: SimComment[];
  properties: Map<string, unknown>;
  remoteLinks: SimRemoteLink[];
  changelog: SimHistory[];
}

export type SimChange =
  | {
      type: 'issue_created' | 'issue_updated' | 'issue_deleted';
      issue: SimIssue;
      history?: SimHistory;
      user: string;
    }
  | {
      type: 'comment_created' | 'comment_updated' | 'comment_deleted';
      issue: SimIssue;
      comment: SimComment;
      user: string;
    }
  | { type: 'issue_property_set'; issue: SimIssue; propertyKey: string; user: string };

export const DEFAULT_STATUSES: SimStatus[] = [
  { id: '10000', name: 'To Do', category: 'new' },
  { id: '3', name: 'In Progress', category: 'indeterminate' },
  { id: '10001', name: 'Blocked', category: 'indeterminate' },
  { id: '10002', name: 'Done', category: 'done' },
];

export const DEFAULT_TRANSITIONS: SimTransition[] = [
  { id: '11', name: 'To Do', to: '10000' },
  { id: '21', name: 'Start progress', to: '3' },
  { id: '31', name: 'Block', to: '10001' },
  { id: '41', name: 'Done', to: '10002' },
];

export class SimState {
  readonly projects = new Map<string, SimProject>();
  readonly users = new Map<string, SimUser>();
  /** Insertion order = creation order. */
  readonly issues = new Map<string, SimIssue>();
  private readonly byKey = new Map<string, SimIssue>();
  private nextIssueId = 10000;
  private nextCommentId = 10000;
  private nextHistoryId = 10000;
  private nextLinkId = 10000;
  private lastStamp = 0;
  private readonly listeners: ((change: SimChange) => void)[] = [];

  private readonly lastSeq = new Map<string, number>();

  constructor(private readonly now: () => number) {}

  onChange(listener: (change: SimChange) => void): void {
    this.listeners.push(listener);
  }

  /** The simulator's clock. */
  nowMs(): number {
    return this.now();
  }

  /** Bumped on every change: lets a search reuse its result while nothing changed. */
  version = 0;

  private emit(change: SimChange): void {
    this.version += 1;
    for (const l of this.listeners) l(change);
  }

  /** Strictly increasing: two changes in one millisecond still order by `updated`. */
  stamp(): number {
    this.lastStamp = Math.max(this.now(), this.lastStamp + 1);
    return this.lastStamp;
  }

  addProject(
    p: Omit<SimProject, 'id' | 'statuses' | 'transitions'> & Partial<SimProject>,
  ): SimProject {
    const project: SimProject = {
      id: p.id ?? String(10000 + this.projects.size),
      key: p.key,
      name: p.name,
      issueTypes: p.issueTypes,
      statuses: p.statuses ?? DEFAULT_STATUSES,
      transitions: p.transitions ?? DEFAULT_TRANSITIONS,
    };
    this.projects.set(project.key, project);
    return project;
  }

  addUser(user: SimUser): void {
    this.users.set(user.accountId, user);
  }

  find(idOrKey: string): SimIssue | undefined {
    return this.issues.get(idOrKey) ?? this.byKey.get(idOrKey.toUpperCase());
  }

  statusOf(issue: SimIssue): SimStatus {
    const project = this.projects.get(issue.project)!;
    return project.statuses.find((s) => s.id === issue.status) ?? project.statuses[0]!;
  }

  createIssue(
    input: {
      project: string;
      issueType: string;
      summary: string;
      description?: unknown;
      labels?: string[];
      assignee?: string | null;
      customFields?: Record<string, unknown>;
    },
    user: string,
  ): SimIssue {
    const project = this.projects.get(input.project);
    if (!project) throw new Error(`no project ${input.project}`);
    // Jira numbers issues per project and never reuses a key, even after a delete.
    const seq = (this.lastSeq.get(project.key) ?? 0) + 1;
    this.lastSeq.set(project.key, seq);
    const at = this.stamp();
    const issue: SimIssue = {
      id: String(this.nextIssueId++),
      key: `${project.key}-${seq}`,
      project: project.key,
      issueType: input.issueType,
      summary: input.summary,
      description: input.description ?? null,
      status: project.statuses[0]!.id,
      labels: [...(input.labels ?? [])],
      assignee: input.assignee ?? null,
      reporter: user,
      created: at,
      updated: at,
      customFields: { ...(input.customFields ?? {}) },
      comments: [],
      properties: new Map(),
      remoteLinks: [],
      changelog: [],
    };
    this.issues.set(issue.id, issue);
    this.byKey.set(issue.key, issue);
    this.emit({ type: 'issue_created', issue, user });
    return issue;
  }

  /** Applies field changes, records one history entry, moves `updated`. */
  updateIssue(issue: SimIssue, items: SimChangeItem[], apply: () => void, user: string): void {
    apply();
    const at = this.stamp();
    issue.updated = at;
    let history: SimHistory | undefined;
    if (items.length > 0) {
      history = { id: String(this.nextHistoryId++), author: user, created: at, items };
      issue.changelog.push(history);
    }
    this.emit({ type: 'issue_updated', issue, user, ...(history ? { history } : {}) });
  }

  deleteIssue(issue: SimIssue, user: string): void {
    this.issues.delete(issue.id);
    this.byKey.delete(issue.key);
    this.emit({ type: 'issue_deleted', issue, user });
  }

  addComment(
    issue: SimIssue,
    body: unknown,
    user: string,
    properties: Record<string, unknown> = {},
  ): SimComment {
    const at = this.stamp();
    const comment: SimComment = {
      id: String(this.nextCommentId++),
      author: user,
      body,
      created: at,
      updated: at,
      properties,
    };
    issue.comments.push(comment);
    issue.updated = at;
    this.emit({ type: 'comment_created', issue, comment, user });
    return comment;
  }

  updateComment(issue: SimIssue, comment: SimComment, body: unknown, user: string): void {
    comment.body = body;
    comment.updated = this.stamp();
    issue.updated = comment.updated;
    this.emit({ type: 'comment_updated', issue, comment, user });
  }

  deleteComment(issue: SimIssue, comment: SimComment, user: string): void {
    issue.comments = issue.comments.filter((c) => c !== comment);
    issue.updated = this.stamp();
    this.emit({ type: 'comment_deleted', issue, comment, user });
  }

  /** Jira does not move `updated` for property writes; it fires issue_property_set. */
  setProperty(issue: SimIssue, key: string, value: unknown, user: string): boolean {
    const existed = issue.properties.has(key);
    issue.properties.set(key, value);
    this.emit({ type: 'issue_property_set', issue, propertyKey: key, user });
    return existed;
  }

  upsertRemoteLink(
    issue: SimIssue,
    link: Omit<SimRemoteLink, 'id'>,
  ): { link: SimRemoteLink; created: boolean } {
    const existing =
      link.globalId !== undefined
        ? issue.remoteLinks.find((l) => l.globalId === link.globalId)
        : undefined;
    if (existing) {
      Object.assign(existing, link, { id: existing.id });
      issue.updated = this.stamp();
      return { link: existing, created: false };
    }
    const created: SimRemoteLink = { ...link, id: this.nextLinkId++ };
    issue.remoteLinks.push(created);
    issue.updated = this.stamp();
    return { link: created, created: true };
  }
}
