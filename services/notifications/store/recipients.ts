import { parseBuildingHeadGrant, type Audience } from '../domain/audiences';
import { DEFAULT_PREFERENCES } from '../domain/delivery';
import { registrationOf, registrationsOf, type Registration } from './preferences';
import { buildingHeads } from './registry';

/**
 * Who receives an audience's notices on outbound channels: the people who registered for it with
 * their preferences, and for a building (`grid:C:B`) its heads' phones as the registry has them
 * (SMS, unless the head registered the same phone themselves).
 */
const GRID_SUBJECT = 'grid-person:';

export async function registrationsFor(audiences: readonly Audience[]): Promise<Map<Audience, Registration[]>> {
  const found = await registrationsOf(audiences);
  for (const a of audiences) {
    const building = parseBuildingHeadGrant(a);
    if (!building) continue;
    const own = found.get(a) ?? [];
    const phones = new Set(own.map((r) => r.phone).filter(Boolean));
    const heads = (await buildingHeads(building.compoundId, building.buildingId)).filter((h) => h.phone && !phones.has(h.phone));
    found.set(a, [...own, ...heads.map((h) => gridRegistration(h.personId, h.phone!))]);
  }
  return found;
}

export async function registrationFor(audience: Audience, subject: string): Promise<Registration | undefined> {
  if (!subject.startsWith(GRID_SUBJECT)) return registrationOf(audience, subject);
  const building = parseBuildingHeadGrant(audience);
  if (!building) return undefined;
  const head = (await buildingHeads(building.compoundId, building.buildingId)).find((h) => `${GRID_SUBJECT}${h.personId}` === subject && h.phone);
  return head ? gridRegistration(head.personId, head.phone!) : undefined;
}

const gridRegistration = (personId: string, phone: string): Registration => ({ ...DEFAULT_PREFERENCES, subject: `${GRID_SUBJECT}${personId}`, version: 0, channels: ['sms'], phone });
