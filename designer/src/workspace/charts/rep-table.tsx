// The analytics page's per-rep table: claims, follow-ups, wins, losses, releases, load and integrity
// (audits passed, violations) per rep.
import type { RepStats } from '../../api/stats.api.js';
import { useI18n } from '../../i18n/i18n.js';
import { cellLabels } from '../../pages/cell-labels.js';
import '../integrity.css';

const COLUMNS = [
  ['claims', 'repClaims'],
  ['followUps', 'repFollowUps'],
  ['wins', 'repWins'],
  ['losses', 'repLosses'],
  ['timedOut', 'repTimedOut'],
  ['manualReleases', 'repManualReleases'],
] as const;

export function RepTable(props: { reps: RepStats['reps']; name: (userId: string) => string }) {
  const { t } = useI18n();
  if (props.reps.length === 0) return <p className="muted">{t('noData')}</p>;
  return (
    <div className="table-wrap">
      <table ref={cellLabels} className="data-table rep-table" data-testid="rep-table">
        <thead>
          <tr>
            <th>{t('repName')}</th>
            {COLUMNS.map(([key, label]) => (
              <th key={key} className="num">
                {t(label)}
              </th>
            ))}
            <th>{t('repReasons')}</th>
            <th className="num">{t('repLoad')}</th>
            <th className="num">{t('repAuditsPassed')}</th>
            <th className="num">{t('repViolations')}</th>
          </tr>
        </thead>
        <tbody>
          {props.reps.map((r) => (
            <tr key={r.userId} data-testid="rep-row" data-user={r.username ?? r.userId}>
              <td>{r.displayName ?? props.name(r.userId)}</td>
              {COLUMNS.map(([key]) => (
                <td key={key} className="num" data-col={key}>
                  {r[key]}
                </td>
              ))}
              <td data-col="releaseReasons">
                {Object.entries(r.releaseReasons)
                  .sort((a, b) => b[1] - a[1])
                  .map(([reason, n]) => `${reason || t('repNoReason')} ×${n}`)
                  .join(' · ')}
              </td>
              <td className="num" data-col="load">
                {r.load}
              </td>
              <td className="num" data-col="auditsPassed">
                {r.auditsPassed}
              </td>
              <td className={r.violations > 0 ? 'num bad-figure' : 'num'} data-col="violations">
                {r.violations}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
