import { type E2eeReportEvidenceDto, e2eePaths, e2eeReportEvidenceSchema } from '@charla/shared-types';
import { useQuery } from '@tanstack/react-query';
import { useApp } from '../../app-context.tsx';
import { ApiError } from '../../platform/errors.ts';
import { formatBytes } from '../../ui/format.ts';
import { useE2eeText } from './e2ee-i18n.ts';

/**
 * The revealed content of a reported encrypted message, which the server verified against the
 * sender's franking commitment before filing the report. Null for reports of plain messages (404).
 */
export function useReportEvidence(reportId: string, enabled: boolean) {
  const { api } = useApp();
  return useQuery({
    queryKey: ['admin', 'e2ee-evidence', reportId],
    enabled,
    staleTime: Number.POSITIVE_INFINITY,
    queryFn: async (): Promise<E2eeReportEvidenceDto | null> => {
      try {
        return await api.get(e2eePaths.reportEvidence(reportId), e2eeReportEvidenceSchema);
      } catch (err) {
        if (err instanceof ApiError && err.status === 404) return null;
        throw err;
      }
    },
  });
}

export function ReportEvidence({ evidence }: { evidence: E2eeReportEvidenceDto }) {
  const x = useE2eeText();
  const what = evidence.kind === 'react' ? x('evidence.reaction') : null;
  return (
    <blockquote className="e2ee-evidence">
      <small>{x('evidence.verified')}</small>
      <p>
        {what && <em>{what} </em>}
        {evidence.text}
      </p>
      {evidence.attachments.length > 0 && (
        <ul>
          {evidence.attachments.map((a) => (
            <li key={`${a.name}-${a.size}`}>
              {a.name} · {formatBytes(a.size)}
            </li>
          ))}
        </ul>
      )}
    </blockquote>
  );
}
