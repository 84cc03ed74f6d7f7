import { httpApi } from '../../libs/http/api';
import * as campaigns from './http/campaigns';
import * as departments from './http/departments';
import * as findings from './http/findings';
import { statistics } from './http/statistics';
import { getCampaign } from './store/campaigns';
import { registry } from './store/table';

export const handler = httpApi({
  service: 'enforcement',
  idempotency: true,
  locate: (compoundId) => registry.locateCompound(compoundId),
  // A campaign lives in the area it covers: its district and street (a city campaign in neither).
  locateResource: async (_route, params) => {
    const campaign = await getCampaign(String(params.campaignId));
    return campaign && { compoundId: '-', communityId: '-', districtId: campaign.area.districtId ?? '-', streetId: campaign.area.streetId ?? '-' };
  },
  implementations: [
    departments.listDepartments,
    departments.addDepartment,
    departments.getDepartment,
    departments.setRemit,
    departments.departmentFindings,
    campaigns.setProfile,
    campaigns.compoundRisk,
    campaigns.createCampaign,
    campaigns.listCampaigns,
    campaigns.getCampaign,
    campaigns.planCampaign,
    campaigns.listSweeps,
    campaigns.getSweep,
    campaigns.recordSweepFinding,
    campaigns.recordInspection,
    findings.recordFinding,
    findings.listFindings,
    findings.getFinding,
    findings.confirmFinding,
    findings.dismissFinding,
    findings.reinspect,
    findings.abate,
    findings.referToPolice,
    findings.attachEvidence,
    statistics,
  ],
});
