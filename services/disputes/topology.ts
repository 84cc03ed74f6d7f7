import * as disputeEvents from '../../events/disputes';
import type { EventDefinition } from '../../events/envelope';
import type { ServiceTopology } from '../../libs/topology';
import { REGISTRY_EVENTS } from '../registry/kit/events';
import { complaintRoutes } from './routes/complaints';
import { mediationRoutes } from './routes/mediation';
import { open311Routes } from './routes/open311';
import { recordRoutes } from './routes/records';

export const routes = { ...complaintRoutes, ...mediationRoutes, ...recordRoutes, ...open311Routes };

const published = Object.values(disputeEvents).filter((e): e is EventDefinition<never> => typeof e === 'object' && e !== null && 'detailType' in e);

/** The disputes service: the one window, mediation and the courts, petitions, statistics, Open311. */
export const topology: ServiceTopology = {
  name: 'disputes',
  source: 'gongzhi.disputes',
  ownsTable: true,
  files: true,
  api: { entry: 'services/disputes/api.ts', routes: Object.values(routes), timeoutSeconds: 29, memoryMb: 512, table: { level: 'read-write', indexes: ['gsi1'] } },
  consumers: [
    {
      name: 'registry-read-model',
      entry: 'services/disputes/consume-registry.ts',
      table: { level: 'read-write', indexes: ['gsi1'] },
      description: 'Keeps the compounds, where they are in the city, and their rolls (to name an owner referred for enforcement)',
      pattern: { source: ['gongzhi.registry'], 'detail-type': REGISTRY_EVENTS.map((e) => e.detailType) },
    },
    {
      name: 'case-lists',
      entry: 'services/disputes/consume-cases.ts',
      table: { level: 'read-write', indexes: ['gsi1'] },
      description: 'Keeps the city-wide list by date (Open311) and each handler’s work list from the complaints’ own events',
      pattern: {
        source: ['gongzhi.disputes'],
        'detail-type': published
          .filter((e) => e.detailType.startsWith('Complaint') || e.detailType.startsWith('Mediation') || ['CaseReferredToCourt', 'CourtOutcomeRecorded'].includes(e.detailType))
          .map((e) => e.detailType),
      },
    },
    {
      name: 'statistics',
      entry: 'services/disputes/consume-statistics.ts',
      table: { level: 'read-write', indexes: ['gsi1'] },
      description: 'Adds each counted event to its compound’s, street’s, district’s and the city’s monthly counters',
      pattern: {
        source: ['gongzhi.disputes'],
        'detail-type': [
          'ComplaintReceived',
          'ComplaintAcknowledged',
          'ComplaintResolved',
          'ComplaintEscalated',
          'ComplaintReopened',
          'ComplaintClosed',
          'MediationOpened',
          'MediationAgreementSigned',
          'MediationFailed',
          'CaseReferredToCourt',
          'ComplaintReferredForEnforcement',
          'JudicialConfirmationApplied',
          'JudicialConfirmationDecided',
          'CourtVisitRecorded',
          'PetitionRecorded',
        ],
      },
    },
  ],
  schedules: [
    {
      name: 'case-clock',
      entry: 'services/disputes/case-clock.ts',
      table: { level: 'read-write', indexes: ['due', 'gsi1'] },
      description: 'Finds complaints past a deadline or their confirmation period (due index) and queues each',
      expression: 'rate(15 minutes)',
      sendsTo: ['case-steps'],
    },
  ],
  queues: [
    {
      name: 'case-steps',
      entry: 'services/disputes/case-steps.ts',
      table: { level: 'read-write', indexes: ['gsi1'] },
      description: 'Takes one complaint’s due step: escalates it one level (community → street → district) or closes it after the confirmation period',
      batchSize: 10,
      maxConcurrency: 5,
    },
  ],
  publishes: published.map((e) => e.detailType),
};
