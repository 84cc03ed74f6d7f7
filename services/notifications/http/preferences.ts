import { NotificationPreferencesChanged } from '../../../events/catalogue';
import { clock } from '../../../libs/clock';
import { ruleBroken, type FieldError } from '../../../libs/errors';
import { implement } from '../../../libs/http/api';
import { DEFAULT_PREFERENCES, type Preferences } from '../domain/delivery';
import { getPreferences, savePreferences, syncRegistrations, type StoredPreferences } from '../store/preferences';
import { routes } from '../topology';
import { callerAudiences } from './caller';

const present = (p: StoredPreferences | undefined) => (p ? { ...p } : { ...DEFAULT_PREFERENCES, version: 0, audiences: [] as string[] });

const getPreferencesRoute = implement(routes.getPreferences, async ({ principal, event }) => {
  callerAudiences(principal, event);
  return { body: present(await getPreferences(principal.subject)) };
});

const putPreferences = implement(routes.putPreferences, async ({ principal, body, event }) => {
  const audiences = callerAudiences(principal, event);
  const errors: FieldError[] = [];
  if (body.channels.includes('sms') && !body.phone) errors.push({ field: 'body.phone', reason: 'SMS needs a phone number' });
  if (body.channels.includes('email') && !body.email) errors.push({ field: 'body.email', reason: 'e-mail needs an address' });
  if (body.quietHours && body.quietHours.from === body.quietHours.to) errors.push({ field: 'body.quietHours', reason: 'from and to are the same time' });
  if (errors.length) throw ruleBroken('these preferences cannot be used as they are', errors);
  const prefs: Preferences = { ...body, channels: [...new Set(body.channels)], unsubscribed: [...new Set(body.unsubscribed)] };
  const previous = await getPreferences(principal.subject);
  const event_ = NotificationPreferencesChanged.create(
    {
      userId: principal.subject,
      channels: prefs.channels,
      hasPhone: Boolean(prefs.phone),
      hasEmail: Boolean(prefs.email),
      quietHours: prefs.quietHours,
      digest: prefs.digest,
      unsubscribed: prefs.unsubscribed,
      language: prefs.language,
      audiences: audiences.length,
    },
    { compoundId: null, actor: principal.subject, occurredAt: clock.nowIso() },
  );
  const saved = await savePreferences(principal.subject, prefs, audiences, previous?.version, event_);
  await syncRegistrations(principal.subject, saved, previous?.audiences ?? []);
  return { body: saved };
});

export const preferenceRoutes = [getPreferencesRoute, putPreferences];
