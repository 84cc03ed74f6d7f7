import { createHash } from 'node:crypto';
import { ComplaintReferredForEnforcement, FindingReferred } from '../../events/catalogue';
import type { DeliveredEvent } from '../../events/envelope';
import { clock } from '../../libs/clock';
import { consumeOnce } from '../../libs/consume';
import { ID_PATTERN } from '../../libs/ids';
import { logger } from '../../libs/logger';
import { REFERRAL_CATEGORY } from './domain/categories';
import { referralDepartment } from './domain/departments';
import type { Finding } from './domain/finding';
import { allDepartments } from './store/departments';
import { insertFinding } from './store/findings';
import { registry, table } from './store/table';

/** The finding a referred complaint becomes: `ref-<complaintId>`, or a hash of it when that would not be an id. */
export function referralFindingId(complaintId: string): string {
  const plain = `ref-${complaintId}`;
  return ID_PATTERN.test(plain) ? plain : `ref-${createHash('sha256').update(complaintId).digest('hex').slice(0, 32)}`;
}

/**
 * A complaint the disputes service referred becomes a finding to inspect, for the department it
 * suggests when its remit covers the matter, else the category's primary department (fire rescue
 * for fire lanes, urban management for illegal construction…), else any whose remit does. Its events
 * keep the complaint's correlation id: the audit trail runs from the complaint to the last step.
 */
export const handler = async (event: DeliveredEvent) => {
  await consumeOnce(table(), 'referrals', event, async () => {
    const { metadata, data } = ComplaintReferredForEnforcement.parse(event);
    const compound = await registry.getCompound(data.compoundId);
    // The registration may still be on its way: fail, and the bus delivers again later.
    if (!compound) throw new Error(`compound ${data.compoundId} is not known here yet`);
    const category = REFERRAL_CATEGORY[data.category];
    const departments = await allDepartments();
    const department = referralDepartment(category, data.suggestedDepartment, departments);
    if (!department) throw new Error(`no department's remit covers ${category}`);
    const now = clock.nowIso();
    const findingId = referralFindingId(data.complaintId);
    const finding: Finding = {
      compoundId: data.compoundId,
      findingId,
      districtId: compound.districtId,
      streetId: compound.streetId,
      communityId: compound.communityId,
      source: 'referral',
      status: 'to_inspect',
      category,
      department: department.departmentId,
      responsibleParty: data.respondentOwnerId ? { kind: 'owner', ownerId: data.respondentOwnerId } : undefined,
      location: { buildingId: data.location.buildingId, unitId: data.location.unitId, commonPart: data.location.description },
      description: data.description,
      criminal: false,
      publicInterest: false,
      legalBasis: '',
      referral: {
        complaintId: data.complaintId,
        category: data.category,
        description: data.description,
        respondentOwnerId: data.respondentOwnerId,
        suggestedDepartment: data.suggestedDepartment,
        referredAt: data.referredAt,
      },
      evidence: [],
      reinspections: [],
      steps: [],
      correlationId: metadata.correlationId,
      createdAt: now,
      createdBy: `${event.source}:${metadata.actor}`,
      updatedAt: now,
      version: 1,
    };
    const referred = FindingReferred.create(
      { compoundId: data.compoundId, findingId, complaintId: data.complaintId, category, department: department.departmentId },
      { compoundId: data.compoundId, actor: 'enforcement', occurredAt: now, correlationId: metadata.correlationId, id: `finding-referred-${data.compoundId}-${findingId}` },
    );
    if (!(await insertFinding(finding, [referred]))) logger('enforcement').info('complaint already referred', { complaintId: data.complaintId });
  });
};
