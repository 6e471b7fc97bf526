import {
  adminStatsSchema,
  adminUserSchema,
  paths,
  type Report,
  reportSchema,
  type StatsDay,
} from '@charla/shared-types';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { z } from 'zod';
import { listOf } from '../../api/queries.ts';
import { useApp, useMe } from '../../app-context.tsx';
import { useI18n } from '../../ui/i18n.tsx';
import { useRouter } from '../../ui/router.tsx';
import { EmptyState, Skeleton } from '../../ui/status.tsx';
import { useToasts } from '../../ui/toasts.tsx';
import { errorText } from '../auth/auth-form.tsx';
import { ReportEvidence, useReportEvidence } from '../e2ee/report-evidence.tsx';
import { AdminPointsLedger } from '../points/admin-points-ledger.tsx';

type Tab = 'reports' | 'stats' | 'users';

/** Admins only (the server enforces it; the menu entry is hidden for others). */
export function AdminScreen() {
  const { t } = useI18n();
  const { navigate } = useRouter();
  const [tab, setTab] = useState<Tab>('reports');
  const tabs: Tab[] = ['reports', 'stats', 'users'];
  return (
    <section className="settings admin" aria-labelledby="admin-title">
      <header className="settings-header">
        <button type="button" className="button secondary" onClick={() => navigate({ name: 'home' })}>
          ← {t('common.back')}
        </button>
        <h1 id="admin-title">{t('admin.title')}</h1>
      </header>
      <div className="tabs" role="tablist" aria-label={t('admin.title')}>
        {tabs.map((x) => (
          <button key={x} type="button" role="tab" className="chip" aria-selected={tab === x} onClick={() => setTab(x)}>
            {t(`admin.${x}`)}
          </button>
        ))}
      </div>
      <div role="tabpanel">
        {tab === 'reports' && <Reports />}
        {tab === 'stats' && <Stats />}
        {tab === 'users' && <Users />}
      </div>
    </section>
  );
}

function useRun() {
  const { t } = useI18n();
  const toasts = useToasts();
  return async (fn: () => Promise<unknown>) => {
    try {
      await fn();
    } catch (e) {
      toasts.show({ kind: 'error', text: errorText(t, e) });
    }
  };
}

function Reports() {
  const { t } = useI18n();
  const { api } = useApp();
  const qc = useQueryClient();
  const run = useRun();
  const reports = useQuery({
    queryKey: ['admin', 'reports'],
    queryFn: () => api.get(`${paths.admin.reports}?status=open`, listOf(reportSchema)),
  });
  const resolve = (r: Report, status: 'resolved' | 'dismissed', deleteMessage = false) =>
    run(async () => {
      if (deleteMessage && r.targetType === 'message')
        await api.send('DELETE', paths.admin.message(r.targetId), z.unknown());
      await api.send('PATCH', paths.admin.report(r.id), z.unknown(), { status });
      await qc.invalidateQueries({ queryKey: ['admin', 'reports'] });
    });
  if (reports.isPending) return <Skeleton label={t('common.loading')} />;
  if (reports.isError) return <p role="alert">{errorText(t, reports.error)}</p>;
  if (reports.data.length === 0) return <EmptyState title={t('admin.noReports')} />;
  return (
    <ul className="devices">
      {reports.data.map((r) => (
        <ReportRow key={r.id} r={r} resolve={resolve} />
      ))}
    </ul>
  );
}

function ReportRow({
  r,
  resolve,
}: {
  r: Report;
  resolve: (r: Report, status: 'resolved' | 'dismissed', deleteMessage?: boolean) => Promise<unknown>;
}) {
  const { t, locale } = useI18n();
  // A report of an encrypted message carries the revealed, verified content; the server keeps only
  // ciphertext of the message itself, so there is nothing for "delete message" to delete there.
  const evidence = useReportEvidence(r.id, r.targetType === 'message');
  const encrypted = Boolean(evidence.data);
  return (
    <li>
      <span>
        <strong>{t(`report.reason.${r.reason}`)}</strong> · {r.targetType} ·{' '}
        {new Date(r.createdAt).toLocaleString(locale)}
        {r.groupStatus !== 'open' && <span className="badge-text"> {t(`admin.group.${r.groupStatus}`)}</span>}
        {r.note && (
          <>
            <br />
            <small>{r.note}</small>
          </>
        )}
        {evidence.data && <ReportEvidence evidence={evidence.data} />}
      </span>
      <span className="member-actions">
        {r.targetType === 'message' && !encrypted && (
          <button type="button" className="link danger" onClick={() => void resolve(r, 'resolved', true)}>
            {t('admin.deleteMessage')}
          </button>
        )}
        <button type="button" className="link" onClick={() => void resolve(r, 'resolved')}>
          {t('admin.resolve')}
        </button>
        <button type="button" className="link" onClick={() => void resolve(r, 'dismissed')}>
          {t('admin.dismiss')}
        </button>
      </span>
    </li>
  );
}

/** A tiny accessible SVG bar chart (no chart library). */
export function BarChart({
  series,
  field,
  label,
}: {
  series: StatsDay[];
  field: 'messages' | 'signups' | 'activeUsers' | 'points' | 'achievements';
  label: string;
}) {
  const max = Math.max(1, ...series.map((d) => d[field]));
  const w = 600;
  const h = 120;
  const bw = w / Math.max(1, series.length);
  return (
    <figure className="chart">
      <figcaption>{label}</figcaption>
      <svg
        viewBox={`0 0 ${w} ${h}`}
        role="img"
        aria-label={`${label}: ${series.map((d) => `${d.date} ${d[field]}`).join(', ')}`}
      >
        {series.map((d, i) => {
          const bh = (d[field] / max) * (h - 4);
          return (
            <rect key={d.date} x={i * bw + 1} y={h - bh} width={Math.max(1, bw - 2)} height={bh} fill="var(--accent)" />
          );
        })}
      </svg>
    </figure>
  );
}

function Stats() {
  const { t } = useI18n();
  const { api } = useApp();
  const stats = useQuery({
    queryKey: ['admin', 'stats'],
    queryFn: () => api.get(`${paths.admin.stats}?days=30`, adminStatsSchema),
  });
  if (stats.isPending) return <Skeleton label={t('common.loading')} />;
  if (stats.isError) return <p role="alert">{errorText(t, stats.error)}</p>;
  const s = stats.data;
  const totals: [string, number][] = [
    [t('admin.users'), s.totals.users],
    [t('admin.active24h'), s.totals.active24h],
    [t('admin.active7d'), s.totals.active7d],
    [t('admin.messages'), s.totals.messages],
    [t('admin.groups'), s.totals.conversations.group + s.totals.conversations.channel],
    [t('admin.media'), s.totals.mediaCount],
  ];
  return (
    <div className="stack">
      <dl className="totals">
        {totals.map(([k, v]) => (
          <div key={k}>
            <dt>{k}</dt>
            <dd>{v}</dd>
          </div>
        ))}
      </dl>
      <BarChart series={s.series} field="messages" label={t('admin.messagesPerDay')} />
      <BarChart series={s.series} field="signups" label={t('admin.signupsPerDay')} />
      <BarChart series={s.series} field="points" label={t('admin.pointsPerDay')} />
      <BarChart series={s.series} field="achievements" label={t('admin.achievementsPerDay')} />
    </div>
  );
}

function Users() {
  const { t } = useI18n();
  const { api } = useApp();
  const me = useMe();
  const qc = useQueryClient();
  const run = useRun();
  const [q, setQ] = useState('');
  const [pointsOf, setPointsOf] = useState<string | null>(null);
  const users = useQuery({
    queryKey: ['admin', 'users', q],
    queryFn: ({ signal }) =>
      api.get(`${paths.admin.users}?q=${encodeURIComponent(q)}`, listOf(adminUserSchema), signal),
  });
  const act = (fn: () => Promise<unknown>) =>
    void run(async () => {
      await fn();
      await qc.invalidateQueries({ queryKey: ['admin', 'users'] });
    });
  return (
    <div className="stack">
      <input
        type="search"
        className="input"
        aria-label={t('admin.searchUsers')}
        placeholder={t('admin.searchUsers')}
        value={q}
        onChange={(e) => setQ(e.target.value)}
      />
      <ul className="devices">
        {users.data?.map((u) => (
          <li key={u.id}>
            <span>
              <strong>{u.displayName}</strong>{' '}
              <small>
                @{u.username} · {u.email}
              </small>
              {u.role === 'admin' && <span className="badge-text"> {t('admin.roleAdmin')}</span>}
              {u.suspendedAt && <span className="badge-text"> {t('admin.suspended')}</span>}
            </span>
            {/* Never on yourself: the server refuses it too (and never demotes the last admin). */}
            {u.id !== me.id && (
              <span className="member-actions">
                <button
                  type="button"
                  className="link"
                  aria-label={`${u.role === 'admin' ? t('admin.removeAdmin') : t('admin.makeAdmin')}: ${u.displayName}`}
                  onClick={() =>
                    act(() =>
                      api.send('PUT', paths.admin.role(u.id), z.unknown(), {
                        role: u.role === 'admin' ? 'user' : 'admin',
                      }),
                    )
                  }
                >
                  {u.role === 'admin' ? t('admin.removeAdmin') : t('admin.makeAdmin')}
                </button>
                <button
                  type="button"
                  className={`link${u.suspendedAt ? '' : ' danger'}`}
                  aria-label={`${u.suspendedAt ? t('admin.unsuspend') : t('admin.suspend')}: ${u.displayName}`}
                  onClick={() =>
                    act(() =>
                      u.suspendedAt
                        ? api.send('DELETE', paths.admin.suspension(u.id), z.unknown())
                        : api.send('POST', paths.admin.suspension(u.id), z.unknown(), {
                            reason: 'Suspended by an admin',
                          }),
                    )
                  }
                >
                  {u.suspendedAt ? t('admin.unsuspend') : t('admin.suspend')}
                </button>
              </span>
            )}
            <button
              type="button"
              className="link"
              aria-expanded={pointsOf === u.id}
              onClick={() => setPointsOf(pointsOf === u.id ? null : u.id)}
            >
              {t('points.adminLedger')}
            </button>
            {pointsOf === u.id && <AdminPointsLedger userId={u.id} />}
          </li>
        ))}
      </ul>
    </div>
  );
}
