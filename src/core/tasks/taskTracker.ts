/**
 * Groups requests into tasks: the many rounds of one piece of agent work become one `turnId` with
 * numbered rounds. Pure logic (the clock is passed in), no I/O.
 *
 * Rules, in order:
 * 1. A Responses request whose `previous_response_id` names a response of an open task continues
 *    that task.
 * 2. A request from the same client (and the same session, when the client names one) whose messages
 *    start with every message of an open task's latest request, and add at least one, continues that
 *    task as its next round. When several tasks match, the one with the longest match wins (then the
 *    most recent).
 * 3. A request whose messages equal the latest request of an open task is that round again: a retry
 *    (same round, next attempt). So is a request after a refusal by the budget.
 * 4. Anything else starts a new task.
 * Messages are compared by fingerprint (see messageFingerprints.ts), so what assistants change
 * between rounds (cache markers, dropped thinking) does not split a task.
 *
 * A task closes after `TASK_IDLE_MS` (15 minutes) without a request: an agent's rounds follow each
 * other within seconds to minutes, and a pause of a quarter of an hour means the user moved on. A
 * later request that extends a closed task starts a new one. At most `MAX_OPEN_TASKS` stay open;
 * the least recently active closes first.
 */

export const TASK_IDLE_MS = 15 * 60_000;
export const MAX_OPEN_TASKS = 200;
/** Response ids remembered per task for `previous_response_id` links. */
const RESPONSE_IDS_PER_TASK = 64;

export interface TaskRequest {
  /** The client's name (see clientName.ts). */
  readonly client: string;
  /** The client's session id, when it sends one. */
  readonly session?: string;
  /** One fingerprint per message (system messages left out). */
  readonly fingerprints: readonly string[];
  /** Responses API: the response this request continues. */
  readonly previousResponseId?: string;
  readonly model: string;
  /** Epoch ms. */
  readonly at: number;
}

export interface TaskAssignment {
  readonly taskId: string;
  /** 0-based round within the task. */
  readonly round: number;
  /** 0-based attempt within the round (a retry of the same messages counts up). */
  readonly attempt: number;
  /** True when this request started the task. */
  readonly started: boolean;
}

export interface TaskSnapshot {
  readonly taskId: string;
  readonly client: string;
  readonly model: string;
  /** Rounds so far (the latest round's index + 1). */
  readonly rounds: number;
  /** Credits charged so far; null once a round had no known price. */
  readonly credits: number | null;
  /** Requests of the task still streaming. */
  readonly inFlight: number;
  readonly startedAt: number;
  readonly lastActivityAt: number;
  readonly open: boolean;
}

interface Task {
  readonly taskId: string;
  readonly client: string;
  readonly session: string | undefined;
  model: string;
  fingerprints: readonly string[];
  round: number;
  attempt: number;
  credits: number | null;
  /** High estimates of requests still in flight, by request key. */
  readonly reserved: Map<number, number>;
  readonly responseIds: string[];
  readonly startedAt: number;
  lastActivityAt: number;
  open: boolean;
}

export interface TaskTrackerOptions {
  readonly idleMs?: number;
  readonly maxOpen?: number;
  readonly newId: () => string;
}

type TaskListener = (task: TaskSnapshot) => void;

function startsWith(list: readonly string[], prefix: readonly string[]): boolean {
  if (prefix.length > list.length) {
    return false;
  }
  for (let i = 0; i < prefix.length; i++) {
    if (list[i] !== prefix[i]) {
      return false;
    }
  }
  return true;
}

export class TaskTracker {
  private readonly tasks = new Map<string, Task>();
  private readonly byResponseId = new Map<string, Task>();
  private readonly listeners = new Set<TaskListener>();
  private readonly idleMs: number;
  private readonly maxOpen: number;
  private nextReservation = 1;

  constructor(private readonly options: TaskTrackerOptions) {
    this.idleMs = options.idleMs ?? TASK_IDLE_MS;
    this.maxOpen = options.maxOpen ?? MAX_OPEN_TASKS;
  }

  /** Told whenever a task starts, gets a round, finishes a request or closes. */
  onDidChange(listener: TaskListener): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => { this.listeners.delete(listener); } };
  }

  /** Files a request under a task (opening one when none matches). */
  assign(request: TaskRequest): TaskAssignment {
    this.closeIdle(request.at);
    const linked = request.previousResponseId ? this.byResponseId.get(request.previousResponseId) : undefined;
    if (linked?.open) {
      return this.advance(linked, request, request.fingerprints.length > 0 ? [...linked.fingerprints, ...request.fingerprints] : linked.fingerprints);
    }
    let best: Task | undefined;
    let retry: Task | undefined;
    if (request.fingerprints.length > 0) {
      for (const task of this.tasks.values()) {
        if (!task.open || task.client !== request.client || task.session !== request.session || task.fingerprints.length === 0) {
          continue;
        }
        if (!startsWith(request.fingerprints, task.fingerprints)) {
          continue;
        }
        if (request.fingerprints.length === task.fingerprints.length) {
          if (!retry || task.lastActivityAt >= retry.lastActivityAt) {
            retry = task;
          }
        } else if (!best || task.fingerprints.length > best.fingerprints.length ||
          (task.fingerprints.length === best.fingerprints.length && task.lastActivityAt >= best.lastActivityAt)) {
          best = task;
        }
      }
    }
    if (best) {
      return this.advance(best, request, request.fingerprints);
    }
    if (retry) {
      retry.attempt += 1;
      retry.lastActivityAt = request.at;
      retry.model = request.model;
      this.emit(retry);
      return { taskId: retry.taskId, round: retry.round, attempt: retry.attempt, started: false };
    }
    const task: Task = {
      taskId: this.options.newId(),
      client: request.client,
      session: request.session,
      model: request.model,
      fingerprints: request.fingerprints,
      round: 0,
      attempt: 0,
      credits: 0,
      reserved: new Map(),
      responseIds: [],
      startedAt: request.at,
      lastActivityAt: request.at,
      open: true,
    };
    this.tasks.set(task.taskId, task);
    this.evictOverflow();
    this.emit(task);
    return { taskId: task.taskId, round: 0, attempt: 0, started: true };
  }

  /** Holds a request's high estimate against its task until it settles; returns the reservation key. */
  reserve(taskId: string, credits: number): number {
    const key = this.nextReservation++;
    const task = this.tasks.get(taskId);
    if (task) {
      task.reserved.set(key, Math.max(0, credits));
      this.emit(task);
    }
    return key;
  }

  /**
   * A request of the task ended: its reservation is released, its charge (null: no known price)
   * added, its response id remembered for `previous_response_id`.
   */
  settle(taskId: string, reservation: number | undefined, outcome: { credits: number | null; responseId?: string; at: number }): void {
    const task = this.tasks.get(taskId);
    if (!task) {
      return;
    }
    if (reservation !== undefined) {
      task.reserved.delete(reservation);
    }
    task.credits = task.credits === null || outcome.credits === null ? null : task.credits + outcome.credits;
    task.lastActivityAt = Math.max(task.lastActivityAt, outcome.at);
    if (outcome.responseId) {
      task.responseIds.push(outcome.responseId);
      this.byResponseId.set(outcome.responseId, task);
      while (task.responseIds.length > RESPONSE_IDS_PER_TASK) {
        this.byResponseId.delete(task.responseIds.shift() as string);
      }
    }
    this.emit(task);
  }

  /** Credits the task has been charged plus the high estimates of its requests in flight. */
  committed(taskId: string): number {
    const task = this.tasks.get(taskId);
    if (!task) {
      return 0;
    }
    let total = task.credits ?? 0;
    for (const value of task.reserved.values()) {
      total += value;
    }
    return total;
  }

  snapshot(taskId: string): TaskSnapshot | undefined {
    const task = this.tasks.get(taskId);
    return task ? snapshotOf(task) : undefined;
  }

  /** The open task active most recently, if any (what the status bar shows). */
  latest(now: number): TaskSnapshot | undefined {
    this.closeIdle(now);
    let found: Task | undefined;
    for (const task of this.tasks.values()) {
      if (task.open && (!found || task.lastActivityAt >= found.lastActivityAt)) {
        found = task;
      }
    }
    return found ? snapshotOf(found) : undefined;
  }

  /** Closes tasks idle for longer than the idle time; returns them. */
  closeIdle(now: number): TaskSnapshot[] {
    const closed: TaskSnapshot[] = [];
    for (const task of this.tasks.values()) {
      if (task.open && task.reserved.size === 0 && now - task.lastActivityAt > this.idleMs) {
        closed.push(this.close(task));
      }
    }
    return closed;
  }

  private advance(task: Task, request: TaskRequest, fingerprints: readonly string[]): TaskAssignment {
    task.round += 1;
    task.attempt = 0;
    task.fingerprints = fingerprints;
    task.model = request.model;
    task.lastActivityAt = request.at;
    this.emit(task);
    return { taskId: task.taskId, round: task.round, attempt: 0, started: false };
  }

  private close(task: Task): TaskSnapshot {
    task.open = false;
    this.tasks.delete(task.taskId);
    for (const id of task.responseIds) {
      this.byResponseId.delete(id);
    }
    const snapshot = snapshotOf(task);
    this.emitSnapshot(snapshot);
    return snapshot;
  }

  private evictOverflow(): void {
    while (this.tasks.size > this.maxOpen) {
      let oldest: Task | undefined;
      for (const task of this.tasks.values()) {
        if (task.reserved.size === 0 && (!oldest || task.lastActivityAt < oldest.lastActivityAt)) {
          oldest = task;
        }
      }
      if (!oldest) {
        return;
      }
      this.close(oldest);
    }
  }

  private emit(task: Task): void {
    this.emitSnapshot(snapshotOf(task));
  }

  private emitSnapshot(snapshot: TaskSnapshot): void {
    for (const listener of [...this.listeners]) {
      listener(snapshot);
    }
  }
}

function snapshotOf(task: Task): TaskSnapshot {
  return {
    taskId: task.taskId,
    client: task.client,
    model: task.model,
    rounds: task.round + 1,
    credits: task.credits,
    inFlight: task.reserved.size,
    startedAt: task.startedAt,
    lastActivityAt: task.lastActivityAt,
    open: task.open,
  };
}
