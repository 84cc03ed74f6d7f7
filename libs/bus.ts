import type { BusEvent } from '../events/envelope';
import { eventBusName } from './config';

export type Publisher = (events: readonly BusEvent[]) => Promise<void>;

let publisher: Publisher | undefined;

/** The local runtime installs its in-process bus here; deployed, events go to EventBridge. */
export function setPublisher(next: Publisher | undefined): void {
  publisher = next;
}

/** Told of every publish before it is attempted (the local runtime counts what each request caused). */
let observer: ((events: readonly BusEvent[]) => void) | undefined;
export function observePublishes(next: ((events: readonly BusEvent[]) => void) | undefined): void {
  observer = next;
}

export async function publish(events: readonly BusEvent[]): Promise<void> {
  if (events.length === 0) return;
  observer?.(events);
  publisher ??= eventBridgePublisher();
  await publisher(events);
}

function eventBridgePublisher(): Publisher {
  // Loaded on first use: functions that never publish (and the local runtime) skip its init cost.
  const sdk = import('@aws-sdk/client-eventbridge');
  let client: import('@aws-sdk/client-eventbridge').EventBridgeClient | undefined;
  return async (events) => {
    const { EventBridgeClient, PutEventsCommand } = await sdk;
    client ??= new EventBridgeClient({});
    // PutEvents takes at most 10 entries a call.
    for (let i = 0; i < events.length; i += 10) {
      const batch = events.slice(i, i + 10);
      const result = await client.send(
        new PutEventsCommand({
          Entries: batch.map((event) => ({
            EventBusName: eventBusName(),
            Source: event.source,
            DetailType: event.detailType,
            Detail: JSON.stringify(event.detail),
            Time: new Date(event.detail.metadata.occurredAt),
          })),
        }),
      );
      if (result.FailedEntryCount) {
        const reasons = result.Entries?.filter((e) => e.ErrorCode).map((e) => `${e.ErrorCode}: ${e.ErrorMessage}`);
        throw new Error(`EventBridge refused ${result.FailedEntryCount} event(s): ${reasons?.join('; ')}`);
      }
    }
  };
}
