import {
  type Space,
  type SpaceJoinPolicy,
  spaceNameSchema,
  spaceSettingsSchema,
  type UpdateSpaceRequest,
} from '@charla/shared-types';
import { useQueryClient } from '@tanstack/react-query';
import { type ReactNode, useId, useState } from 'react';
import { useApp } from '../../app-context.tsx';
import { isApiError } from '../../platform/errors.ts';
import { useI18n } from '../../ui/i18n.tsx';
import { FieldError, useNameCheck } from '../../ui/name-check.tsx';
import { useToasts } from '../../ui/toasts.tsx';
import { errorText } from '../auth/auth-form.tsx';
import { spaceApi } from './space-queries.ts';

/** What the form edits, as text fields hold it. */
export type SettingsDraft = {
  name: string;
  icon: string;
  accentColor: string;
  useAccent: boolean;
  joinPolicy: SpaceJoinPolicy;
  joinDomains: string;
  defaultLanguage: string;
  retention: 'forever' | 'days';
  retentionDays: string;
  editLimit: 'none' | 'minutes';
  editMinutes: string;
  membersMayCreateChannels: boolean;
};

export function draftOf(s: Space): SettingsDraft {
  return {
    name: s.name,
    icon: s.icon ?? '',
    accentColor: s.accentColor ?? '#17694f',
    useAccent: s.accentColor !== null,
    joinPolicy: s.joinPolicy,
    joinDomains: s.joinDomains.join(', '),
    defaultLanguage: s.defaultLanguage ?? '',
    retention: s.retentionDays === null ? 'forever' : 'days',
    retentionDays: String(s.retentionDays ?? 365),
    editLimit: s.editWindowSeconds === null ? 'none' : 'minutes',
    editMinutes: String(Math.round((s.editWindowSeconds ?? 900) / 60)),
    membersMayCreateChannels: s.membersMayCreateChannels,
  };
}

/**
 * The PATCH body for what changed, validated with the shared schema: `{ ok: false, field }` names the
 * first field the server would refuse, so it is explained there and nothing is sent.
 */
export function settingsPatch(
  before: Space,
  d: SettingsDraft,
): { ok: true; patch: UpdateSpaceRequest | null } | { ok: false; field: keyof SettingsDraft } {
  const domains = d.joinDomains
    .split(/[\s,;]+/)
    .map((x) => x.trim().toLowerCase().replace(/^@/, ''))
    .filter(Boolean);
  const next = {
    name: d.name,
    icon: d.icon.trim() || null,
    accentColor: d.useAccent ? d.accentColor : null,
    joinPolicy: d.joinPolicy,
    joinDomains: d.joinPolicy === 'domain' ? domains : before.joinPolicy === 'domain' ? [] : before.joinDomains,
    defaultLanguage: d.defaultLanguage || null,
    retentionDays: d.retention === 'forever' ? null : Number(d.retentionDays),
    editWindowSeconds: d.editLimit === 'none' ? null : Math.round(Number(d.editMinutes) * 60),
    membersMayCreateChannels: d.membersMayCreateChannels,
  };
  const parsed = spaceSettingsSchema.safeParse(next);
  if (!parsed.success) {
    const path = String(parsed.error.issues[0]?.path[0] ?? 'name');
    const field: Record<string, keyof SettingsDraft> = {
      retentionDays: 'retentionDays',
      editWindowSeconds: 'editMinutes',
      joinDomains: 'joinDomains',
      icon: 'icon',
      accentColor: 'accentColor',
      defaultLanguage: 'defaultLanguage',
    };
    return { ok: false, field: field[path] ?? 'name' };
  }
  if (d.joinPolicy === 'domain' && domains.length === 0) return { ok: false, field: 'joinDomains' };
  const patch: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(parsed.data)) {
    if (JSON.stringify(v) !== JSON.stringify(before[k as keyof Space])) patch[k] = v;
  }
  return { ok: true, patch: Object.keys(patch).length > 0 ? (patch as UpdateSpaceRequest) : null };
}

const FIELD_TEXT: Partial<Record<keyof SettingsDraft, Parameters<ReturnType<typeof useI18n>['t']>[0]>> = {
  retentionDays: 'spaces.retentionInvalid',
  editMinutes: 'spaces.editInvalid',
  joinDomains: 'spaces.domainsInvalid',
  icon: 'spaces.iconInvalid',
};

/** Owners and admins: name, look, who may join, language, retention, edit window, channel creation. */
export function SpaceSettingsForm({ space }: { space: Space }) {
  const { t } = useI18n();
  const { api } = useApp();
  const qc = useQueryClient();
  const toasts = useToasts();
  const checkName = useNameCheck();
  const errorId = useId();
  const [d, setD] = useState<SettingsDraft>(() => draftOf(space));
  const [fieldError, setFieldError] = useState<{ field: keyof SettingsDraft; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const set = <K extends keyof SettingsDraft>(k: K, v: SettingsDraft[K]) => setD((x) => ({ ...x, [k]: v }));
  const invalid = (k: keyof SettingsDraft) =>
    fieldError?.field === k ? { 'aria-invalid': true, 'aria-describedby': errorId } : {};
  const errorFor = (k: keyof SettingsDraft) =>
    fieldError?.field === k ? <FieldError id={errorId} text={fieldError.text} /> : null;

  const save = async () => {
    const nameProblem = checkName(spaceNameSchema, d.name);
    if (nameProblem) {
      setFieldError({ field: 'name', text: nameProblem });
      return;
    }
    const r = settingsPatch(space, d);
    if (!r.ok) {
      setFieldError({ field: r.field, text: t(FIELD_TEXT[r.field] ?? 'errors.validation') });
      return;
    }
    setFieldError(null);
    if (!r.patch) {
      toasts.show({ kind: 'info', text: t('spaces.nothingChanged') });
      return;
    }
    setBusy(true);
    try {
      await spaceApi(api).update(space.id, r.patch);
      await qc.invalidateQueries({ queryKey: ['spaces'] });
      toasts.show({ kind: 'info', text: t('settings.saved') });
    } catch (e) {
      if (isApiError(e, 'validation_failed') && e.details?.name)
        setFieldError({ field: 'name', text: e.details.name.join(' ') });
      else toasts.show({ kind: 'error', text: errorText(t, e) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      className="stack space-settings-form"
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <label>
        {t('spaces.name')}
        <input
          className="input"
          value={d.name}
          maxLength={60}
          required
          onChange={(e) => set('name', e.target.value)}
          {...invalid('name')}
        />
      </label>
      {errorFor('name')}
      <div className="space-look">
        <label>
          {t('spaces.icon')}
          <input
            className="input"
            value={d.icon}
            maxLength={8}
            placeholder="🚀"
            onChange={(e) => set('icon', e.target.value)}
            {...invalid('icon')}
          />
        </label>
        <label className="switch">
          <input type="checkbox" checked={d.useAccent} onChange={(e) => set('useAccent', e.target.checked)} />
          {t('spaces.accent')}
        </label>
        <input
          type="color"
          className="space-color"
          value={d.accentColor}
          disabled={!d.useAccent}
          aria-label={t('spaces.accentPick')}
          onChange={(e) => set('accentColor', e.target.value)}
        />
      </div>
      {errorFor('icon')}
      <fieldset>
        <legend>{t('spaces.whoMayJoin')}</legend>
        {(['invite', 'domain', 'anyone'] as const).map((p) => (
          <label key={p} className="switch">
            <input
              type="radio"
              name="joinPolicy"
              value={p}
              checked={d.joinPolicy === p}
              onChange={() => set('joinPolicy', p)}
            />
            {t(`spaces.join.${p}`)}
          </label>
        ))}
        {d.joinPolicy === 'domain' && (
          <label>
            {t('spaces.domains')}
            <input
              className="input"
              value={d.joinDomains}
              placeholder="example.org, school.edu"
              onChange={(e) => set('joinDomains', e.target.value)}
              {...invalid('joinDomains')}
            />
          </label>
        )}
        {errorFor('joinDomains')}
      </fieldset>
      <label>
        {t('spaces.language')}
        <select className="input" value={d.defaultLanguage} onChange={(e) => set('defaultLanguage', e.target.value)}>
          <option value="">{t('spaces.languageNone')}</option>
          <option value="en">English</option>
          <option value="es">Español</option>
          {d.defaultLanguage && !['en', 'es'].includes(d.defaultLanguage) && (
            <option value={d.defaultLanguage}>{d.defaultLanguage}</option>
          )}
        </select>
      </label>
      <LimitField
        legend={t('spaces.retention')}
        name="retention"
        unlimited={t('spaces.retentionForever')}
        limited={t('spaces.retentionDays')}
        unit={t('spaces.days')}
        isLimited={d.retention === 'days'}
        onLimited={(on) => set('retention', on ? 'days' : 'forever')}
        value={d.retentionDays}
        onValue={(v) => set('retentionDays', v)}
        min={1}
        max={3650}
        invalid={invalid('retentionDays')}
        error={errorFor('retentionDays')}
      />
      <LimitField
        legend={t('spaces.editWindow')}
        name="editLimit"
        unlimited={t('spaces.editAlways')}
        limited={t('spaces.editFor')}
        unit={t('spaces.minutes')}
        isLimited={d.editLimit === 'minutes'}
        onLimited={(on) => set('editLimit', on ? 'minutes' : 'none')}
        value={d.editMinutes}
        onValue={(v) => set('editMinutes', v)}
        min={0}
        max={525600}
        invalid={invalid('editMinutes')}
        error={errorFor('editMinutes')}
      />
      <label className="switch">
        <input
          type="checkbox"
          checked={d.membersMayCreateChannels}
          onChange={(e) => set('membersMayCreateChannels', e.target.checked)}
        />
        {t('spaces.membersChannels')}
      </label>
      <div className="dialog-actions">
        <button type="submit" className="button primary" disabled={busy} aria-busy={busy}>
          {t('spaces.save')}
        </button>
      </div>
    </form>
  );
}

/** "No limit" or "a number of <unit>": two radios and, when limited, the number. */
function LimitField(p: {
  legend: string;
  name: string;
  unlimited: string;
  limited: string;
  unit: string;
  isLimited: boolean;
  onLimited: (limited: boolean) => void;
  value: string;
  onValue: (v: string) => void;
  min: number;
  max: number;
  invalid: Record<string, unknown>;
  error: ReactNode;
}) {
  return (
    <fieldset>
      <legend>{p.legend}</legend>
      {[false, true].map((limited) => (
        <label key={String(limited)} className="switch">
          <input type="radio" name={p.name} checked={p.isLimited === limited} onChange={() => p.onLimited(limited)} />
          {limited ? p.limited : p.unlimited}
        </label>
      ))}
      {p.isLimited && (
        <label>
          {p.unit}
          <input
            className="input"
            type="number"
            min={p.min}
            max={p.max}
            value={p.value}
            onChange={(e) => p.onValue(e.target.value)}
            {...p.invalid}
          />
        </label>
      )}
      {p.error}
    </fieldset>
  );
}
