import type { Tick } from '../../api/cache.ts';
import { useI18n } from '../../ui/i18n.tsx';

/**
 * Sent / delivered / read, told apart by shape as well as colour (WCAG 1.4.1): one check, two checks,
 * two checks on a filled disc. Colours come from --tick-* variables, kept at >= 3:1 against the
 * bubble in every theme and accent (receipt-tick.test.tsx measures them).
 */
export function ReceiptTick({ tick }: { tick: Tick }) {
  const { t } = useI18n();
  return (
    <span className={`tick tick-${tick}`} role="img" aria-label={t(`tick.${tick}`)}>
      <svg
        width={tick === 'sent' ? 14 : 18}
        height={14}
        viewBox={tick === 'sent' ? '0 0 14 14' : '0 0 18 14'}
        aria-hidden="true"
        focusable="false"
      >
        {tick === 'read' && <rect x="0" y="0" width="18" height="14" rx="7" className="tick-disc" />}
        <path
          d={tick === 'sent' ? 'M2.5 7.5l3 3 6-7' : 'M2.5 7.5l3 3 6-7M7.5 10.5l6-7'}
          fill="none"
          stroke="currentColor"
          strokeWidth={tick === 'read' ? 2 : 1.7}
          strokeLinecap="round"
          strokeLinejoin="round"
        />
      </svg>
    </span>
  );
}
