import type { DeliveredEvent } from '../../events/envelope';
import { getComplaint } from './store/complaints';
import { project } from './store/projections';

/**
 * Keeps the city-wide list and the handlers' work lists. Each event only says "this case changed":
 * the lists are brought up to the case as it is now, so a late, repeated or reordered event does no harm.
 */
export const handler = async (event: DeliveredEvent) => {
  const complaintId = (event.detail.data as { complaintId?: string }).complaintId;
  if (!complaintId) return;
  const complaint = await getComplaint(complaintId);
  if (complaint) await project(complaint);
};
