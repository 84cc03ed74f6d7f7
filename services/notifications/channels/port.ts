import { stage } from '../../../libs/config';
import type { Channel } from '../domain/delivery';
import { memorySink } from './memory';

/**
 * The port every outbound channel sits behind (as libs/bus.ts is the port for events): one adapter
 * per channel, chosen once per process. Deployed: SMS through Amazon SNS and e-mail through Amazon
 * SES (channels/aws.ts). Locally: an in-memory sink that `GET /_local/notifications` reads, so
 * nothing leaves the machine. A WeChat template-message adapter is one more entry here (and a
 * contact field in the preferences).
 */
export interface OutboundMessage {
  channel: Channel;
  /** A phone number (E.164) or an e-mail address. */
  to: string;
  language: 'zh' | 'en';
  subject: string;
  text: string;
  /** The notices this message carries (one, or a digest's). */
  noticeIds: readonly string[];
  /** Identifies the send for the provider's logs and for idempotency where the provider has it. */
  reference: string;
}

export interface SendReceipt {
  /** The provider's message id (SNS MessageId, SES MessageId). */
  providerId?: string;
}

export interface ChannelAdapter {
  send(message: OutboundMessage): Promise<SendReceipt>;
}

export type ChannelAdapters = Record<Channel, ChannelAdapter>;

let adapters: ChannelAdapters | undefined;

/** The local runtime installs its sink here (infra/local/notification-sink.ts); tests install failing ones. */
export function setChannelAdapters(next: ChannelAdapters | undefined): void {
  adapters = next;
}

export async function channelAdapter(channel: Channel): Promise<ChannelAdapter> {
  if (!adapters) {
    // Never reach AWS from a laptop: without an installed adapter, local stages use the sink.
    if (stage() === 'local') adapters = { sms: memorySink(), email: memorySink() };
    else adapters = (await import('./aws')).awsChannels();
  }
  return adapters[channel];
}
