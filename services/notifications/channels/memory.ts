import { clock } from '../../../libs/clock';
import type { ChannelAdapter, OutboundMessage, SendReceipt } from './port';

/**
 * An outbound channel that keeps what it is given, in this process: the local runtime's sink (read
 * at `GET /_local/notifications`) and the tests'. It can be told to fail for an address, to show a
 * failing channel retried and dead-lettered.
 */
export interface SentMessage extends OutboundMessage {
  at: string;
  providerId: string;
}

export class MemorySink implements ChannelAdapter {
  readonly sent: SentMessage[] = [];
  private readonly failing = new Map<string, number>();
  attempts = 0;

  /** Refuse sends to `address`: `times` times, or always. */
  failFor(address: string, times = Infinity): void {
    this.failing.set(address, times);
  }

  heal(address: string): void {
    this.failing.delete(address);
  }

  async send(message: OutboundMessage): Promise<SendReceipt> {
    this.attempts++;
    const left = this.failing.get(message.to);
    if (left !== undefined && left > 0) {
      this.failing.set(message.to, left - 1);
      throw new Error(`the local ${message.channel} sink refused ${message.to} (told to fail)`);
    }
    const providerId = `local-${this.sent.length + 1}`;
    this.sent.push({ ...message, at: clock.nowIso(), providerId });
    return { providerId };
  }

  clear(): void {
    this.sent.length = 0;
    this.failing.clear();
    this.attempts = 0;
  }
}

let shared: MemorySink | undefined;

/** The process's sink: every channel of the local runtime writes to it. */
export const memorySink = (): MemorySink => (shared ??= new MemorySink());
