import { Cron } from 'croner';
import { clock } from '../../libs/clock';

export interface LocalSchedule {
  /** `service/name`. */
  id: string;
  expression: string;
  /** IANA zone of the cron fields (EventBridge Scheduler's ScheduleExpressionTimezone). */
  timeZone?: string;
  invoke: (input: { schedule: string; scheduledTime: string }) => Promise<unknown>;
}

/** Next time an EventBridge Scheduler expression, read in `timeZone`, fires strictly after `after`. */
export function nextFireTime(expression: string, after: Date, timeZone = 'UTC'): Date {
  const rate = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(expression);
  if (rate) {
    const unit = rate[2]!.startsWith('minute') ? 60_000 : rate[2]!.startsWith('hour') ? 3600_000 : 86_400_000;
    return new Date(after.getTime() + Number(rate[1]) * unit);
  }
  const cron = /^cron\((\S+) (\S+) (\S+) (\S+) (\S+) (\S+)\)$/.exec(expression);
  if (cron) {
    const [, minute, hour, dayOfMonth, month, dayOfWeek, year] = cron;
    if (year !== '*') throw new Error(`only year * is supported locally: ${expression}`);
    // AWS numbers weekdays 1-7 from Sunday; croner 0-6. Names need no translation.
    const weekday = dayOfWeek!.replace(/\b([1-7])\b/g, (d) => String(Number(d) - 1)).replace('?', '*');
    const pattern = `${minute} ${hour} ${dayOfMonth!.replace('?', '*')} ${month} ${weekday}`;
    const next = new Cron(pattern, { timezone: timeZone, paused: true, legacyMode: false }).nextRun(after);
    if (!next) throw new Error(`schedule ${expression} never fires`);
    return next;
  }
  throw new Error(`not an EventBridge Scheduler expression: ${expression}`);
}

/** Fires the declared schedules against the shared clock; `advance` moves the clock and fires what fell due. */
export class LocalScheduler {
  private readonly next = new Map<string, Date>();
  private timer: NodeJS.Timeout | undefined;
  readonly fired: { id: string; at: string }[] = [];
  /** Called with the clock's offset-to-be before it moves (to keep it), and after it moved. */
  private readonly hooks: { before?: (offsetMs: number) => Promise<void>; after?: () => void } = {};

  constructor(private readonly schedules: readonly LocalSchedule[]) {
    const now = clock.now();
    for (const s of schedules) this.next.set(s.id, nextFireTime(s.expression, now, s.timeZone));
  }

  list() {
    return this.schedules.map((s) => ({ id: s.id, expression: s.expression, timeZone: s.timeZone ?? 'UTC', nextFireTime: this.next.get(s.id)?.toISOString() }));
  }

  start(intervalMs = 1000): void {
    this.timer = setInterval(() => void this.tick().catch((e) => console.error('schedule failed', e)), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  async fire(id: string): Promise<unknown> {
    const schedule = this.schedules.find((s) => s.id === id);
    if (!schedule) throw new Error(`no schedule ${id}`);
    const scheduledTime = clock.nowIso();
    this.fired.push({ id, at: scheduledTime });
    return schedule.invoke({ schedule: id, scheduledTime });
  }

  /** Fire every schedule that is due (once, however many periods were skipped). */
  async tick(): Promise<string[]> {
    const now = clock.now();
    const due = this.schedules.filter((s) => (this.next.get(s.id) ?? now) <= now);
    for (const s of due) this.next.set(s.id, nextFireTime(s.expression, now, s.timeZone));
    for (const s of due) await this.fire(s.id);
    return due.map((s) => s.id);
  }

  /** The local runtime keeps the moved clock across restarts (`before`) and wakes deliveries waiting on it (`after`). */
  onAdvance(hooks: { before?: (offsetMs: number) => Promise<void>; after?: () => void }): void {
    Object.assign(this.hooks, hooks);
  }

  async advance(ms: number): Promise<string[]> {
    if (!Number.isFinite(ms) || ms < 0) throw new Error('the clock only moves forward');
    // Kept before it moves: nothing can happen at the new time that a restart would take back.
    await this.hooks.before?.(clock.offsetMs() + ms);
    clock.advance(ms);
    this.hooks.after?.();
    return this.tick();
  }
}
