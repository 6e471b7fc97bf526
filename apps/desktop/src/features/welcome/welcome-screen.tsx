import { healthSchema, successEnvelopeSchema } from '@charla/shared-types';
import { useQuery } from '@tanstack/react-query';
import { useI18n } from '../../ui/i18n.tsx';

const healthEnvelope = successEnvelopeSchema(healthSchema);

async function fetchHealth() {
  const res = await fetch('/healthz');
  return healthEnvelope.parse(await res.json()).data;
}

/** First screen: tells whether the server is reachable. Replaced by the auth flow. */
export function WelcomeScreen() {
  const { t } = useI18n();
  const health = useQuery({ queryKey: ['health'], queryFn: fetchHealth });
  return (
    <main className="welcome" aria-labelledby="welcome-title">
      <h1 id="welcome-title">Charla</h1>
      <p>{t('welcome.tagline')}</p>
      <p role="status" aria-live="polite">
        {health.isPending && t('welcome.checking')}
        {health.isError && t('welcome.offline')}
        {health.data && t('welcome.online', { version: health.data.version })}
      </p>
    </main>
  );
}
