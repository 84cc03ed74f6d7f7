import { tableName } from '../../../libs/config';
import { RegistryReadModel } from '../../registry/kit/read-model';

/**
 * Enforcement table layout (pk / sk), besides the registry read model (services/registry/kit/read-model.ts):
 *   DEPARTMENTS      / DEPARTMENT#d            an X department, or a built-in one whose remit the bureau changed
 *   CAMPAIGN#k       / META                    a campaign (gsi1: CAMPAIGNS / startsOn#k; due: DUE#campaign-plan / start#k)
 *   CAMPAIGN#k       / SWEEP#c                 compound c's sweep in campaign k, with each department's part
 *                                              (gsi1: COMPOUND#c#SWEEPS / plannedFor#k)
 *   COMPOUND#c       / FINDING#f               a finding (gsi1: DEPT#d#FINDINGS / status#createdAt#c#f;
 *                                              due: DUE#escalation / next step's time#c#f)
 *   COMPOUND#c       / RISK                    the compound's sweep-risk inputs, kept from events
 *   COMPOUND#c       / SWEPT#period#key        first inspection of compound c in a period (for distinct counts)
 *   STATS#level#id   / MONTH#2026-05           additive counters of a compound, street, district or the city
 *   STATS#level#id   / PERIOD#2026-Q2|2026     distinct counts (compounds swept) of a quarter or year
 */
export const table = () => tableName('enforcement');
export const registry = new RegistryReadModel(table);

export const findingKey = (compoundId: string, findingId: string) => ({ pk: `COMPOUND#${compoundId}`, sk: `FINDING#${findingId}` });
export const campaignKey = (campaignId: string) => ({ pk: `CAMPAIGN#${campaignId}`, sk: 'META' });
export const sweepKey = (campaignId: string, compoundId: string) => ({ pk: `CAMPAIGN#${campaignId}`, sk: `SWEEP#${compoundId}` });
export const riskKey = (compoundId: string) => ({ pk: `COMPOUND#${compoundId}`, sk: 'RISK' });
export const departmentKey = (departmentId: string) => ({ pk: 'DEPARTMENTS', sk: `DEPARTMENT#${departmentId}` });

export const DUE = { campaignPlan: 'campaign-plan', escalation: 'escalation' } as const;
