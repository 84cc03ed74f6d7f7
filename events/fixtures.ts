import {
  ArrearsCleared,
  ArrearsRecorded,
  CandidateDisqualified,
  CommitteeElected,
  CommitteeTermExpiring,
  CompoundRegistered,
  GridRoleAssigned,
  ResolutionFailed,
  ResolutionPassed,
  RollActivated,
  RollChunkPublished,
  UnitHolderChanged,
  ViolationConfirmed,
  ViolationRectified,
  ProjectAuthorized,
  ExpenseSubmitted,
  ExpenseReviewed,
  ExpenseReviewOverdue,
  ExpensePaid,
  DisclosurePublished,
} from './catalogue';
import type { BusEvent } from './envelope';

/**
 * One valid example of every event in the catalogue. Producers' tests compare their output's shape
 * against these; consumers' tests feed them in. Later services publish exactly these shapes.
 */
const ctx = (id: string) => ({ compoundId: 'C1', actor: 'fixture', occurredAt: '2026-05-01T08:00:00.000Z', id });
const unit = { unitId: 'B1-101', buildingId: 'B1', area: 8950, areaSource: 'register', holding: 'owned', ownerId: 'O1', registered: true } as const;
const figures = { totalArea: 1_000_000, totalHeadcount: 100, participatingArea: 700_000, participatingHeadcount: 70, forArea: 600_000, forHeadcount: 60 };

export const fixtures: Record<string, BusEvent> = {
  CompoundRegistered: CompoundRegistered.create(
    { compoundId: 'C1', name: 'Donghu Garden', location: { districtId: 'D1', streetId: 'S1', communityId: 'K1' }, governance: 'committee', developerId: 'DEV' },
    ctx('f-compound'),
  ),
  RollChunkPublished: RollChunkPublished.create({ compoundId: 'C1', rollVersion: 1, chunkIndex: 0, chunkCount: 1, units: [unit] }, ctx('f-chunk')),
  RollActivated: RollActivated.create({ compoundId: 'C1', rollVersion: 1, chunkCount: 1, unitCount: 1, totalArea: 8950 }, ctx('f-activated')),
  UnitHolderChanged: UnitHolderChanged.create({ compoundId: 'C1', rollVersion: 1, previousOwnerId: 'DEV', unit }, ctx('f-holder')),
  GridRoleAssigned: GridRoleAssigned.create({ compoundId: 'C1', role: 'building_head', personId: 'P1', name: 'Wang', buildingId: 'B1' }, ctx('f-grid')),
  ResolutionPassed: ResolutionPassed.create(
    { compoundId: 'C1', voteId: 'V1', matter: 'maintenance_fund_use', question: 'Replace lift 2?', figures, payload: { projectId: 'lift-2', fund: 'maintenance', amountFen: 48_000_000 }, decidedAt: '2026-05-20T00:00:00.000Z' },
    ctx('f-passed'),
  ),
  ResolutionFailed: ResolutionFailed.create(
    { compoundId: 'C1', voteId: 'V2', matter: 'maintenance_fund_raise', question: 'Levy 0.30 yuan/m²/month?', figures, reason: 'not_enough_votes', decidedAt: '2026-05-20T00:00:00.000Z' },
    ctx('f-failed'),
  ),
  CommitteeElected: CommitteeElected.create(
    {
      compoundId: 'C1',
      electionId: 'E1',
      members: [
        { personId: 'P1', role: 'chair' },
        { personId: 'P2', role: 'vice_chair' },
        { personId: 'P3', role: 'member' },
        { personId: 'P4', role: 'member' },
        { personId: 'P5', role: 'member' },
      ],
      alternates: ['P6'],
      termStart: '2026-06-01T00:00:00.000Z',
      termEnd: '2031-06-01T00:00:00.000Z',
    },
    ctx('f-elected'),
  ),
  CandidateDisqualified: CandidateDisqualified.create({ compoundId: 'C1', personId: 'P7', reason: 'unrectified_violation', sourceRef: 'enforcement/finding/F9' }, ctx('f-disqualified')),
  CommitteeTermExpiring: CommitteeTermExpiring.create({ compoundId: 'C1', committeeId: 'E1', termEnd: '2031-06-01T00:00:00.000Z', kind: 'committee' }, ctx('f-expiring')),
  ArrearsRecorded: ArrearsRecorded.create({ compoundId: 'C1', ownerId: 'O1', unitId: 'B1-101', kind: 'small_maintenance_levy', amountFen: 2685, arrearsId: 'A1' }, ctx('f-arrears')),
  ArrearsCleared: ArrearsCleared.create({ compoundId: 'C1', ownerId: 'O1', unitId: 'B1-101', arrearsId: 'A1' }, ctx('f-arrears-cleared')),
  ProjectAuthorized: ProjectAuthorized.create({ compoundId: 'C1', projectId: 'lift-2', fund: 'maintenance', approvedFen: 48_000_000, basis: 'resolution', basisRef: 'V1' }, ctx('f-project')),
  ExpenseSubmitted: ExpenseSubmitted.create(
    { compoundId: 'C1', projectId: 'lift-2', expenseId: 'X1', payee: 'Quanzhou Lift Co.', amountFen: 2_400_000, tierAmountFen: 2_400_000, tier: 3, inspectorNotified: true },
    ctx('f-expense'),
  ),
  ExpenseReviewed: ExpenseReviewed.create(
    { compoundId: 'C1', projectId: 'lift-2', expenseId: 'X1', step: 'community_reviewer', decision: 'approved', reason: 'invoice matches the contract', fullyApproved: false },
    ctx('f-reviewed'),
  ),
  ExpenseReviewOverdue: ExpenseReviewOverdue.create({ compoundId: 'C1', projectId: 'lift-2', expenseId: 'X1', step: 'street_office', dueAt: '2026-06-08T00:00:00.000Z' }, ctx('f-overdue')),
  ExpensePaid: ExpensePaid.create({ compoundId: 'C1', projectId: 'lift-2', expenseId: 'X1', fund: 'maintenance', amountFen: 2_400_000, entrySeq: 7 }, ctx('f-paid')),
  DisclosurePublished: DisclosurePublished.create({ compoundId: 'C1', period: '2026-Q2', funds: [{ fund: 'maintenance', headHash: 'a'.repeat(64), cashFen: 12_000_000 }] }, ctx('f-disclosure')),
  ViolationConfirmed: ViolationConfirmed.create(
    { compoundId: 'C1', findingId: 'F9', category: 'illegal_construction', responsibleOwnerId: 'O1', department: 'urban-management', deadline: '2026-07-01T00:00:00.000Z' },
    ctx('f-violation'),
  ),
  ViolationRectified: ViolationRectified.create({ compoundId: 'C1', findingId: 'F9', responsibleOwnerId: 'O1', department: 'urban-management' }, ctx('f-rectified')),
};
